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

    private final String operation;
    private final int code;
    private final String symbolicName;
    private final String systemMessage;

    /**
     * @param operation     what was attempted, as a short verb such as {@code "connect"}
     * @param code          the numeric code ({@code errno}, or a Winsock/Win32 error)
     * @param symbolicName  the code's C name, such as {@code "ECONNREFUSED"} or {@code "WSAECONNREFUSED"}
     * @param systemMessage the operating system's text for the code
     */
    public NativeIOException(String operation, int code, String symbolicName, String systemMessage) {
        super(format(operation, code, symbolicName, systemMessage));
        this.operation = Objects.requireNonNull(operation, "operation");
        this.code = code;
        this.symbolicName = Objects.requireNonNull(symbolicName, "symbolicName");
        this.systemMessage = Objects.requireNonNull(systemMessage, "systemMessage");
    }

    /** The formatted message shared by every exception netloop builds from a native error. */
    public static String format(String operation, int code, String symbolicName, String systemMessage) {
        return operation + " failed: " + symbolicName + " (" + code + ") " + systemMessage;
    }

    /** The operation that failed, such as {@code "connect"}. */
    public String operation() {
        return operation;
    }

    /** The numeric code as the operating system reported it. */
    public int code() {
        return code;
    }

    /** The code's C name, such as {@code "ECONNREFUSED"}. */
    public String symbolicName() {
        return symbolicName;
    }

    /** The operating system's text for the code. */
    public String systemMessage() {
        return systemMessage;
    }
}
