/*
 * Prints, one "NAME VALUE" per line, every constant, layout size and alignment, field offset
 * and extension-function GUID that io.netloop.bindings.windows hard-codes, as the C compiler
 * sees them through netloop_windows.h. WindowsLayoutProbeTest compiles this with MinGW-w64's
 * x86_64-w64-mingw32-gcc, runs it under Wine, and compares each line with the Java side; a name
 * printed here and not checked there (or the reverse) fails the test.
 *
 * Names follow the Java fields: constants by their C name, FOO_SIZE and FOO_ALIGN for the
 * layout FOO, FOO_FIELD_OFFSET for a field's offset, and WSAID_X_LO/_HI for the two
 * little-endian 64-bit words of the GUID WSAID_X's 16 bytes.
 */

/* MinGW's own printf understands %zu and %lld; msvcrt's (the default) may not. */
#define __USE_MINGW_ANSI_STDIO 1

#include "netloop_windows.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "layout_probe.h"

/* Prints the GUID's 16 bytes, as they lie in memory, as two little-endian 64-bit words. */
static void guid_words(const char *name, GUID guid) {
    uint64_t words[2];
    _Static_assert(sizeof(GUID) == sizeof(words), "a GUID is 16 bytes");
    memcpy(words, &guid, sizeof(words));
    printf("%s_LO %lld\n", name, (long long) words[0]);
    printf("%s_HI %lld\n", name, (long long) words[1]);
}

/*
 * The callbacks' shapes, which the bindings hold as FunctionDescriptors (no value to print):
 * assigning functions of these exact signatures to the SDK's pointer types compiles under
 * -Werror only if the shapes agree (the bindings' descriptors are (int, int, ADDRESS, int)void
 * and (long)void).
 */
static void CALLBACK probe_completion_routine(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags) {
    (void) dwError; (void) cbTransferred; (void) lpOverlapped; (void) dwFlags;
}

static void CALLBACK probe_apc(ULONG_PTR parameter) {
    (void) parameter;
}

#define GUID_WORDS(name) do { \
        GUID guid_ = name; \
        guid_words(#name, guid_); \
    } while (0)

int main(void) {
    /* WinErrors */
    CONSTANT(WSAEINTR);
    CONSTANT(WSAEBADF);
    CONSTANT(WSAEACCES);
    CONSTANT(WSAEFAULT);
    CONSTANT(WSAEINVAL);
    CONSTANT(WSAEMFILE);
    CONSTANT(WSAEWOULDBLOCK);
    CONSTANT(WSAEINPROGRESS);
    CONSTANT(WSAEALREADY);
    CONSTANT(WSAENOTSOCK);
    CONSTANT(WSAEMSGSIZE);
    CONSTANT(WSAEPROTOTYPE);
    CONSTANT(WSAENOPROTOOPT);
    CONSTANT(WSAEPROTONOSUPPORT);
    CONSTANT(WSAEOPNOTSUPP);
    CONSTANT(WSAEAFNOSUPPORT);
    CONSTANT(WSAEADDRINUSE);
    CONSTANT(WSAEADDRNOTAVAIL);
    CONSTANT(WSAENETDOWN);
    CONSTANT(WSAENETUNREACH);
    CONSTANT(WSAENETRESET);
    CONSTANT(WSAECONNABORTED);
    CONSTANT(WSAECONNRESET);
    CONSTANT(WSAENOBUFS);
    CONSTANT(WSAEISCONN);
    CONSTANT(WSAENOTCONN);
    CONSTANT(WSAESHUTDOWN);
    CONSTANT(WSAETIMEDOUT);
    CONSTANT(WSAECONNREFUSED);
    CONSTANT(WSAEHOSTUNREACH);
    CONSTANT(WSANOTINITIALISED);
    CONSTANT(WSA_IO_PENDING);
    CONSTANT(WSA_OPERATION_ABORTED);
    CONSTANT(WSA_INVALID_HANDLE);
    CONSTANT(ERROR_INVALID_HANDLE);
    CONSTANT(ERROR_NETNAME_DELETED);
    CONSTANT(ERROR_OPERATION_ABORTED);
    CONSTANT(ERROR_IO_PENDING);
    CONSTANT(ERROR_NOT_FOUND);
    CONSTANT(ERROR_CONNECTION_REFUSED);
    CONSTANT(ERROR_CONNECTION_ABORTED);
    CONSTANT(ERROR_PORT_UNREACHABLE);
    CONSTANT(ERROR_SEM_TIMEOUT);
    CONSTANT(WAIT_TIMEOUT);
    CONSTANT(ERROR_CLASS_ALREADY_EXISTS);
    CONSTANT(ERROR_NOT_ENOUGH_QUOTA);

    /* Ws2_32: constants */
    CONSTANT(AF_UNIX);
    CONSTANT(AF_INET);
    CONSTANT(AF_INET6);
    CONSTANT(SOCK_STREAM);
    CONSTANT(SOCK_DGRAM);
    CONSTANT(IPPROTO_TCP);
    CONSTANT(IPPROTO_UDP);
    CONSTANT(IPPROTO_IPV6);
    CONSTANT(SOL_SOCKET);
    CONSTANT(SO_REUSEADDR);
    CONSTANT(SO_EXCLUSIVEADDRUSE);
    CONSTANT(SO_KEEPALIVE);
    CONSTANT(SO_LINGER);
    CONSTANT(SO_SNDBUF);
    CONSTANT(SO_RCVBUF);
    CONSTANT(SO_ERROR);
    CONSTANT(SO_UPDATE_ACCEPT_CONTEXT);
    CONSTANT(SO_UPDATE_CONNECT_CONTEXT);
    CONSTANT(TCP_NODELAY);
    CONSTANT(IPV6_V6ONLY);
    CONSTANT(SD_RECEIVE);
    CONSTANT(SD_SEND);
    CONSTANT(SD_BOTH);
    CONSTANT(SOMAXCONN);
    CONSTANT(WSA_FLAG_OVERLAPPED);
    CONSTANT(WSA_FLAG_NO_HANDLE_INHERIT);
    CONSTANT(SOCKET_ERROR);
    LONG_CONSTANT(INVALID_SOCKET);
    CONSTANT(FIONBIO);
    CONSTANT(SIO_GET_EXTENSION_FUNCTION_POINTER);
    CONSTANT(FD_READ_BIT);
    CONSTANT(FD_WRITE_BIT);
    CONSTANT(FD_OOB_BIT);
    CONSTANT(FD_ACCEPT_BIT);
    CONSTANT(FD_CONNECT_BIT);
    CONSTANT(FD_CLOSE_BIT);
    CONSTANT(FD_MAX_EVENTS);
    CONSTANT(FD_READ);
    CONSTANT(FD_WRITE);
    CONSTANT(FD_OOB);
    CONSTANT(FD_ACCEPT);
    CONSTANT(FD_CONNECT);
    CONSTANT(FD_CLOSE);
    CONSTANT(WSA_WAIT_EVENT_0);
    CONSTANT(WSA_WAIT_TIMEOUT);
    CONSTANT(WSA_WAIT_FAILED);
    CONSTANT(WSA_INFINITE);
    CONSTANT(WSA_MAXIMUM_WAIT_EVENTS);
    CONSTANT(WSA_WAIT_IO_COMPLETION);
    CONSTANT(MSG_PEEK);
    CONSTANT(FD_SETSIZE);

    /* Ws2_32: layouts. The scope union of sockaddr_in6 is bound as sin6_scope_id. */
    LAYOUT(IN_PORT_T, u_short);
    LAYOUT(IN_ADDR_T, IN_ADDR);

    LAYOUT(WSADATA, WSADATA);
    OFFSET(WSADATA_WVERSION_OFFSET, WSADATA, wVersion);
    OFFSET(WSADATA_WHIGHVERSION_OFFSET, WSADATA, wHighVersion);
    OFFSET(WSADATA_IMAXSOCKETS_OFFSET, WSADATA, iMaxSockets);
    OFFSET(WSADATA_IMAXUDPDG_OFFSET, WSADATA, iMaxUdpDg);
    OFFSET(WSADATA_LPVENDORINFO_OFFSET, WSADATA, lpVendorInfo);
    OFFSET(WSADATA_SZDESCRIPTION_OFFSET, WSADATA, szDescription);
    OFFSET(WSADATA_SZSYSTEMSTATUS_OFFSET, WSADATA, szSystemStatus);

    LAYOUT(WSABUF, WSABUF);
    OFFSET(WSABUF_LEN_OFFSET, WSABUF, len);
    OFFSET(WSABUF_BUF_OFFSET, WSABUF, buf);

    LAYOUT(WSANETWORKEVENTS, WSANETWORKEVENTS);
    OFFSET(WSANETWORKEVENTS_LNETWORKEVENTS_OFFSET, WSANETWORKEVENTS, lNetworkEvents);
    OFFSET(WSANETWORKEVENTS_IERRORCODE_OFFSET, WSANETWORKEVENTS, iErrorCode);

    LAYOUT(SOCKADDR_IN, struct sockaddr_in);
    OFFSET(SOCKADDR_IN_SIN_FAMILY_OFFSET, struct sockaddr_in, sin_family);
    OFFSET(SOCKADDR_IN_SIN_PORT_OFFSET, struct sockaddr_in, sin_port);
    OFFSET(SOCKADDR_IN_SIN_ADDR_OFFSET, struct sockaddr_in, sin_addr);
    OFFSET(SOCKADDR_IN_SIN_ZERO_OFFSET, struct sockaddr_in, sin_zero);

    LAYOUT(SOCKADDR_IN6, struct sockaddr_in6);
    OFFSET(SOCKADDR_IN6_SIN6_FAMILY_OFFSET, struct sockaddr_in6, sin6_family);
    OFFSET(SOCKADDR_IN6_SIN6_PORT_OFFSET, struct sockaddr_in6, sin6_port);
    OFFSET(SOCKADDR_IN6_SIN6_FLOWINFO_OFFSET, struct sockaddr_in6, sin6_flowinfo);
    OFFSET(SOCKADDR_IN6_SIN6_ADDR_OFFSET, struct sockaddr_in6, sin6_addr);
    OFFSET(SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET, struct sockaddr_in6, sin6_scope_id);

    LAYOUT(SOCKADDR_STORAGE, struct sockaddr_storage);
    OFFSET(SOCKADDR_STORAGE_SS_FAMILY_OFFSET, struct sockaddr_storage, ss_family);

    printf("SUN_PATH_SIZE %d\n", UNIX_PATH_MAX);
    _Static_assert(sizeof(((SOCKADDR_UN *) 0)->sun_path) == UNIX_PATH_MAX, "sun_path is UNIX_PATH_MAX bytes");
    LAYOUT(SOCKADDR_UN, SOCKADDR_UN);
    OFFSET(SOCKADDR_UN_SUN_FAMILY_OFFSET, SOCKADDR_UN, sun_family);
    OFFSET(SOCKADDR_UN_SUN_PATH_OFFSET, SOCKADDR_UN, sun_path);

    LAYOUT(LINGER, struct linger);
    OFFSET(LINGER_L_ONOFF_OFFSET, struct linger, l_onoff);
    OFFSET(LINGER_L_LINGER_OFFSET, struct linger, l_linger);

    LAYOUT(FD_SET_LAYOUT, fd_set);
    OFFSET(FD_SET_LAYOUT_FD_COUNT_OFFSET, fd_set, fd_count);
    OFFSET(FD_SET_LAYOUT_FD_ARRAY_OFFSET, fd_set, fd_array);

    LAYOUT(TIMEVAL, TIMEVAL);
    OFFSET(TIMEVAL_TV_SEC_OFFSET, TIMEVAL, tv_sec);
    OFFSET(TIMEVAL_TV_USEC_OFFSET, TIMEVAL, tv_usec);

    LAYOUT(GUID, GUID);
    OFFSET(GUID_DATA1_OFFSET, GUID, Data1);
    OFFSET(GUID_DATA2_OFFSET, GUID, Data2);
    OFFSET(GUID_DATA3_OFFSET, GUID, Data3);
    OFFSET(GUID_DATA4_OFFSET, GUID, Data4);

    /* Ws2_32: the extension functions' GUIDs (<mswsock.h>) */
    GUID_WORDS(WSAID_ACCEPTEX);
    GUID_WORDS(WSAID_CONNECTEX);
    GUID_WORDS(WSAID_GETACCEPTEXSOCKADDRS);

    /* Kernel32 */
    CONSTANT(INFINITE);
    CONSTANT(WAIT_IO_COMPLETION);
    CONSTANT(DUPLICATE_SAME_ACCESS);
    CONSTANT(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
    CONSTANT(FILE_SKIP_SET_EVENT_ON_HANDLE);
    CONSTANT(HANDLE_FLAG_INHERIT);
    CONSTANT(FORMAT_MESSAGE_FROM_SYSTEM);
    CONSTANT(FORMAT_MESSAGE_IGNORE_INSERTS);
    /* ((HANDLE) (LONG_PTR) -1): Java holds the address it compares handles with. */
    printf("INVALID_HANDLE_VALUE %lld\n", (long long) (intptr_t) INVALID_HANDLE_VALUE);

    /* User32 */
    /* ((HWND) -3): Java holds the address. */
    printf("HWND_MESSAGE %lld\n", (long long) (intptr_t) HWND_MESSAGE);
    CONSTANT(WM_USER);
    CONSTANT(WM_APP);
    CONSTANT(PM_NOREMOVE);
    CONSTANT(PM_REMOVE);
    CONSTANT(QS_ALLINPUT);
    CONSTANT(QS_POSTMESSAGE);
    CONSTANT(QS_SENDMESSAGE);
    CONSTANT(MWMO_INPUTAVAILABLE);
    CONSTANT(WAIT_OBJECT_0);
    CONSTANT(WAIT_FAILED);

    LAYOUT(WNDCLASSEXW, WNDCLASSEXW);
    OFFSET(WNDCLASSEXW_CBSIZE_OFFSET, WNDCLASSEXW, cbSize);
    OFFSET(WNDCLASSEXW_STYLE_OFFSET, WNDCLASSEXW, style);
    OFFSET(WNDCLASSEXW_LPFNWNDPROC_OFFSET, WNDCLASSEXW, lpfnWndProc);
    OFFSET(WNDCLASSEXW_CBCLSEXTRA_OFFSET, WNDCLASSEXW, cbClsExtra);
    OFFSET(WNDCLASSEXW_CBWNDEXTRA_OFFSET, WNDCLASSEXW, cbWndExtra);
    OFFSET(WNDCLASSEXW_HINSTANCE_OFFSET, WNDCLASSEXW, hInstance);
    OFFSET(WNDCLASSEXW_HICON_OFFSET, WNDCLASSEXW, hIcon);
    OFFSET(WNDCLASSEXW_HCURSOR_OFFSET, WNDCLASSEXW, hCursor);
    OFFSET(WNDCLASSEXW_HBRBACKGROUND_OFFSET, WNDCLASSEXW, hbrBackground);
    OFFSET(WNDCLASSEXW_LPSZMENUNAME_OFFSET, WNDCLASSEXW, lpszMenuName);
    OFFSET(WNDCLASSEXW_LPSZCLASSNAME_OFFSET, WNDCLASSEXW, lpszClassName);
    OFFSET(WNDCLASSEXW_HICONSM_OFFSET, WNDCLASSEXW, hIconSm);

    LAYOUT(POINT, POINT);
    OFFSET(POINT_X_OFFSET, POINT, x);
    OFFSET(POINT_Y_OFFSET, POINT, y);

    /* MSG has an lPrivate member only for _MAC. */
    LAYOUT(MSG, MSG);
    OFFSET(MSG_HWND_OFFSET, MSG, hwnd);
    OFFSET(MSG_MESSAGE_OFFSET, MSG, message);
    OFFSET(MSG_WPARAM_OFFSET, MSG, wParam);
    OFFSET(MSG_LPARAM_OFFSET, MSG, lParam);
    OFFSET(MSG_TIME_OFFSET, MSG, time);
    OFFSET(MSG_PT_OFFSET, MSG, pt);

    /* Kernel32: layouts. OVERLAPPED's Offset/OffsetHigh share a union with Pointer. */
    LAYOUT(OVERLAPPED, OVERLAPPED);
    OFFSET(OVERLAPPED_INTERNAL_OFFSET, OVERLAPPED, Internal);
    OFFSET(OVERLAPPED_INTERNALHIGH_OFFSET, OVERLAPPED, InternalHigh);
    OFFSET(OVERLAPPED_OFFSET_OFFSET, OVERLAPPED, Offset);
    OFFSET(OVERLAPPED_OFFSETHIGH_OFFSET, OVERLAPPED, OffsetHigh);
    OFFSET(OVERLAPPED_HEVENT_OFFSET, OVERLAPPED, hEvent);

    /* Ws2_32 binds no WSAOVERLAPPED: <winsock2.h> makes it OVERLAPPED itself. */
    _Static_assert(sizeof(WSAOVERLAPPED) == sizeof(OVERLAPPED), "WSAOVERLAPPED is OVERLAPPED");
    {
        WSAOVERLAPPED *same = (OVERLAPPED *) NULL; /* -Werror: the same type, not just the same size */
        LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = probe_completion_routine;
        PAPCFUNC apc = probe_apc;
        (void) same; (void) routine; (void) apc;
    }

    LAYOUT(OVERLAPPED_ENTRY, OVERLAPPED_ENTRY);
    OFFSET(OVERLAPPED_ENTRY_LPCOMPLETIONKEY_OFFSET, OVERLAPPED_ENTRY, lpCompletionKey);
    OFFSET(OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET, OVERLAPPED_ENTRY, lpOverlapped);
    OFFSET(OVERLAPPED_ENTRY_INTERNAL_OFFSET, OVERLAPPED_ENTRY, Internal);
    OFFSET(OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET, OVERLAPPED_ENTRY, dwNumberOfBytesTransferred);

    return ferror(stdout) ? 1 : 0;
}
