package io.netloop.bindings.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static io.netloop.bindings.windows.Linking.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code kernel32.dll} calls an I/O completion port loop and an alertable (completion
 * routine) loop need: {@code <ioapiset.h>}, {@code <winbase.h>}, {@code <handleapi.h>},
 * {@code <minwinbase.h>}, {@code <processthreadsapi.h>}, {@code <synchapi.h>}. Windows x64 only:
 * {@code ULONG_PTR} is {@code long}, {@code DWORD}/{@code ULONG}/{@code BOOL} are {@code int},
 * {@code HANDLE}s and pointers are {@link MemorySegment}s. A {@code SOCKET} is a kernel handle:
 * pass it as {@code MemorySegment.ofAddress(socket)}.
 *
 * <p>Every function takes the caller's {@code callState} (see {@link WinErrors#allocateCallState})
 * first and returns what C returns; after {@code FALSE} or a NULL handle,
 * {@link WinErrors#lastError(MemorySegment)} reads the cause. Nothing here retries or throws.
 *
 * <pre>{@code
 * MemorySegment port = Kernel32.CreateIoCompletionPort(callState,
 *         MemorySegment.ofAddress(Kernel32.INVALID_HANDLE_VALUE), MemorySegment.NULL, 0L, 1);
 * Kernel32.CreateIoCompletionPort(callState, MemorySegment.ofAddress(socket), port, key, 0);
 * MemorySegment entries = arena.allocate(Kernel32.OVERLAPPED_ENTRY, 64);   // owned by the loop, reused
 * int ok = Kernel32.GetQueuedCompletionStatusEx(callState, port, entries, 64, removed, timeoutMs, 0);
 * }</pre>
 *
 * <p>Reading the constants and layouts works on any OS; the functions are linked, all together,
 * on the first call of any of them, which fails outside Windows.
 */
public final class Kernel32 {

    /** {@code 0xffffffff}: wait without a timeout. */
    public static final int INFINITE = -1;

    /** {@code STATUS_USER_APC}: an alertable wait ({@code SleepEx}, {@code WaitFor*Ex}) returned to run APCs or completion routines. */
    public static final int WAIT_IO_COMPLETION = 0xc0;

    /** {@code DuplicateHandle}: the new handle has the source's access rights. */
    public static final int DUPLICATE_SAME_ACCESS = 0x2;

    public static final int FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
    public static final int FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

    public static final int HANDLE_FLAG_INHERIT = 0x1;

    public static final int FORMAT_MESSAGE_IGNORE_INSERTS = 0x200;
    public static final int FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;

    /** {@code ((HANDLE) (LONG_PTR) -1)}, as an address: {@code MemorySegment.ofAddress(INVALID_HANDLE_VALUE)}. */
    public static final long INVALID_HANDLE_VALUE = -1L;

    /**
     * Every address of the process as one segment: for reading the OVERLAPPED a dequeued
     * OVERLAPPED_ENTRY points to without making a segment per entry. Made here, in the module
     * granted native access, so that its users need none of their own; on first use, so that
     * loading this class needs none either.
     */
    public static MemorySegment addressSpace() {
        return AddressSpace.ALL;
    }

    private static final class AddressSpace {
        @SuppressWarnings("restricted")
        static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    }

    /**
     * The x64 shape; the kernel writes it until the operation's completion is dequeued, so it must
     * stay alive (and in place) until then.
     * {@snippet lang=c :
     * typedef struct _OVERLAPPED {
     *     ULONG_PTR Internal;          // NTSTATUS of the completed operation
     *     ULONG_PTR InternalHigh;      // bytes transferred
     *     union {
     *         struct {
     *             DWORD Offset;        // file position; 0 for sockets
     *             DWORD OffsetHigh;
     *         };
     *         PVOID Pointer;
     *     };
     *     HANDLE hEvent;
     * } OVERLAPPED;                    // 32 bytes, align 8
     * }
     */
    public static final StructLayout OVERLAPPED = MemoryLayout.structLayout(
            JAVA_LONG.withName("Internal"),
            JAVA_LONG.withName("InternalHigh"),
            JAVA_INT.withName("Offset"),
            JAVA_INT.withName("OffsetHigh"),
            ADDRESS.withName("hEvent")
    ).withName("_OVERLAPPED");

    /**
     * {@snippet lang=c :
     * typedef struct _OVERLAPPED_ENTRY {
     *     ULONG_PTR    lpCompletionKey;
     *     LPOVERLAPPED lpOverlapped;
     *     ULONG_PTR    Internal;
     *     DWORD        dwNumberOfBytesTransferred;
     * } OVERLAPPED_ENTRY;              // 32 bytes with tail padding, align 8
     * }
     */
    public static final StructLayout OVERLAPPED_ENTRY = MemoryLayout.structLayout(
            JAVA_LONG.withName("lpCompletionKey"),
            ADDRESS.withName("lpOverlapped"),
            JAVA_LONG.withName("Internal"),
            JAVA_INT.withName("dwNumberOfBytesTransferred"),
            MemoryLayout.paddingLayout(4)
    ).withName("_OVERLAPPED_ENTRY");

    /**
     * {@code typedef VOID (NTAPI *PAPCFUNC)(ULONG_PTR Parameter);} — a user-mode APC, run on the
     * thread it was queued to at that thread's next alertable wait. Make one with {@link #apcRoutine}.
     */
    public static final FunctionDescriptor PAPCFUNC = FunctionDescriptor.ofVoid(JAVA_LONG);

    public static final long OVERLAPPED_INTERNAL_OFFSET = offset(OVERLAPPED, "Internal");
    public static final long OVERLAPPED_INTERNALHIGH_OFFSET = offset(OVERLAPPED, "InternalHigh");
    public static final long OVERLAPPED_OFFSET_OFFSET = offset(OVERLAPPED, "Offset");
    public static final long OVERLAPPED_OFFSETHIGH_OFFSET = offset(OVERLAPPED, "OffsetHigh");
    public static final long OVERLAPPED_HEVENT_OFFSET = offset(OVERLAPPED, "hEvent");

    public static final long OVERLAPPED_ENTRY_LPCOMPLETIONKEY_OFFSET = offset(OVERLAPPED_ENTRY, "lpCompletionKey");
    public static final long OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET = offset(OVERLAPPED_ENTRY, "lpOverlapped");
    public static final long OVERLAPPED_ENTRY_INTERNAL_OFFSET = offset(OVERLAPPED_ENTRY, "Internal");
    public static final long OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET = offset(OVERLAPPED_ENTRY, "dwNumberOfBytesTransferred");

    private Kernel32() {
    }

    /**
     * {@code HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads);}
     * <p>With {@code FileHandle} = {@link #INVALID_HANDLE_VALUE} (as a segment: {@code MemorySegment.ofAddress(-1L)}) and
     * {@code ExistingCompletionPort} = {@link MemorySegment#NULL}, creates a port; with a socket
     * ({@code MemorySegment.ofAddress(s)}) and a port, associates them and returns the port. NULL on failure.
     */
    public static MemorySegment CreateIoCompletionPort(MemorySegment callState, MemorySegment FileHandle, MemorySegment ExistingCompletionPort, long CompletionKey, int NumberOfConcurrentThreads) {
        try {
            return (MemorySegment) Handles.CREATEIOCOMPLETIONPORT.invokeExact(callState, FileHandle, ExistingCompletionPort, CompletionKey, NumberOfConcurrentThreads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds, BOOL fAlertable);}
     * <p>Fills up to {@code ulCount} {@link #OVERLAPPED_ENTRY}s. {@code FALSE} with {@code WAIT_TIMEOUT} when none
     * arrived in {@code dwMilliseconds} ({@link #INFINITE} waits forever). An entry's own success or failure is
     * in its OVERLAPPED's {@code Internal} (an NTSTATUS), not in this call's result.
     */
    public static int GetQueuedCompletionStatusEx(MemorySegment callState, MemorySegment CompletionPort, MemorySegment lpCompletionPortEntries, int ulCount, MemorySegment ulNumEntriesRemoved, int dwMilliseconds, int fAlertable) {
        try {
            return (int) Handles.GETQUEUEDCOMPLETIONSTATUSEX.invokeExact(callState, CompletionPort, lpCompletionPortEntries, ulCount, ulNumEntriesRemoved, dwMilliseconds, fAlertable);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred, ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);} */
    public static int PostQueuedCompletionStatus(MemorySegment callState, MemorySegment CompletionPort, int dwNumberOfBytesTransferred, long dwCompletionKey, MemorySegment lpOverlapped) {
        try {
            return (int) Handles.POSTQUEUEDCOMPLETIONSTATUS.invokeExact(callState, CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);}
     * <p>{@code lpOverlapped} NULL cancels all of the handle's operations. {@code FALSE} with
     * {@code ERROR_NOT_FOUND} when nothing was pending; a cancelled operation still completes (with
     * {@code ERROR_OPERATION_ABORTED}), so its OVERLAPPED stays alive until then.
     */
    public static int CancelIoEx(MemorySegment callState, MemorySegment hFile, MemorySegment lpOverlapped) {
        try {
            return (int) Handles.CANCELIOEX.invokeExact(callState, hFile, lpOverlapped);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL CloseHandle(HANDLE hObject);} */
    public static int CloseHandle(MemorySegment callState, MemorySegment hObject) {
        try {
            return (int) Handles.CLOSEHANDLE.invokeExact(callState, hObject);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags);}
     * <p>With {@link #FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}, an operation that completes at once queues no
     * completion packet: the caller handles it inline. Set it only where no layered (LSP) provider is installed.
     */
    public static int SetFileCompletionNotificationModes(MemorySegment callState, MemorySegment FileHandle, byte Flags) {
        try {
            return (int) Handles.SETFILECOMPLETIONNOTIFICATIONMODES.invokeExact(callState, FileHandle, Flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);} */
    public static int GetHandleInformation(MemorySegment callState, MemorySegment hObject, MemorySegment lpdwFlags) {
        try {
            return (int) Handles.GETHANDLEINFORMATION.invokeExact(callState, hObject, lpdwFlags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);} */
    public static int SetHandleInformation(MemorySegment callState, MemorySegment hObject, int dwMask, int dwFlags) {
        try {
            return (int) Handles.SETHANDLEINFORMATION.invokeExact(callState, hObject, dwMask, dwFlags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code DWORD FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize, va_list *Arguments);}
     * <p>{@code nSize} counts UTF-16 code units; returns the number written (without the NUL), 0 on failure.
     * {@link WinErrors#message(int)} uses it with {@link #FORMAT_MESSAGE_FROM_SYSTEM} | {@link #FORMAT_MESSAGE_IGNORE_INSERTS}.
     */
    public static int FormatMessageW(MemorySegment callState, int dwFlags, MemorySegment lpSource, int dwMessageId, int dwLanguageId, MemorySegment lpBuffer, int nSize, MemorySegment Arguments) {
        try {
            return (int) Handles.FORMATMESSAGEW.invokeExact(callState, dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize, Arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * A {@code PAPCFUNC} that calls {@code target}, of type {@code (long)void}, for as long as
     * {@code arena} lives: keep it alive while any APC naming it may still be queued. The target
     * must never throw (an exception reaching native code ends the JVM).
     */
    public static MemorySegment apcRoutine(MethodHandle target, Arena arena) {
        return Linking.upcall(target, PAPCFUNC, arena);
    }

    /**
     * {@code DWORD SleepEx(DWORD dwMilliseconds, BOOL bAlertable);}
     * <p>With {@code bAlertable} TRUE, returns {@link #WAIT_IO_COMPLETION} early once it has run
     * the calling thread's queued APCs and I/O completion routines; 0 when the time is up.
     */
    public static int SleepEx(MemorySegment callState, int dwMilliseconds, int bAlertable) {
        try {
            return (int) Handles.SLEEPEX.invokeExact(callState, dwMilliseconds, bAlertable);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code DWORD QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);}
     * <p>Any thread. {@code hThread} must be a real handle with {@code THREAD_SET_CONTEXT} (not the
     * {@link #GetCurrentThread} pseudo-handle, which means the caller). 0 on failure.
     */
    public static int QueueUserAPC(MemorySegment callState, MemorySegment pfnAPC, MemorySegment hThread, long dwData) {
        try {
            return (int) Handles.QUEUEUSERAPC.invokeExact(callState, pfnAPC, hThread, dwData);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code HANDLE GetCurrentThread(void);} A pseudo-handle meaning "the calling thread"; duplicate it for other threads to use. */
    public static MemorySegment GetCurrentThread(MemorySegment callState) {
        try {
            return (MemorySegment) Handles.GETCURRENTTHREAD.invokeExact(callState);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code HANDLE GetCurrentProcess(void);} A pseudo-handle meaning "the calling process". */
    public static MemorySegment GetCurrentProcess(MemorySegment callState) {
        try {
            return (MemorySegment) Handles.GETCURRENTPROCESS.invokeExact(callState);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle, HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle, DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);}
     * <p>With the current thread's pseudo-handle and {@link #DUPLICATE_SAME_ACCESS}, writes a real
     * thread handle to {@code lpTargetHandle}; close it with {@link #CloseHandle}.
     */
    public static int DuplicateHandle(MemorySegment callState, MemorySegment hSourceProcessHandle, MemorySegment hSourceHandle, MemorySegment hTargetProcessHandle, MemorySegment lpTargetHandle, int dwDesiredAccess, int bInheritHandle, int dwOptions) {
        try {
            return (int) Handles.DUPLICATEHANDLE.invokeExact(callState, hSourceProcessHandle, hSourceHandle, hTargetProcessHandle, lpTargetHandle, dwDesiredAccess, bInheritHandle, dwOptions);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code HMODULE GetModuleHandleW(LPCWSTR lpModuleName);}
     * <p>With {@code lpModuleName} {@link MemorySegment#NULL}, the executable's own module: the {@code HINSTANCE}
     * a window class of the process is registered under. Takes no reference; NULL on failure.
     */
    public static MemorySegment GetModuleHandleW(MemorySegment callState, MemorySegment lpModuleName) {
        try {
            return (MemorySegment) Handles.GETMODULEHANDLEW.invokeExact(callState, lpModuleName);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** Links every function on first use, so that reading the constants and layouts above links nothing. */
    private static final class Handles {
        private static final MethodHandle CREATEIOCOMPLETIONPORT = Linking.kernel32("CreateIoCompletionPort", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        private static final MethodHandle GETQUEUEDCOMPLETIONSTATUSEX = Linking.kernel32("GetQueuedCompletionStatusEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle POSTQUEUEDCOMPLETIONSTATUS = Linking.kernel32("PostQueuedCompletionStatus", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        private static final MethodHandle CANCELIOEX = Linking.kernel32("CancelIoEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle CLOSEHANDLE = Linking.kernel32("CloseHandle", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        private static final MethodHandle SETFILECOMPLETIONNOTIFICATIONMODES = Linking.kernel32("SetFileCompletionNotificationModes", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BYTE));
        private static final MethodHandle GETHANDLEINFORMATION = Linking.kernel32("GetHandleInformation", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle SETHANDLEINFORMATION = Linking.kernel32("SetHandleInformation", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle SLEEPEX = Linking.kernel32("SleepEx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle QUEUEUSERAPC = Linking.kernel32("QueueUserAPC", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        private static final MethodHandle GETCURRENTTHREAD = Linking.kernel32("GetCurrentThread", FunctionDescriptor.of(ADDRESS));
        private static final MethodHandle GETCURRENTPROCESS = Linking.kernel32("GetCurrentProcess", FunctionDescriptor.of(ADDRESS));
        private static final MethodHandle DUPLICATEHANDLE = Linking.kernel32("DuplicateHandle", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle GETMODULEHANDLEW = Linking.kernel32("GetModuleHandleW", FunctionDescriptor.of(ADDRESS, ADDRESS));
        private static final MethodHandle FORMATMESSAGEW = Linking.kernel32("FormatMessageW", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    }
}
