package io.netloop.bindings.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Windows error codes: the Winsock {@code WSAE*} values of {@code <winsock2.h>} and the Win32
 * {@code ERROR_*} values of {@code <winerror.h>} that socket I/O meets, the call-state segment
 * every binding captures them into, and their names and system messages.
 *
 * <p>Each Windows binding takes a caller-owned {@code callState} segment as its first parameter;
 * the linker copies {@code WSAGetLastError()} (ws2_32 and mswsock functions) or
 * {@code GetLastError()} (kernel32 functions) into it right after the call returns, before the
 * JVM can run anything that would overwrite it. Allocate one per thread and reuse it:
 *
 * <pre>{@code
 * MemorySegment callState = WinErrors.allocateCallState(arena);   // owned by arena, one per thread
 * long s = Ws2_32.WSASocketW(callState, Ws2_32.AF_INET, Ws2_32.SOCK_STREAM, Ws2_32.IPPROTO_TCP,
 *         MemorySegment.NULL, 0, Ws2_32.WSA_FLAG_OVERLAPPED | Ws2_32.WSA_FLAG_NO_HANDLE_INHERIT);
 * if (s == Ws2_32.INVALID_SOCKET) {
 *     int code = WinErrors.wsaLastError(callState);
 *     throw new IOException("WSASocketW failed: " + WinErrors.name(code) + " (" + code + ") " + WinErrors.message(code));
 * }
 * }</pre>
 *
 * <p>This class initialises on every OS: the constants are plain values, and the capture-state
 * layout is the current platform's ({@link Linker.Option#captureStateLayout()}). Only reading a
 * captured value (its {@code WSAGetLastError}/{@code GetLastError} elements exist on Windows
 * only) and {@link #message(int)} (kernel32) need Windows; both resolve on first use.
 */
public final class WinErrors {

    // <winerror.h>: Win32 errors, from GetLastError() and, for overlapped socket I/O, also from
    // WSAGetLastError() (WSA_IO_PENDING is ERROR_IO_PENDING, and so on).
    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_NETNAME_DELETED = 64;
    public static final int ERROR_SEM_TIMEOUT = 121;
    public static final int WAIT_TIMEOUT = 258;
    public static final int ERROR_OPERATION_ABORTED = 995;
    public static final int ERROR_IO_PENDING = 997;
    public static final int ERROR_NOT_FOUND = 1168;
    public static final int ERROR_CONNECTION_REFUSED = 1225;
    public static final int ERROR_PORT_UNREACHABLE = 1234;
    public static final int ERROR_CONNECTION_ABORTED = 1236;
    /** {@code RegisterClassExW}: a class of that name is registered in this process already. */
    public static final int ERROR_CLASS_ALREADY_EXISTS = 1410;
    /** {@code PostMessageW}: the thread's message queue is full. */
    public static final int ERROR_NOT_ENOUGH_QUOTA = 1816;

    // <winsock2.h>: the WSA_* aliases of Win32 errors.
    public static final int WSA_INVALID_HANDLE = ERROR_INVALID_HANDLE;
    public static final int WSA_OPERATION_ABORTED = ERROR_OPERATION_ABORTED;
    public static final int WSA_IO_PENDING = ERROR_IO_PENDING;

    // <winsock2.h>: WSABASEERR (10000) + the BSD errno value.
    public static final int WSAEINTR = 10004;
    public static final int WSAEBADF = 10009;
    public static final int WSAEACCES = 10013;
    public static final int WSAEFAULT = 10014;
    public static final int WSAEINVAL = 10022;
    public static final int WSAEMFILE = 10024;
    public static final int WSAEWOULDBLOCK = 10035;
    public static final int WSAEINPROGRESS = 10036;
    public static final int WSAEALREADY = 10037;
    public static final int WSAENOTSOCK = 10038;
    public static final int WSAEMSGSIZE = 10040;
    public static final int WSAEPROTOTYPE = 10041;
    public static final int WSAENOPROTOOPT = 10042;
    public static final int WSAEPROTONOSUPPORT = 10043;
    public static final int WSAEOPNOTSUPP = 10045;
    public static final int WSAEAFNOSUPPORT = 10047;
    public static final int WSAEADDRINUSE = 10048;
    public static final int WSAEADDRNOTAVAIL = 10049;
    public static final int WSAENETDOWN = 10050;
    public static final int WSAENETUNREACH = 10051;
    public static final int WSAENETRESET = 10052;
    public static final int WSAECONNABORTED = 10053;
    public static final int WSAECONNRESET = 10054;
    public static final int WSAENOBUFS = 10055;
    public static final int WSAEISCONN = 10056;
    public static final int WSAENOTCONN = 10057;
    public static final int WSAESHUTDOWN = 10058;
    public static final int WSAETIMEDOUT = 10060;
    public static final int WSAECONNREFUSED = 10061;
    public static final int WSAEHOSTUNREACH = 10065;
    public static final int WSANOTINITIALISED = 10093;

    // FormatMessageW's longest system message for these codes is a few hundred characters.
    private static final int MESSAGE_CAPACITY_CHARS = 512;

    private WinErrors() {
    }

    /**
     * Allocates a capture-state segment in {@code arena}, which owns it; it lives as long as the
     * arena. One per thread: a downcall writes it, and {@link #wsaLastError(MemorySegment)} or
     * {@link #lastError(MemorySegment)} reads it back. Works on any OS (the segment is shaped for
     * the current platform), so shared code may allocate it before knowing the backend.
     */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    /**
     * The {@code WSAGetLastError()} captured by the latest ws2_32 or mswsock call given
     * {@code callState}. Every such call writes it, so it means something only right after that
     * call reported failure ({@code SOCKET_ERROR}, {@code INVALID_SOCKET}, {@code FALSE}).
     * Windows only: elsewhere the capture state has no such element and this throws.
     */
    public static int wsaLastError(MemorySegment callState) {
        return (int) CallState.WSA_GET_LAST_ERROR.get(callState, 0L);
    }

    /**
     * The {@code GetLastError()} captured by the latest kernel32 call given {@code callState}; it
     * means something only right after that call reported failure. Windows only.
     */
    public static int lastError(MemorySegment callState) {
        return (int) CallState.GET_LAST_ERROR.get(callState, 0L);
    }

    /**
     * The symbolic name of {@code code}, such as {@code "WSAECONNREFUSED"}; {@code "error 1234"}
     * for a code this class does not name. A {@code WSA_*} alias reads as the Win32 name it is
     * defined as: {@link #WSA_IO_PENDING} reads {@code "ERROR_IO_PENDING"}.
     */
    public static String name(int code) {
        return switch (code) {
            case ERROR_INVALID_HANDLE -> "ERROR_INVALID_HANDLE";
            case ERROR_NETNAME_DELETED -> "ERROR_NETNAME_DELETED";
            case ERROR_SEM_TIMEOUT -> "ERROR_SEM_TIMEOUT";
            case WAIT_TIMEOUT -> "WAIT_TIMEOUT";
            case ERROR_OPERATION_ABORTED -> "ERROR_OPERATION_ABORTED";
            case ERROR_IO_PENDING -> "ERROR_IO_PENDING";
            case ERROR_NOT_FOUND -> "ERROR_NOT_FOUND";
            case ERROR_CONNECTION_REFUSED -> "ERROR_CONNECTION_REFUSED";
            case ERROR_PORT_UNREACHABLE -> "ERROR_PORT_UNREACHABLE";
            case ERROR_CONNECTION_ABORTED -> "ERROR_CONNECTION_ABORTED";
            case ERROR_CLASS_ALREADY_EXISTS -> "ERROR_CLASS_ALREADY_EXISTS";
            case ERROR_NOT_ENOUGH_QUOTA -> "ERROR_NOT_ENOUGH_QUOTA";
            case WSAEINTR -> "WSAEINTR";
            case WSAEBADF -> "WSAEBADF";
            case WSAEACCES -> "WSAEACCES";
            case WSAEFAULT -> "WSAEFAULT";
            case WSAEINVAL -> "WSAEINVAL";
            case WSAEMFILE -> "WSAEMFILE";
            case WSAEWOULDBLOCK -> "WSAEWOULDBLOCK";
            case WSAEINPROGRESS -> "WSAEINPROGRESS";
            case WSAEALREADY -> "WSAEALREADY";
            case WSAENOTSOCK -> "WSAENOTSOCK";
            case WSAEMSGSIZE -> "WSAEMSGSIZE";
            case WSAEPROTOTYPE -> "WSAEPROTOTYPE";
            case WSAENOPROTOOPT -> "WSAENOPROTOOPT";
            case WSAEPROTONOSUPPORT -> "WSAEPROTONOSUPPORT";
            case WSAEOPNOTSUPP -> "WSAEOPNOTSUPP";
            case WSAEAFNOSUPPORT -> "WSAEAFNOSUPPORT";
            case WSAEADDRINUSE -> "WSAEADDRINUSE";
            case WSAEADDRNOTAVAIL -> "WSAEADDRNOTAVAIL";
            case WSAENETDOWN -> "WSAENETDOWN";
            case WSAENETUNREACH -> "WSAENETUNREACH";
            case WSAENETRESET -> "WSAENETRESET";
            case WSAECONNABORTED -> "WSAECONNABORTED";
            case WSAECONNRESET -> "WSAECONNRESET";
            case WSAENOBUFS -> "WSAENOBUFS";
            case WSAEISCONN -> "WSAEISCONN";
            case WSAENOTCONN -> "WSAENOTCONN";
            case WSAESHUTDOWN -> "WSAESHUTDOWN";
            case WSAETIMEDOUT -> "WSAETIMEDOUT";
            case WSAECONNREFUSED -> "WSAECONNREFUSED";
            case WSAEHOSTUNREACH -> "WSAEHOSTUNREACH";
            case WSANOTINITIALISED -> "WSANOTINITIALISED";
            default -> "error " + code;
        };
    }

    /**
     * The system's message for {@code code} (a Win32 or Winsock error), such as
     * {@code "No connection could be made because the target machine actively refused it."},
     * from kernel32's {@code FormatMessageW}, trimmed; {@code ""} when the system has none.
     * Thread-safe: each call formats into its own confined buffer, freed before returning (this
     * runs on error paths only). Windows only: kernel32 is linked on first use.
     */
    public static String message(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = allocateCallState(arena);
            MemorySegment buffer = arena.allocate(ValueLayout.JAVA_CHAR, MESSAGE_CAPACITY_CHARS);
            int chars = Kernel32.FormatMessageW(callState,
                    Kernel32.FORMAT_MESSAGE_FROM_SYSTEM | Kernel32.FORMAT_MESSAGE_IGNORE_INSERTS,
                    MemorySegment.NULL, code, 0, buffer, MESSAGE_CAPACITY_CHARS, MemorySegment.NULL);
            if (chars <= 0 || chars > MESSAGE_CAPACITY_CHARS) {
                return "";
            }
            byte[] utf16 = buffer.asSlice(0, 2L * chars).toArray(ValueLayout.JAVA_BYTE);
            return new String(utf16, StandardCharsets.UTF_16LE).strip();
        }
    }

    /** The capture state's Windows elements, resolved on first read so that this class loads everywhere. */
    private static final class CallState {
        private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
        static final VarHandle WSA_GET_LAST_ERROR = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("WSAGetLastError"));
        static final VarHandle GET_LAST_ERROR = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("GetLastError"));
    }
}
