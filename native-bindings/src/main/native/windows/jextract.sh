#!/bin/sh
# Regenerates jextract's bindings for netloop_windows.h into a scratch directory, to compare
# with the hand-written classes in src/main/java/io/netloop/bindings/windows (see ../../../../README.md).
#
# Runs on Windows x64 only, and cannot be run on our Linux build machines: jextract parses the
# header with the host's libclang against the host's Windows SDK headers (it finds them where a
# Visual Studio / Build Tools install put them; run it from a "Developer PowerShell" or
# "x64 Native Tools" prompt so INCLUDE is set), and it bakes in the host's layouts. Use a POSIX
# shell on Windows (Git Bash, MSYS2) with jextract 22 (https://jdk.java.net/jextract/); bash does
# not find a .bat by its bare name, so point JEXTRACT at it:
#
#   JEXTRACT=/c/jextract-22/bin/jextract.bat src/main/native/windows/jextract.sh [output-dir]
#                                                                     (default: target/jextract-windows)
#
# The WSAID_* GUIDs are brace initialisers, not constant expressions, so jextract cannot emit
# them (the layout probe checks their bytes instead). Cast macros (INVALID_SOCKET,
# INVALID_HANDLE_VALUE, HWND_MESSAGE, FIONBIO) come out typed as C types them: compare their bits with ours.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../../../../target/jextract-windows"}

${JEXTRACT:-jextract} \
  --target-package io.netloop.bindings.windows \
  --header-class-name netloop_windows_h \
  --output "$out" \
  -D WIN32_LEAN_AND_MEAN \
  -l ws2_32 -l kernel32 -l user32 \
  \
  --include-function WSAStartup --include-function WSACleanup --include-function WSASocketW \
  --include-function bind --include-function listen --include-function accept \
  --include-function connect --include-function closesocket --include-function shutdown \
  --include-function setsockopt --include-function getsockopt \
  --include-function getsockname --include-function getpeername \
  --include-function ioctlsocket --include-function WSAIoctl \
  --include-function WSARecv --include-function WSASend --include-function WSAGetOverlappedResult \
  --include-function recv --include-function send \
  --include-function recvfrom --include-function sendto \
  --include-function WSARecvFrom --include-function WSASendTo \
  --include-function WSACreateEvent --include-function WSACloseEvent \
  --include-function WSASetEvent --include-function WSAResetEvent \
  --include-function WSAEventSelect --include-function WSAWaitForMultipleEvents \
  --include-function WSAEnumNetworkEvents --include-function select --include-function WSAAsyncSelect \
  \
  --include-typedef LPFN_ACCEPTEX --include-typedef LPFN_GETACCEPTEXSOCKADDRS \
  --include-typedef LPFN_CONNECTEX \
  \
  --include-function CreateIoCompletionPort --include-function GetQueuedCompletionStatusEx \
  --include-function PostQueuedCompletionStatus --include-function CancelIoEx \
  --include-function CloseHandle --include-function SetFileCompletionNotificationModes \
  --include-function GetHandleInformation --include-function SetHandleInformation \
  --include-function FormatMessageW --include-function GetModuleHandleW \
  --include-function SleepEx --include-function QueueUserAPC \
  --include-function GetCurrentThread --include-function GetCurrentProcess \
  --include-function DuplicateHandle \
  --include-typedef LPWSAOVERLAPPED_COMPLETION_ROUTINE --include-typedef PAPCFUNC \
  \
  --include-function RegisterClassExW --include-function UnregisterClassW \
  --include-function CreateWindowExW --include-function DestroyWindow \
  --include-function DefWindowProcW --include-function PeekMessageW --include-function GetMessageW \
  --include-function DispatchMessageW --include-function PostMessageW \
  --include-function MsgWaitForMultipleObjectsEx \
  --include-typedef WNDPROC \
  \
  --include-struct WSAData --include-typedef WSADATA \
  --include-struct _WSABUF --include-typedef WSABUF \
  --include-struct _WSANETWORKEVENTS --include-typedef WSANETWORKEVENTS \
  --include-struct sockaddr_in --include-struct sockaddr_in6 --include-struct sockaddr_storage \
  --include-struct sockaddr_un --include-constant UNIX_PATH_MAX \
  --include-struct in_addr --include-struct in6_addr \
  --include-struct linger \
  --include-struct ip_mreq --include-typedef IP_MREQ \
  --include-struct ipv6_mreq --include-typedef IPV6_MREQ \
  --include-struct _GUID --include-typedef GUID \
  --include-struct fd_set --include-typedef fd_set \
  --include-struct timeval --include-typedef TIMEVAL \
  --include-struct _OVERLAPPED --include-typedef OVERLAPPED \
  --include-struct _OVERLAPPED_ENTRY --include-typedef OVERLAPPED_ENTRY \
  --include-struct tagWNDCLASSEXW --include-typedef WNDCLASSEXW \
  --include-struct tagPOINT --include-typedef POINT \
  --include-struct tagMSG --include-typedef MSG \
  --include-typedef SOCKET --include-typedef WSAEVENT --include-typedef HANDLE \
  --include-typedef HWND --include-typedef WPARAM --include-typedef LPARAM --include-typedef LRESULT \
  \
  --include-constant WSAEINTR --include-constant WSAEBADF --include-constant WSAEACCES \
  --include-constant WSAEFAULT --include-constant WSAEINVAL --include-constant WSAEMFILE \
  --include-constant WSAEWOULDBLOCK --include-constant WSAEINPROGRESS --include-constant WSAEALREADY \
  --include-constant WSAENOTSOCK --include-constant WSAEMSGSIZE --include-constant WSAEPROTOTYPE \
  --include-constant WSAENOPROTOOPT --include-constant WSAEPROTONOSUPPORT \
  --include-constant WSAEOPNOTSUPP --include-constant WSAEAFNOSUPPORT \
  --include-constant WSAEADDRINUSE --include-constant WSAEADDRNOTAVAIL \
  --include-constant WSAENETDOWN --include-constant WSAENETUNREACH --include-constant WSAENETRESET \
  --include-constant WSAECONNABORTED --include-constant WSAECONNRESET --include-constant WSAENOBUFS \
  --include-constant WSAEISCONN --include-constant WSAENOTCONN --include-constant WSAESHUTDOWN \
  --include-constant WSAETIMEDOUT --include-constant WSAECONNREFUSED --include-constant WSAEHOSTUNREACH \
  --include-constant WSANOTINITIALISED \
  --include-constant WSA_IO_PENDING --include-constant WSA_OPERATION_ABORTED \
  --include-constant WSA_INVALID_HANDLE \
  --include-constant ERROR_INVALID_HANDLE --include-constant ERROR_NETNAME_DELETED \
  --include-constant ERROR_OPERATION_ABORTED --include-constant ERROR_IO_PENDING \
  --include-constant ERROR_NOT_FOUND --include-constant ERROR_CONNECTION_REFUSED \
  --include-constant ERROR_CONNECTION_ABORTED --include-constant ERROR_PORT_UNREACHABLE \
  --include-constant ERROR_SEM_TIMEOUT --include-constant WAIT_TIMEOUT \
  --include-constant ERROR_CLASS_ALREADY_EXISTS --include-constant ERROR_NOT_ENOUGH_QUOTA \
  \
  --include-constant AF_UNIX --include-constant AF_INET --include-constant AF_INET6 --include-constant SOCK_STREAM \
  --include-constant SOCK_DGRAM --include-constant IPPROTO_IP --include-constant IPPROTO_TCP \
  --include-constant IPPROTO_UDP --include-constant IPPROTO_IPV6 \
  --include-constant SOL_SOCKET --include-constant SO_REUSEADDR --include-constant SO_EXCLUSIVEADDRUSE \
  --include-constant SO_KEEPALIVE --include-constant SO_LINGER --include-constant SO_SNDBUF \
  --include-constant SO_RCVBUF --include-constant SO_ERROR \
  --include-constant SO_UPDATE_ACCEPT_CONTEXT --include-constant SO_UPDATE_CONNECT_CONTEXT \
  --include-constant TCP_NODELAY --include-constant IPV6_V6ONLY --include-constant SO_BROADCAST \
  --include-constant IP_MULTICAST_IF --include-constant IP_MULTICAST_TTL --include-constant IP_MULTICAST_LOOP \
  --include-constant IP_ADD_MEMBERSHIP --include-constant IP_DROP_MEMBERSHIP \
  --include-constant IPV6_MULTICAST_IF --include-constant IPV6_MULTICAST_HOPS --include-constant IPV6_MULTICAST_LOOP \
  --include-constant IPV6_ADD_MEMBERSHIP --include-constant IPV6_JOIN_GROUP \
  --include-constant IPV6_DROP_MEMBERSHIP --include-constant IPV6_LEAVE_GROUP \
  --include-constant SD_RECEIVE --include-constant SD_SEND --include-constant SD_BOTH \
  --include-constant SOMAXCONN \
  --include-constant WSA_FLAG_OVERLAPPED --include-constant WSA_FLAG_NO_HANDLE_INHERIT \
  --include-constant SOCKET_ERROR --include-constant INVALID_SOCKET \
  --include-constant FIONBIO --include-constant SIO_GET_EXTENSION_FUNCTION_POINTER \
  --include-constant SIO_UDP_CONNRESET \
  --include-constant FD_READ --include-constant FD_WRITE --include-constant FD_OOB \
  --include-constant FD_ACCEPT --include-constant FD_CONNECT --include-constant FD_CLOSE \
  --include-constant FD_READ_BIT --include-constant FD_WRITE_BIT --include-constant FD_OOB_BIT \
  --include-constant FD_ACCEPT_BIT --include-constant FD_CONNECT_BIT --include-constant FD_CLOSE_BIT \
  --include-constant FD_MAX_EVENTS \
  --include-constant WSA_WAIT_EVENT_0 --include-constant WSA_WAIT_TIMEOUT \
  --include-constant WSA_WAIT_FAILED --include-constant WSA_INFINITE \
  --include-constant WSA_MAXIMUM_WAIT_EVENTS --include-constant WSA_WAIT_IO_COMPLETION \
  --include-constant MSG_PEEK --include-constant MSG_PARTIAL \
  --include-constant FD_SETSIZE \
  \
  --include-constant INFINITE --include-constant WAIT_IO_COMPLETION \
  --include-constant DUPLICATE_SAME_ACCESS \
  --include-constant FILE_SKIP_COMPLETION_PORT_ON_SUCCESS --include-constant FILE_SKIP_SET_EVENT_ON_HANDLE \
  --include-constant HANDLE_FLAG_INHERIT \
  --include-constant FORMAT_MESSAGE_FROM_SYSTEM --include-constant FORMAT_MESSAGE_IGNORE_INSERTS \
  --include-constant INVALID_HANDLE_VALUE \
  \
  --include-constant HWND_MESSAGE --include-constant WM_USER --include-constant WM_APP \
  --include-constant PM_NOREMOVE --include-constant PM_REMOVE \
  --include-constant QS_ALLINPUT --include-constant QS_POSTMESSAGE --include-constant QS_SENDMESSAGE \
  --include-constant MWMO_INPUTAVAILABLE --include-constant WAIT_OBJECT_0 --include-constant WAIT_FAILED \
  \
  "$here/netloop_windows.h"

echo "jextract wrote io.netloop.bindings.windows to $out"
