package io.netloop.spi;

import io.netloop.ConnectionResetException;
import io.netloop.NativeIOException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;

/**
 * The one table that turns a native error into the exception every backend throws for it.
 *
 * <p>Windows' Winsock names ({@code WSAECONNREFUSED}) are matched by their POSIX part, so both
 * operating systems report the same JDK types; the {@link NativeIOException} cause keeps the
 * original code and name.
 *
 * <pre>{@code
 * throw IoErrors.exception("connect", errno, Errno.name(errno), Errno.message(errno));
 * }</pre>
 */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * Builds the exception for {@code operation} failing with this native code. Every result
     * carries the same message, and a {@link NativeIOException} with the code: as itself, or as
     * the cause of a JDK type.
     *
     * @param operation     what was attempted, as a short verb such as {@code "connect"} or {@code "bind"};
     *                      refused, timed-out and no-such-file (a Unix-domain path) codes only become a
     *                      {@link ConnectException} for an operation starting with {@code "connect"}
     * @param code          the numeric code ({@code errno}, or a Winsock/Win32 error)
     * @param symbolicName  the code's C name, such as {@code "ECONNREFUSED"} or {@code "WSAECONNREFUSED"}
     * @param systemMessage the operating system's text for the code
     * @return a {@link ConnectException}, {@link NoRouteToHostException}, {@link BindException} or
     *         {@link ConnectionResetException} where one fits the code, else the {@link NativeIOException}
     */
    public static IOException exception(String operation, int code, String symbolicName, String systemMessage) {
        NativeIOException nativeCause = new NativeIOException(operation, code, symbolicName, systemMessage);
        String message = nativeCause.getMessage();
        return switch (posixName(symbolicName)) {
            case "ECONNREFUSED", "ETIMEDOUT" -> isConnect(operation)
                    ? withCause(new ConnectException(message), nativeCause) : nativeCause;
            // A Unix-domain path with no socket file: nothing listens there, as with a refusal.
            case "ENOENT" -> isConnect(operation) ? withCause(new ConnectException(message), nativeCause) : nativeCause;
            case "EHOSTUNREACH", "ENETUNREACH" -> withCause(new NoRouteToHostException(message), nativeCause);
            case "EADDRINUSE", "EADDRNOTAVAIL" -> withCause(new BindException(message), nativeCause);
            case "EACCES" -> operation.equals("bind") ? withCause(new BindException(message), nativeCause) : nativeCause;
            case "ECONNRESET", "EPIPE", "ECONNABORTED", "ENETRESET", "ESHUTDOWN" ->
                    new ConnectionResetException(message, nativeCause);
            default -> nativeCause;
        };
    }

    /**
     * Whether {@code e} says the process or system ran out of descriptors or socket buffers
     * ({@code EMFILE}, {@code ENFILE}, {@code ENOBUFS}, {@code ENOMEM}): a listener pauses on these
     * rather than retrying at once.
     *
     * @param e an exception from a native call; its cause chain is searched for the first
     *          {@link NativeIOException}
     * @return {@code true} when that exception's code is one of those four (or their Winsock names)
     */
    public static boolean isResourceExhaustion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NativeIOException n) {
                return switch (posixName(n.symbolicName())) {
                    case "EMFILE", "ENFILE", "ENOBUFS", "ENOMEM" -> true;
                    default -> false;
                };
            }
        }
        return false;
    }

    private static boolean isConnect(String operation) {
        return operation.startsWith("connect");
    }

    /**
     * The POSIX name a native name stands for: Winsock's {@code WSAExxx} drop their prefix, and the
     * Win32 codes an overlapped socket operation can end with map to what they mean.
     */
    private static String posixName(String symbolicName) {
        if (symbolicName.startsWith("WSAE")) {
            return symbolicName.substring(3);
        }
        return switch (symbolicName) {
            case "ERROR_CONNECTION_REFUSED", "ERROR_PORT_UNREACHABLE" -> "ECONNREFUSED";
            case "ERROR_CONNECTION_ABORTED" -> "ECONNABORTED";
            case "ERROR_NETNAME_DELETED" -> "ECONNRESET";
            case "ERROR_SEM_TIMEOUT" -> "ETIMEDOUT";
            case "ERROR_NETWORK_UNREACHABLE" -> "ENETUNREACH";
            case "ERROR_HOST_UNREACHABLE" -> "EHOSTUNREACH";
            default -> symbolicName;
        };
    }

    private static <T extends IOException> T withCause(T e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
