package io.netloop;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A name in Linux's abstract Unix-domain namespace: a socket address with no file behind it, gone
 * when the last socket bound to it closes. The name is sent as its UTF-8 bytes after the leading
 * NUL of {@code sun_path}, with no terminating NUL ({@code socat ABSTRACT-CONNECT:name} and
 * {@code ss -x} show it as {@code @name}).
 *
 * <pre>{@code
 * Listener l = group.listen(AbstractUnixAddress.of("netloop-chat"), Chat::new);
 * Connection c = group.connect(AbstractUnixAddress.of("netloop-chat"), handler).join();
 * }</pre>
 *
 * <p><b>Portability:</b> only the Linux native backends take abstract names; {@code nio} and the
 * Windows backends refuse them with an {@link IllegalArgumentException} (Windows has no abstract
 * namespace; the JDK's channels do not open one).
 */
public final class AbstractUnixAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** The name, never empty. */
    private final String name;

    private AbstractUnixAddress(String name) {
        this.name = name;
    }

    /**
     * The abstract address {@code name}.
     *
     * @param name the name without the leading NUL or {@code @}; at least one character. How long it
     *             may be is checked where it is used: {@code sun_path} less the leading NUL, 107 bytes
     *             of UTF-8 on Linux
     * @return the address
     * @throws IllegalArgumentException when {@code name} is empty
     */
    public static AbstractUnixAddress of(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an abstract Unix-domain name must not be empty");
        }
        return new AbstractUnixAddress(name);
    }

    /**
     * The name, as given to {@link #of}.
     *
     * @return the name without the leading NUL
     */
    public String name() {
        return name;
    }

    /**
     * The bytes the kernel sees after the leading NUL.
     *
     * @return the name in UTF-8; a new array each call
     */
    public byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AbstractUnixAddress a && a.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** @return {@code @name}, as {@code ss -x} and {@code netstat} show abstract names */
    @Override
    public String toString() {
        return "@" + name;
    }
}
