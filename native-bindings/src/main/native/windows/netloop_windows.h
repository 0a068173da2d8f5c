/*
 * netloop_windows.h: everything io.netloop.bindings.windows binds, and nothing else.
 *
 * jextract.sh (beside this file) feeds it to jextract with one --include-* option per name
 * listed here; src/test/c/windows_layout_probe.c includes it and prints every value, so the
 * hand-written Java classes are checked against exactly what this header declares (with
 * MinGW-w64's headers under Wine in CI, with the Windows SDK's where jextract runs).
 * Windows x64 only.
 */
#ifndef NETLOOP_WINDOWS_H
#define NETLOOP_WINDOWS_H

/*
 * FD_SETSIZE is left at Winsock's default (64): Ws2_32.FD_SET_LAYOUT is that shape, and the
 * select backend allocates larger sets (the count, then a longer array) rather than redefining it.
 */

/* Keeps <windows.h> from pulling in the Winsock 1 <winsock.h>, which clashes with <winsock2.h>. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif

/* Order matters: <winsock2.h> before <windows.h>, and <mswsock.h> after <winsock2.h>. */
#include <winsock2.h>       /* Ws2_32, WinErrors: WSAE*, WSA_*; Winsock types and functions */
#include <ws2tcpip.h>       /* Ws2_32: sockaddr_in6, IPV6_V6ONLY */
#include <afunix.h>         /* Ws2_32: AF_UNIX's sockaddr_un, UNIX_PATH_MAX (Windows 10 1803+) */
#include <mswsock.h>        /* MsWsock: AcceptEx, GetAcceptExSockaddrs, ConnectEx, WSAID_*, SO_UPDATE_*;
                               Ws2_32: SIO_UDP_CONNRESET */
#include <windows.h>        /* Kernel32, WinErrors: ERROR_*, WAIT_TIMEOUT; OVERLAPPED, IOCP;
                               User32 (<winuser.h>): windows, messages, the message pump */

/*
 * Functions, as declared by the headers above (quoted, not redeclared):
 *
 * Ws2_32 (ws2_32.dll; errors through WSAGetLastError):
 *   int    WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
 *   int    WSACleanup(void);
 *   SOCKET WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
 *                     GROUP g, DWORD dwFlags);
 *   int    bind(SOCKET s, const struct sockaddr *name, int namelen);
 *   int    listen(SOCKET s, int backlog);
 *   SOCKET accept(SOCKET s, struct sockaddr *addr, int *addrlen);
 *   int    connect(SOCKET s, const struct sockaddr *name, int namelen);
 *   int    closesocket(SOCKET s);
 *   int    shutdown(SOCKET s, int how);
 *   int    setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen);
 *   int    getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen);
 *   int    getsockname(SOCKET s, struct sockaddr *name, int *namelen);
 *   int    getpeername(SOCKET s, struct sockaddr *name, int *namelen);
 *   int    ioctlsocket(SOCKET s, long cmd, u_long *argp);
 *   int    WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
 *                   LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
 *                   LPWSAOVERLAPPED lpOverlapped,
 *                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
 *   int    WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
 *                  LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
 *                  LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
 *   int    WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
 *                  LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
 *                  LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
 *   BOOL   WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
 *                                 BOOL fWait, LPDWORD lpdwFlags);
 *   int    recv(SOCKET s, char *buf, int len, int flags);
 *   int    send(SOCKET s, const char *buf, int len, int flags);
 *   int    recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen);
 *   int    sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to,
 *                 int tolen);
 *   int    WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
 *                      LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr *lpFrom,
 *                      LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
 *                      LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
 *   int    WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
 *                    LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr *lpTo,
 *                    int iTolen, LPWSAOVERLAPPED lpOverlapped,
 *                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
 *   WSAEVENT WSACreateEvent(void);
 *   BOOL   WSACloseEvent(WSAEVENT hEvent);
 *   BOOL   WSASetEvent(WSAEVENT hEvent);
 *   BOOL   WSAResetEvent(WSAEVENT hEvent);
 *   int    WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents);
 *   DWORD  WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll,
 *                                   DWORD dwTimeout, BOOL fAlertable);
 *   int    WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
 *                               LPWSANETWORKEVENTS lpNetworkEvents);
 *   int    select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
 *                 const TIMEVAL *timeout);
 *
 * Ws2_32 callback (an FFM upcall, FunctionDescriptor LPWSAOVERLAPPED_COMPLETION_ROUTINE):
 *   typedef void (CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError,
 *                DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags);
 *   (WSAOVERLAPPED is "#define WSAOVERLAPPED OVERLAPPED": Kernel32's layout.)
 *   int    WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, long lEvent);
 *   macros WSAGETSELECTEVENT(lParam) (LOWORD), WSAGETSELECTERROR(lParam) (HIWORD), mirrored as
 *          static methods
 *
 * MsWsock (called through the pointers WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) returns for
 * WSAID_ACCEPTEX, WSAID_GETACCEPTEXSOCKADDRS, WSAID_CONNECTEX; the typedefs LPFN_ACCEPTEX,
 * LPFN_GETACCEPTEXSOCKADDRS, LPFN_CONNECTEX):
 *   BOOL AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
 *                 DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
 *                 DWORD dwRemoteAddressLength, LPDWORD lpdwBytesReceived,
 *                 LPOVERLAPPED lpOverlapped);
 *   VOID GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
 *                             DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
 *                             struct sockaddr **LocalSockaddr, LPINT LocalSockaddrLength,
 *                             struct sockaddr **RemoteSockaddr, LPINT RemoteSockaddrLength);
 *   BOOL ConnectEx(SOCKET s, const struct sockaddr *name, int namelen, PVOID lpSendBuffer,
 *                  DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);
 *
 * Kernel32 (kernel32.dll; errors through GetLastError):
 *   HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
 *                                 ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads);
 *   BOOL   GetQueuedCompletionStatusEx(HANDLE CompletionPort,
 *                                      LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount,
 *                                      PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
 *                                      BOOL fAlertable);
 *   BOOL   PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
 *                                     ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);
 *   BOOL   CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
 *   BOOL   CloseHandle(HANDLE hObject);
 *   BOOL   SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags);
 *   BOOL   GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
 *   BOOL   SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);
 *   DWORD  FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
 *                         DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize, va_list *Arguments);
 *   HMODULE GetModuleHandleW(LPCWSTR lpModuleName);
 *   DWORD  SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
 *   DWORD  QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
 *   HANDLE GetCurrentThread(void);
 *   HANDLE GetCurrentProcess(void);
 *   BOOL   DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
 *                          HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
 *                          DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);
 *
 * Kernel32 callback (an FFM upcall, FunctionDescriptor PAPCFUNC):
 *   typedef VOID (NTAPI *PAPCFUNC)(ULONG_PTR Parameter);
 *
 * User32 (user32.dll; errors through GetLastError):
 *   ATOM    RegisterClassExW(const WNDCLASSEXW *unnamedParam1);
 *   BOOL    UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance);
 *   HWND    CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName,
 *                           DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
 *                           HWND hWndParent, HMENU hMenu, HINSTANCE hInstance, LPVOID lpParam);
 *   BOOL    DestroyWindow(HWND hWnd);
 *   LRESULT DefWindowProcW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
 *   BOOL    PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
 *                        UINT wRemoveMsg);
 *   BOOL    GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
 *   LRESULT DispatchMessageW(const MSG *lpMsg);
 *   BOOL    PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
 *   DWORD   MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles,
 *                                       DWORD dwMilliseconds, DWORD dwWakeMask, DWORD dwFlags);
 *   callback (WNDPROC): LRESULT CALLBACK WndProc(HWND hWnd, UINT uMsg, WPARAM wParam,
 *                                                LPARAM lParam);
 *
 * Structs (x64 shapes):
 *   WSADATA { WORD wVersion; WORD wHighVersion; unsigned short iMaxSockets;
 *             unsigned short iMaxUdpDg; char *lpVendorInfo; char szDescription[257];
 *             char szSystemStatus[129]; };                                  (408 bytes)
 *   WSABUF { ULONG len; CHAR *buf; };                                       (16 bytes)
 *   WSANETWORKEVENTS { long lNetworkEvents; int iErrorCode[FD_MAX_EVENTS]; }; (44 bytes)
 *   struct sockaddr_in { short sin_family; u_short sin_port; struct in_addr sin_addr;
 *                        char sin_zero[8]; };                               (16 bytes)
 *   struct sockaddr_in6 { short sin6_family; u_short sin6_port; u_long sin6_flowinfo;
 *                         struct in6_addr sin6_addr;
 *                         union { u_long sin6_scope_id; SCOPE_ID sin6_scope_struct; }; };
 *                                                                           (28 bytes)
 *   struct sockaddr_storage { short ss_family; ... };                  (128 bytes, align 8)
 *   SOCKADDR_UN (struct sockaddr_un) { ADDRESS_FAMILY sun_family;
 *                                      char sun_path[UNIX_PATH_MAX]; };    (110 bytes, align 2)
 *   struct linger { u_short l_onoff; u_short l_linger; };                   (4 bytes)
 *   IP_MREQ (struct ip_mreq) { struct in_addr imr_multiaddr; struct in_addr imr_interface; };
 *                                                                           (8 bytes)
 *   IPV6_MREQ (struct ipv6_mreq) { struct in6_addr ipv6mr_multiaddr;
 *                                  unsigned int ipv6mr_interface; };        (20 bytes)
 *   GUID { unsigned long Data1; unsigned short Data2; unsigned short Data3;
 *          unsigned char Data4[8]; };                                       (16 bytes)
 *   fd_set { u_int fd_count; SOCKET fd_array[FD_SETSIZE]; };          (520 bytes, align 8)
 *   TIMEVAL (struct timeval) { long tv_sec; long tv_usec; };                (8 bytes)
 *   OVERLAPPED { ULONG_PTR Internal; ULONG_PTR InternalHigh;
 *                union { struct { DWORD Offset; DWORD OffsetHigh; }; PVOID Pointer; };
 *                HANDLE hEvent; };                                          (32 bytes)
 *   OVERLAPPED_ENTRY { ULONG_PTR lpCompletionKey; LPOVERLAPPED lpOverlapped;
 *                      ULONG_PTR Internal; DWORD dwNumberOfBytesTransferred; }; (32 bytes)
 *   WNDCLASSEXW { UINT cbSize; UINT style; WNDPROC lpfnWndProc; int cbClsExtra; int cbWndExtra;
 *                 HINSTANCE hInstance; HICON hIcon; HCURSOR hCursor; HBRUSH hbrBackground;
 *                 LPCWSTR lpszMenuName; LPCWSTR lpszClassName; HICON hIconSm; }; (80 bytes)
 *   POINT { LONG x; LONG y; };                                                (8 bytes)
 *   MSG { HWND hwnd; UINT message; WPARAM wParam; LPARAM lParam; DWORD time; POINT pt; };
 *                                                            (48 bytes; lPrivate only for _MAC)
 *
 * Typedefs: SOCKET (UINT_PTR), WSAEVENT (HANDLE), HANDLE, DWORD, BOOL, WORD, ULONG_PTR, u_short,
 * u_long (32 bits), IN_ADDR, HWND, HINSTANCE, HMODULE, ATOM (WORD), WPARAM (UINT_PTR),
 * LPARAM and LRESULT (LONG_PTR), WNDPROC.
 *
 * Constants:
 *   WinErrors: WSAEINTR WSAEBADF WSAEACCES WSAEFAULT WSAEINVAL WSAEMFILE WSAEWOULDBLOCK
 *              WSAEINPROGRESS WSAEALREADY WSAENOTSOCK WSAEMSGSIZE WSAEPROTOTYPE WSAENOPROTOOPT
 *              WSAEPROTONOSUPPORT WSAEOPNOTSUPP WSAEAFNOSUPPORT WSAEADDRINUSE WSAEADDRNOTAVAIL
 *              WSAENETDOWN WSAENETUNREACH WSAENETRESET WSAECONNABORTED WSAECONNRESET WSAENOBUFS
 *              WSAEISCONN WSAENOTCONN WSAESHUTDOWN WSAETIMEDOUT WSAECONNREFUSED WSAEHOSTUNREACH
 *              WSANOTINITIALISED WSA_IO_PENDING WSA_OPERATION_ABORTED WSA_INVALID_HANDLE
 *              ERROR_INVALID_HANDLE ERROR_NETNAME_DELETED ERROR_OPERATION_ABORTED
 *              ERROR_IO_PENDING ERROR_NOT_FOUND ERROR_CONNECTION_REFUSED
 *              ERROR_CONNECTION_ABORTED ERROR_PORT_UNREACHABLE ERROR_SEM_TIMEOUT WAIT_TIMEOUT
 *              ERROR_CLASS_ALREADY_EXISTS ERROR_NOT_ENOUGH_QUOTA
 *   Ws2_32:    AF_UNIX AF_INET AF_INET6 SOCK_STREAM SOCK_DGRAM IPPROTO_IP IPPROTO_TCP IPPROTO_UDP
 *              IPPROTO_IPV6 SOL_SOCKET SO_REUSEADDR SO_BROADCAST
 *              IP_MULTICAST_IF IP_MULTICAST_TTL IP_MULTICAST_LOOP IP_ADD_MEMBERSHIP
 *              IP_DROP_MEMBERSHIP IPV6_MULTICAST_IF IPV6_MULTICAST_HOPS IPV6_MULTICAST_LOOP
 *              IPV6_ADD_MEMBERSHIP IPV6_JOIN_GROUP IPV6_DROP_MEMBERSHIP IPV6_LEAVE_GROUP
 *              (<ws2ipdef.h>: the Winsock 2 values, not <winsock.h>'s Winsock 1 ones)
 *              SIO_UDP_CONNRESET MSG_PARTIAL
 *              SO_EXCLUSIVEADDRUSE SO_KEEPALIVE SO_LINGER SO_SNDBUF SO_RCVBUF SO_ERROR
 *              SO_UPDATE_ACCEPT_CONTEXT SO_UPDATE_CONNECT_CONTEXT TCP_NODELAY IPV6_V6ONLY
 *              SD_RECEIVE SD_SEND SD_BOTH SOMAXCONN WSA_FLAG_OVERLAPPED
 *              WSA_FLAG_NO_HANDLE_INHERIT SOCKET_ERROR INVALID_SOCKET FIONBIO
 *              SIO_GET_EXTENSION_FUNCTION_POINTER FD_READ FD_WRITE FD_OOB FD_ACCEPT FD_CONNECT
 *              FD_CLOSE FD_READ_BIT FD_WRITE_BIT FD_OOB_BIT FD_ACCEPT_BIT FD_CONNECT_BIT
 *              FD_CLOSE_BIT FD_MAX_EVENTS WSA_WAIT_EVENT_0 WSA_WAIT_TIMEOUT WSA_WAIT_FAILED
 *              WSA_INFINITE WSA_MAXIMUM_WAIT_EVENTS WSA_WAIT_IO_COMPLETION MSG_PEEK FD_SETSIZE
 *              WSAID_ACCEPTEX WSAID_CONNECTEX WSAID_GETACCEPTEXSOCKADDRS (GUID initialisers)
 *              UNIX_PATH_MAX (bound as SUN_PATH_SIZE)
 *   Kernel32:  INFINITE WAIT_IO_COMPLETION DUPLICATE_SAME_ACCESS
 *              FILE_SKIP_COMPLETION_PORT_ON_SUCCESS FILE_SKIP_SET_EVENT_ON_HANDLE
 *              HANDLE_FLAG_INHERIT FORMAT_MESSAGE_FROM_SYSTEM FORMAT_MESSAGE_IGNORE_INSERTS
 *              INVALID_HANDLE_VALUE
 *   User32:    HWND_MESSAGE WM_USER WM_APP PM_NOREMOVE PM_REMOVE QS_ALLINPUT QS_POSTMESSAGE
 *              QS_SENDMESSAGE MWMO_INPUTAVAILABLE WAIT_OBJECT_0 WAIT_FAILED
 */

#endif /* NETLOOP_WINDOWS_H */
