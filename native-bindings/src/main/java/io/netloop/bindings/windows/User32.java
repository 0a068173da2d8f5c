package io.netloop.bindings.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static io.netloop.bindings.windows.Linking.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The {@code user32.dll} calls a loop that takes socket events as window messages needs
 * ({@code WSAAsyncSelect}): a window class and a message-only window, the message pump, and
 * posting a message from another thread; {@code <winuser.h>}. Windows x64 only: {@code HWND},
 * {@code HINSTANCE} and pointers are {@link MemorySegment}s, {@code WPARAM}/{@code LPARAM}/
 * {@code LRESULT} are {@code long}, {@code UINT}/{@code DWORD}/{@code BOOL} are {@code int}.
 *
 * <p>Every function takes the caller's {@code callState} (see {@link WinErrors#allocateCallState})
 * first and returns what C returns; after {@code FALSE}, 0 or a NULL handle,
 * {@link WinErrors#lastError(MemorySegment)} reads the cause. Nothing here retries or throws.
 *
 * <pre>{@code
 * MemorySegment proc = User32.windowProcedure(staticHandle, Arena.global());   // lives as long as the class
 * MemorySegment cls = arena.allocate(User32.WNDCLASSEXW);
 * cls.set(JAVA_INT, User32.WNDCLASSEXW_CBSIZE_OFFSET, (int) User32.WNDCLASSEXW.byteSize());
 * cls.set(ADDRESS, User32.WNDCLASSEXW_LPFNWNDPROC_OFFSET, proc);
 * cls.set(ADDRESS, User32.WNDCLASSEXW_HINSTANCE_OFFSET, instance);
 * cls.set(ADDRESS, User32.WNDCLASSEXW_LPSZCLASSNAME_OFFSET, arena.allocateFrom("netloop", UTF_16LE));
 * User32.RegisterClassExW(callState, cls);
 * MemorySegment hwnd = User32.CreateWindowExW(callState, 0, className, MemorySegment.NULL, 0, 0, 0, 0, 0,
 *         MemorySegment.ofAddress(User32.HWND_MESSAGE), MemorySegment.NULL, instance, MemorySegment.NULL);
 * }</pre>
 *
 * <p>Reading the constants and layouts works on any OS; the functions are linked, all together,
 * on the first call of any of them, which fails outside Windows.
 */
public final class User32 {

    /** {@code ((HWND) -3)}, as an address: the parent that makes a window message-only. */
    public static final long HWND_MESSAGE = -3L;

    /** The first message number a window class may give its own meaning. */
    public static final int WM_USER = 0x0400;
    /** The first of the message numbers ({@code WM_APP} to {@code 0xBFFF}) an application may use for its own meaning. */
    public static final int WM_APP = 0x8000;

    public static final int PM_NOREMOVE = 0x0000;
    public static final int PM_REMOVE = 0x0001;

    /**
     * Every kind of input, {@code <winuser.h>}'s value for Windows 8 and later (with
     * {@code QS_RAWINPUT}, {@code QS_TOUCH} and {@code QS_POINTER}).
     */
    public static final int QS_ALLINPUT = 0x1cff;
    public static final int QS_POSTMESSAGE = 0x0008;
    public static final int QS_SENDMESSAGE = 0x0040;

    /** {@code MsgWaitForMultipleObjectsEx} returns for input already in the queue, seen or not. */
    public static final int MWMO_INPUTAVAILABLE = 0x0004;

    /** {@code <winbase.h>}: what {@code MsgWaitForMultipleObjectsEx} returns for the first handle (or, with none, for input). */
    public static final int WAIT_OBJECT_0 = 0;
    /** {@code <winbase.h>}: {@code ((DWORD) 0xFFFFFFFF)}. */
    public static final int WAIT_FAILED = -1;

    /**
     * The window procedure's shape, for {@link #windowProcedure}:
     * {@code LRESULT CALLBACK WndProc(HWND hWnd, UINT uMsg, WPARAM wParam, LPARAM lParam);}
     * (on x64 {@code CALLBACK} is the one calling convention).
     */
    public static final FunctionDescriptor WNDPROC = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG);

    /**
     * {@snippet lang=c :
     * typedef struct tagWNDCLASSEXW {
     *     UINT      cbSize;          // sizeof(WNDCLASSEXW)
     *     UINT      style;
     *     WNDPROC   lpfnWndProc;
     *     int       cbClsExtra;
     *     int       cbWndExtra;
     *     HINSTANCE hInstance;
     *     HICON     hIcon;
     *     HCURSOR   hCursor;
     *     HBRUSH    hbrBackground;
     *     LPCWSTR   lpszMenuName;
     *     LPCWSTR   lpszClassName;
     *     HICON     hIconSm;
     * } WNDCLASSEXW;                 // 80 bytes, align 8
     * }
     */
    public static final StructLayout WNDCLASSEXW = MemoryLayout.structLayout(
            JAVA_INT.withName("cbSize"),
            JAVA_INT.withName("style"),
            ADDRESS.withName("lpfnWndProc"),
            JAVA_INT.withName("cbClsExtra"),
            JAVA_INT.withName("cbWndExtra"),
            ADDRESS.withName("hInstance"),
            ADDRESS.withName("hIcon"),
            ADDRESS.withName("hCursor"),
            ADDRESS.withName("hbrBackground"),
            ADDRESS.withName("lpszMenuName"),
            ADDRESS.withName("lpszClassName"),
            ADDRESS.withName("hIconSm")
    ).withName("tagWNDCLASSEXW");

    /**
     * {@snippet lang=c :
     * typedef struct tagPOINT {
     *     LONG x;
     *     LONG y;
     * } POINT;                       // 8 bytes, align 4
     * }
     */
    public static final StructLayout POINT = MemoryLayout.structLayout(
            JAVA_INT.withName("x"),
            JAVA_INT.withName("y")
    ).withName("tagPOINT");

    /**
     * The x64 shape ({@code lPrivate} exists only for {@code _MAC}):
     * {@snippet lang=c :
     * typedef struct tagMSG {
     *     HWND   hwnd;
     *     UINT   message;
     *     WPARAM wParam;
     *     LPARAM lParam;
     *     DWORD  time;
     *     POINT  pt;
     * } MSG;                         // 48 bytes with tail padding, align 8
     * }
     */
    public static final StructLayout MSG = MemoryLayout.structLayout(
            ADDRESS.withName("hwnd"),
            JAVA_INT.withName("message"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("wParam"),
            JAVA_LONG.withName("lParam"),
            JAVA_INT.withName("time"),
            POINT.withName("pt"),
            MemoryLayout.paddingLayout(4)
    ).withName("tagMSG");

    public static final long WNDCLASSEXW_CBSIZE_OFFSET = offset(WNDCLASSEXW, "cbSize");
    public static final long WNDCLASSEXW_STYLE_OFFSET = offset(WNDCLASSEXW, "style");
    public static final long WNDCLASSEXW_LPFNWNDPROC_OFFSET = offset(WNDCLASSEXW, "lpfnWndProc");
    public static final long WNDCLASSEXW_CBCLSEXTRA_OFFSET = offset(WNDCLASSEXW, "cbClsExtra");
    public static final long WNDCLASSEXW_CBWNDEXTRA_OFFSET = offset(WNDCLASSEXW, "cbWndExtra");
    public static final long WNDCLASSEXW_HINSTANCE_OFFSET = offset(WNDCLASSEXW, "hInstance");
    public static final long WNDCLASSEXW_HICON_OFFSET = offset(WNDCLASSEXW, "hIcon");
    public static final long WNDCLASSEXW_HCURSOR_OFFSET = offset(WNDCLASSEXW, "hCursor");
    public static final long WNDCLASSEXW_HBRBACKGROUND_OFFSET = offset(WNDCLASSEXW, "hbrBackground");
    public static final long WNDCLASSEXW_LPSZMENUNAME_OFFSET = offset(WNDCLASSEXW, "lpszMenuName");
    public static final long WNDCLASSEXW_LPSZCLASSNAME_OFFSET = offset(WNDCLASSEXW, "lpszClassName");
    public static final long WNDCLASSEXW_HICONSM_OFFSET = offset(WNDCLASSEXW, "hIconSm");

    public static final long POINT_X_OFFSET = offset(POINT, "x");
    public static final long POINT_Y_OFFSET = offset(POINT, "y");

    public static final long MSG_HWND_OFFSET = offset(MSG, "hwnd");
    public static final long MSG_MESSAGE_OFFSET = offset(MSG, "message");
    public static final long MSG_WPARAM_OFFSET = offset(MSG, "wParam");
    public static final long MSG_LPARAM_OFFSET = offset(MSG, "lParam");
    public static final long MSG_TIME_OFFSET = offset(MSG, "time");
    public static final long MSG_PT_OFFSET = offset(MSG, "pt");

    private User32() {
    }

    /**
     * A window procedure native code can call: an upcall stub of {@link #WNDPROC} onto
     * {@code target}, a method handle of type {@code (MemorySegment, int, long, long)long}, living
     * as long as {@code arena} (keep it alive as long as any window of a class that names it).
     * {@code target} must not throw: an exception escaping an upcall ends the JVM. Made here, in
     * the module granted native access, so that its callers need none of their own.
     */
    @SuppressWarnings("restricted") // callers enable native access; see module-info
    public static MemorySegment windowProcedure(MethodHandle target, Arena arena) {
        return Linker.nativeLinker().upcallStub(target, WNDPROC, arena);
    }

    /**
     * {@code ATOM RegisterClassExW(const WNDCLASSEXW *unnamedParam1);}
     * <p>{@code unnamedParam1} is a filled {@link #WNDCLASSEXW} ({@code cbSize} set to its size). Returns the class atom, 0 on failure
     * ({@code ERROR_CLASS_ALREADY_EXISTS} when the name is taken in this process). An {@code ATOM} is a {@code WORD}.
     */
    public static short RegisterClassExW(MemorySegment callState, MemorySegment unnamedParam1) {
        try {
            return (short) Handles.REGISTERCLASSEXW.invokeExact(callState, unnamedParam1);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance);}
     * <p>Fails while a window of the class still exists.
     */
    public static int UnregisterClassW(MemorySegment callState, MemorySegment lpClassName, MemorySegment hInstance) {
        try {
            return (int) Handles.UNREGISTERCLASSW.invokeExact(callState, lpClassName, hInstance);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code HWND CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName, DWORD dwStyle, int X, int Y, int nWidth, int nHeight, HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam);}
     * <p>With {@code hWndParent} = {@code MemorySegment.ofAddress(HWND_MESSAGE)}, a message-only window: never shown, not
     * enumerated, it only receives messages. The window belongs to the calling thread, whose message queue
     * its messages go to. Sends {@code WM_NCCREATE} and {@code WM_CREATE} to the window procedure before it
     * returns. {@link MemorySegment#NULL} on failure.
     */
    public static MemorySegment CreateWindowExW(MemorySegment callState, int dwExStyle, MemorySegment lpClassName, MemorySegment lpWindowName, int dwStyle, int X, int Y, int nWidth, int nHeight, MemorySegment hWndParent, MemorySegment hMenu, MemorySegment hInstance, MemorySegment lpParam) {
        try {
            return (MemorySegment) Handles.CREATEWINDOWEXW.invokeExact(callState, dwExStyle, lpClassName, lpWindowName, dwStyle, X, Y, nWidth, nHeight, hWndParent, hMenu, hInstance, lpParam);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL DestroyWindow(HWND hWnd);}
     * <p>Only the thread that created the window may destroy it.
     */
    public static int DestroyWindow(MemorySegment callState, MemorySegment hWnd) {
        try {
            return (int) Handles.DESTROYWINDOW.invokeExact(callState, hWnd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code LRESULT DefWindowProcW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);}
     * <p>The default handling of every message a window procedure does not handle itself (it answers
     * {@code WM_NCCREATE} with TRUE, without which window creation fails).
     */
    public static long DefWindowProcW(MemorySegment callState, MemorySegment hWnd, int Msg, long wParam, long lParam) {
        try {
            return (long) Handles.DEFWINDOWPROCW.invokeExact(callState, hWnd, Msg, wParam, lParam);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg);}
     * <p>Never waits. Non-zero when it filled {@code lpMsg} (a {@link #MSG}); {@code hWnd} NULL and both filters 0
     * take any message of the calling thread. Sent (not posted) messages to the thread's windows are delivered to
     * their window procedures inside this call.
     */
    public static int PeekMessageW(MemorySegment callState, MemorySegment lpMsg, MemorySegment hWnd, int wMsgFilterMin, int wMsgFilterMax, int wRemoveMsg) {
        try {
            return (int) Handles.PEEKMESSAGEW.invokeExact(callState, lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);}
     * <p>Waits, without a timeout, for a message. Returns 0 for {@code WM_QUIT}, -1 on error, otherwise non-zero.
     */
    public static int GetMessageW(MemorySegment callState, MemorySegment lpMsg, MemorySegment hWnd, int wMsgFilterMin, int wMsgFilterMax) {
        try {
            return (int) Handles.GETMESSAGEW.invokeExact(callState, lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code LRESULT DispatchMessageW(const MSG *lpMsg);}
     * <p>Calls the window procedure of {@code lpMsg}'s window on this thread and returns what it returned; does nothing
     * for a message with no window.
     */
    public static long DispatchMessageW(MemorySegment callState, MemorySegment lpMsg) {
        try {
            return (long) Handles.DISPATCHMESSAGEW.invokeExact(callState, lpMsg);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);}
     * <p>Any thread: queues the message for the window's thread and returns at once. {@code FALSE} when the window is
     * gone or the queue is full ({@code ERROR_NOT_ENOUGH_QUOTA}: 10,000 posted messages by default).
     */
    public static int PostMessageW(MemorySegment callState, MemorySegment hWnd, int Msg, long wParam, long lParam) {
        try {
            return (int) Handles.POSTMESSAGEW.invokeExact(callState, hWnd, Msg, wParam, lParam);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code DWORD MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles, DWORD dwMilliseconds, DWORD dwWakeMask, DWORD dwFlags);}
     * <p>Waits for the handles or for input of the kinds in {@code dwWakeMask} in the calling thread's queue, at most
     * {@code dwMilliseconds} ({@link Kernel32#INFINITE} waits forever). Returns {@code WAIT_OBJECT_0 + nCount} for
     * input, {@link WinErrors#WAIT_TIMEOUT}, or {@link #WAIT_FAILED}. With {@link #MWMO_INPUTAVAILABLE} it also returns
     * for input already in the queue that an earlier peek saw and left there; without it, only for new input.
     */
    public static int MsgWaitForMultipleObjectsEx(MemorySegment callState, int nCount, MemorySegment pHandles, int dwMilliseconds, int dwWakeMask, int dwFlags) {
        try {
            return (int) Handles.MSGWAITFORMULTIPLEOBJECTSEX.invokeExact(callState, nCount, pHandles, dwMilliseconds, dwWakeMask, dwFlags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** Links every function on first use, so that reading the constants and layouts above links nothing. */
    private static final class Handles {
        private static final MethodHandle REGISTERCLASSEXW = Linking.user32("RegisterClassExW", FunctionDescriptor.of(JAVA_SHORT, ADDRESS));
        private static final MethodHandle UNREGISTERCLASSW = Linking.user32("UnregisterClassW", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle CREATEWINDOWEXW = Linking.user32("CreateWindowExW", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        private static final MethodHandle DESTROYWINDOW = Linking.user32("DestroyWindow", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        private static final MethodHandle DEFWINDOWPROCW = Linking.user32("DefWindowProcW", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
        private static final MethodHandle PEEKMESSAGEW = Linking.user32("PeekMessageW", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle GETMESSAGEW = Linking.user32("GetMessageW", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle DISPATCHMESSAGEW = Linking.user32("DispatchMessageW", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        private static final MethodHandle POSTMESSAGEW = Linking.user32("PostMessageW", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
        private static final MethodHandle MSGWAITFORMULTIPLEOBJECTSEX = Linking.user32("MsgWaitForMultipleObjectsEx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    }
}
