package io.netloop;

import java.io.IOException;
import java.util.Objects;

/**
 * An operating-system call failed with a code that has no better JDK exception type.
 *
 * <p>The message names the operation, the symbolic code, the number and the system's text:
 * {@code connect failed: ECONNREFUSED (111) Connection refused}. Where a JDK type fits (for
 * example {@link java.net.ConnectException} or {@link java.net.BindException}), netloop throws
 * that type and attaches a {@code NativeIOException} as its cause, so the code is never lost:
 *
 * <pre>{@code
 * catch (ConnectException e) {
 *     if (e.getCause() instanceof NativeIOException n) log(n.symbolicName(), n.code());
 * }
 * }</pre>
 */
public class NativeIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What was attempted, such as {@code "connect"}. */
    private final String operation;
    /** The numeric code ({@code errno}, or a Winsock/Win32 error). */
    private final int code;
    /** The code's C name, such as {@code "ECONNREFUSED"}. */
    private final String symbolicName;
    /** The operating system's text for the code. */
    private final String systemMessage;

    /**
     * Creates the exception with the message {@link #format} builds from the four parts.
     *
     * @param operation     what was attempted, as a short verb such as {@code "connect"}
     * @param code          the numeric code ({@code errno}, or a Winsock/Win32 error)
     * @param symbolicName  the code's C name, such as {@code "ECONNREFUSED"} or {@code "WSAECONNREFUSED"}
     * @param systemMessage the operating system's text for the code
     * @throws NullPointerException when {@code operation}, {@code symbolicName} or {@code systemMessage} is null
     */
    public NativeIOException(String operation, int code, String symbolicName, String systemMessage) {
        super(format(operation, code, symbolicName, systemMessage));
        this.operation = Objects.requireNonNull(operation, "operation");
        this.code = code;
        this.symbolicName = Objects.requireNonNull(symbolicName, "symbolicName");
        this.systemMessage = Objects.requireNonNull(systemMessage, "systemMessage");
    }

    /**
     * The formatted message shared by every exception netloop builds from a native error.
     *
     * @param operation     what was attempted, such as {@code "connect"}
     * @param code          the numeric code
     * @param symbolicName  the code's C name, such as {@code "ECONNREFUSED"}
     * @param systemMessage the operating system's text for the code
     * @return {@code "<operation> failed: <symbolicName> (<code>) <systemMessage>"}, such as
     *         {@code connect failed: ECONNREFUSED (111) Connection refused}
     */
    public static String format(String operation, int code, String symbolicName, String systemMessage) {
        return operation + " failed: " + symbolicName + " (" + code + ") " + systemMessage;
    }

    /**
     * The operation that failed.
     *
     * @return a short verb, such as {@code "connect"} or {@code "bind"}
     */
    public String operation() {
        return operation;
    }

    /**
     * The numeric code as the operating system reported it.
     *
     * @return the {@code errno} value, or the Winsock/Win32 error; differs between operating
     *         systems for the same condition
     */
    public int code() {
        return code;
    }

    /**
     * The code's C name.
     *
     * @return the name, such as {@code "ECONNREFUSED"} or {@code "WSAECONNREFUSED"}
     */
    public String symbolicName() {
        return symbolicName;
    }

    /**
     * The operating system's text for the code.
     *
     * @return the text, such as {@code "Connection refused"}; for people, not for matching
     *         (match {@link #symbolicName()})
     */
    public String systemMessage() {
        return systemMessage;
    }
}
