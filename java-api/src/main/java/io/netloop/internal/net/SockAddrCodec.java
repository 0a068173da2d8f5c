package io.netloop.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.AbstractUnixAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * {@link InetSocketAddress} to and from {@code sockaddr_in}/{@code sockaddr_in6}, and Unix-domain
 * addresses ({@link UnixDomainSocketAddress}, {@link AbstractUnixAddress}) to and from
 * {@code sockaddr_un}, written once for every platform: each backend gives its address-family
 * numbers and its bindings' sizes and offsets (the same shape on Linux and Windows; {@code AF_INET6}
 * is 10 on one and 23 on the other, {@code AF_UNIX} 1 on both, {@code sun_path} 108 bytes at
 * offset 2 on both). Not on the hot path.
 *
 * <p>{@code sockaddr_un}: a path is its bytes in the JDK's file-name encoding
 * ({@code sun.jnu.encoding}, as the JDK's own Unix-domain channels encode it) and a terminating NUL,
 * so at most {@code sun_path} less one bytes; the length passed to the kernel is
 * {@code offsetof(sun_path) + bytes + 1}. An abstract name (Linux) is a NUL and then the name's UTF-8
 * bytes, with no terminating NUL, and the length {@code offsetof(sun_path) + 1 + bytes} says where
 * it ends. A socket with no name (an unbound client) comes back as an empty
 * {@link UnixDomainSocketAddress}, as from the JDK's channels.
 */
public final class SockAddrCodec {
    /** Ports are in network byte order in a sockaddr. */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final int afInet;
    private final int afInet6;
    private final long in4Size;
    private final long in6Size;
    private final long familyOffset;
    private final long in4PortOffset;
    private final long in4AddrOffset;
    private final long in6PortOffset;
    private final long in6AddrOffset;
    private final long in6ScopeOffset;
    /** {@code AF_UNIX}, or -1 where this codec has no {@code sockaddr_un}. */
    private final int afUnix;
    private final long sunPathOffset;
    private final long sunPathSize;
    private final boolean abstractNames;

    /** The encoding of file names, as the JDK's own Unix-domain channels use it. */
    private static final Charset PATH_CHARSET = pathCharset();

    /**
     * A codec without Unix-domain addresses.
     *
     * @param familyOffset the family's offset, the same in both structs and in {@code sockaddr_storage}
     */
    public SockAddrCodec(int afInet, int afInet6, long in4Size, long in6Size, long familyOffset,
                         long in4PortOffset, long in4AddrOffset, long in6PortOffset, long in6AddrOffset, long in6ScopeOffset) {
        this(afInet, afInet6, in4Size, in6Size, familyOffset, in4PortOffset, in4AddrOffset, in6PortOffset, in6AddrOffset,
                in6ScopeOffset, -1, 0, 0, false);
    }

    /**
     * A codec with Unix-domain addresses too.
     *
     * @param afUnix        {@code AF_UNIX}
     * @param sunPathOffset {@code offsetof(struct sockaddr_un, sun_path)}
     * @param sunPathSize   {@code sizeof(((struct sockaddr_un *) 0)->sun_path)}
     * @param abstractNames whether the platform has the abstract namespace (a leading NUL); where it
     *                      has not, a name that starts with NUL is decoded as no name
     */
    public SockAddrCodec(int afInet, int afInet6, long in4Size, long in6Size, long familyOffset,
                         long in4PortOffset, long in4AddrOffset, long in6PortOffset, long in6AddrOffset, long in6ScopeOffset,
                         int afUnix, long sunPathOffset, long sunPathSize, boolean abstractNames) {
        this.afUnix = afUnix;
        this.sunPathOffset = sunPathOffset;
        this.sunPathSize = sunPathSize;
        this.abstractNames = abstractNames;
        this.afInet = afInet;
        this.afInet6 = afInet6;
        this.in4Size = in4Size;
        this.in6Size = in6Size;
        this.familyOffset = familyOffset;
        this.in4PortOffset = in4PortOffset;
        this.in4AddrOffset = in4AddrOffset;
        this.in6PortOffset = in6PortOffset;
        this.in6AddrOffset = in6AddrOffset;
        this.in6ScopeOffset = in6ScopeOffset;
    }

    public int family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? afInet6 : afInet;
    }

    /** Writes {@code a} at the start of {@code dst} (a {@code sockaddr_storage}); returns its length. */
    public int encode(InetSocketAddress a, MemorySegment dst) {
        InetAddress ip = a.getAddress();
        byte[] bytes = ip.getAddress();
        for (long i = 0; i < in6Size; i++) {
            dst.set(JAVA_BYTE, i, (byte) 0);
        }
        if (ip instanceof Inet4Address) {
            dst.set(JAVA_SHORT, familyOffset, (short) afInet);
            dst.set(PORT, in4PortOffset, (short) a.getPort());
            MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, in4AddrOffset, 4);
            return (int) in4Size;
        }
        dst.set(JAVA_SHORT, familyOffset, (short) afInet6);
        dst.set(PORT, in6PortOffset, (short) a.getPort());
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, in6AddrOffset, 16);
        dst.set(JAVA_INT, in6ScopeOffset, ((Inet6Address) ip).getScopeId());
        return (int) in6Size;
    }

    /** The wildcard address of {@code family} with port 0 (to bind before connecting). */
    public int encodeWildcard(int family, MemorySegment dst) {
        try {
            InetAddress any = InetAddress.getByAddress(new byte[family == afInet6 ? 16 : 4]);
            return encode(new InetSocketAddress(any, 0), dst);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Unix-domain addresses ----

    /** Whether {@code a} is a Unix-domain address (a path or an abstract name). */
    public static boolean isUnix(SocketAddress a) {
        return a instanceof UnixDomainSocketAddress || a instanceof AbstractUnixAddress;
    }

    /** The bytes a path is sent to the kernel as, without the terminating NUL. */
    public static byte[] pathBytes(UnixDomainSocketAddress a) {
        return a.getPath().toString().getBytes(PATH_CHARSET);
    }

    /** The most bytes a path may have here ({@code sun_path} less its NUL); 0 without {@code sockaddr_un}. */
    public int maxUnixPathBytes() {
        return afUnix < 0 ? 0 : (int) sunPathSize - 1;
    }

    /** Whether {@link AbstractUnixAddress}es can be encoded here. */
    public boolean abstractNames() {
        return afUnix >= 0 && abstractNames;
    }

    /** The address family of {@code a}: {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}. */
    public int family(SocketAddress a) {
        if (isUnix(a)) {
            if (afUnix < 0) {
                throw new IllegalArgumentException("Unix-domain addresses are not supported here: " + a);
            }
            return afUnix;
        }
        return family((InetSocketAddress) a);
    }

    /**
     * Writes {@code a} at the start of {@code dst} (a {@code sockaddr_storage}); returns its length.
     *
     * @throws IllegalArgumentException for a path or name longer than {@code sun_path} takes, or an
     *         abstract name where there are none (the group checks both before; this is the last guard
     *         before memory is written)
     */
    public int encode(SocketAddress a, MemorySegment dst) {
        if (!isUnix(a)) {
            return encode((InetSocketAddress) a, dst);
        }
        int family = family(a);
        boolean isAbstract = a instanceof AbstractUnixAddress;
        if (isAbstract && !abstractNames) {
            throw new IllegalArgumentException("abstract Unix-domain names are not supported here: " + a);
        }
        byte[] bytes = isAbstract ? ((AbstractUnixAddress) a).nameBytes() : pathBytes((UnixDomainSocketAddress) a);
        if (bytes.length > sunPathSize - 1) {
            throw new IllegalArgumentException(tooLong(a, bytes.length, (int) sunPathSize));
        }
        dst.asSlice(0, sunPathOffset + sunPathSize).fill((byte) 0);
        dst.set(JAVA_SHORT, familyOffset, (short) family);
        long at = sunPathOffset + (isAbstract ? 1 : 0);
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, at, bytes.length);
        // A path counts its terminating NUL (already 0); an abstract name ends where the length says.
        return (int) (at + bytes.length + (isAbstract ? 0 : 1));
    }

    /** The message for a path or name of {@code bytes} bytes that does not fit a {@code sun_path} of {@code size}. */
    public static String tooLong(SocketAddress a, int bytes, int size) {
        String what = a instanceof AbstractUnixAddress ? "abstract Unix-domain name" : "Unix-domain socket path";
        String room = a instanceof AbstractUnixAddress ? "its leading NUL" : "its terminating NUL";
        return what + " too long: " + bytes + " bytes, but sun_path holds " + size + " bytes with " + room
                + ", so at most " + (size - 1) + ": " + a + " (use a shorter path, such as a short name under /tmp)";
    }

    /**
     * Reads the address of {@code length} bytes at the start of {@code src} ({@code length} as
     * {@code getsockname}, {@code getpeername} or {@code accept} returned it; a {@code sockaddr_un}
     * needs it to tell where an abstract name ends), or {@code null} for a family this codec does not know.
     */
    public SocketAddress decode(MemorySegment src, int length) {
        int family = src.get(JAVA_SHORT, familyOffset);
        if (afUnix >= 0 && family == afUnix) {
            return decodeUnix(src, length);
        }
        return decode(src);
    }

    private SocketAddress decodeUnix(MemorySegment src, int length) {
        int n = (int) Math.min(Math.max(0, length - sunPathOffset), sunPathSize);
        if (n == 0) {
            return UnixDomainSocketAddress.of("");
        }
        if (src.get(JAVA_BYTE, sunPathOffset) == 0) {
            byte[] name = new byte[n - 1];
            MemorySegment.copy(src, JAVA_BYTE, sunPathOffset + 1, name, 0, name.length);
            if (!abstractNames || name.length == 0 || allZero(name)) {
                return UnixDomainSocketAddress.of(""); // no name (Windows fills sun_path with NULs)
            }
            return AbstractUnixAddress.of(new String(name, StandardCharsets.UTF_8));
        }
        int end = 0;
        while (end < n && src.get(JAVA_BYTE, sunPathOffset + end) != 0) {
            end++;
        }
        byte[] path = new byte[end];
        MemorySegment.copy(src, JAVA_BYTE, sunPathOffset, path, 0, end);
        return UnixDomainSocketAddress.of(new String(path, PATH_CHARSET));
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static Charset pathCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Reads the address at the start of {@code src}, or {@code null} for a family other than IPv4/IPv6. */
    public InetSocketAddress decode(MemorySegment src) {
        int family = src.get(JAVA_SHORT, familyOffset);
        try {
            if (family == afInet) {
                byte[] b = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, in4AddrOffset, b, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(b), Short.toUnsignedInt(src.get(PORT, in4PortOffset)));
            }
            if (family == afInet6) {
                byte[] b = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, in6AddrOffset, b, 0, 16);
                int port = Short.toUnsignedInt(src.get(PORT, in6PortOffset));
                int scope = src.get(JAVA_INT, in6ScopeOffset);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of the wrong length", e);
        }
        return null;
    }
}
