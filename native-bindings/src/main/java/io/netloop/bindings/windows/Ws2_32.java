package io.netloop.bindings.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

import static io.netloop.bindings.windows.Linking.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Winsock 2 ({@code ws2_32.dll}): {@code <winsock2.h>}, {@code <ws2tcpip.h>} and
 * {@code <ws2def.h>}/{@code <ws2ipdef.h>}. Windows x64 only: {@code SOCKET} is a 64-bit
 * {@code UINT_PTR} ({@code long}), {@code long}/{@code u_long}/{@code DWORD}/{@code BOOL} are
 * 32 bits ({@code int}), handles and pointers are {@link MemorySegment}s.
 *
 * <p>Every function takes the caller's {@code callState} (see {@link WinErrors#allocateCallState})
 * first and returns what C returns; after {@link #SOCKET_ERROR}, {@link #INVALID_SOCKET} or
 * {@code FALSE}, {@link WinErrors#wsaLastError(MemorySegment)} reads the cause. Nothing here
 * retries or throws for an error code. Pointer arguments must be native segments.
 *
 * <pre>{@code
 * MemorySegment wsaData = arena.allocate(Ws2_32.WSADATA);
 * int rc = Ws2_32.WSAStartup(callState, (short) 0x0202, wsaData);           // once per process
 * MemorySegment addr = arena.allocate(Ws2_32.SOCKADDR_IN);
 * addr.set(ValueLayout.JAVA_SHORT, Ws2_32.SOCKADDR_IN_SIN_FAMILY_OFFSET, (short) Ws2_32.AF_INET);
 * addr.set(Ws2_32.IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET, (short) 8080);   // host value; the layout is big-endian
 * addr.set(Ws2_32.IN_ADDR_T, Ws2_32.SOCKADDR_IN_SIN_ADDR_OFFSET, 0x7f000001);     // 127.0.0.1
 * rc = Ws2_32.bind(callState, s, addr, (int) Ws2_32.SOCKADDR_IN.byteSize());
 * }</pre>
 *
 * <p>Reading the constants and layouts works on any OS; the functions are linked, all together,
 * on the first call of any of them, which fails outside Windows.
 */
public final class Ws2_32 {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 23;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;

    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;

    public static final int SOL_SOCKET = 0xffff;
    public static final int SO_REUSEADDR = 0x0004;
    /** {@code ((int) (~SO_REUSEADDR))}: binding refuses a port any other socket holds. */
    public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
    public static final int SO_KEEPALIVE = 0x0008;
    public static final int SO_LINGER = 0x0080;
    public static final int SO_SNDBUF = 0x1001;
    public static final int SO_RCVBUF = 0x1002;
    public static final int SO_ERROR = 0x1007;
    /** {@code <mswsock.h>}: after {@code AcceptEx}, set on the accepted socket with the listening socket as value. */
    public static final int SO_UPDATE_ACCEPT_CONTEXT = 0x700b;
    /** {@code <mswsock.h>}: after {@code ConnectEx}, set with no value so {@code getpeername}/{@code shutdown} work. */
    public static final int SO_UPDATE_CONNECT_CONTEXT = 0x7010;
    public static final int TCP_NODELAY = 0x0001;
    /** An {@code int} (or {@code BOOL}): 1 by default on Windows, unlike Linux, so a socket on {@code ::} is IPv6-only unless set to 0. */
    public static final int IPV6_V6ONLY = 27;
    /** A {@code BOOL}: lets a datagram socket send to a broadcast address. */
    public static final int SO_BROADCAST = 0x0020;

    /*
     * Multicast, <ws2ipdef.h>. Winsock 2's values: the Winsock 1 <winsock.h> numbers these
     * options 2 to 6 (IP_ADD_MEMBERSHIP 5), and a program built against it gets those; the
     * layout probe checks these against <winsock2.h>/<ws2tcpip.h>. There is no SO_REUSEPORT: a
     * port is shared with SO_REUSEADDR (by any socket that also sets it, which is why listeners
     * use SO_EXCLUSIVEADDRUSE), and the stack does not spread datagrams over such sockets.
     */

    /** At {@link #IPPROTO_IP}: an {@code IN_ADDR} (or, since Vista, an interface index in the form 0.0.0.x), the interface multicast is sent from. */
    public static final int IP_MULTICAST_IF = 9;
    /** At {@link #IPPROTO_IP}: a {@code DWORD}, the TTL of sent multicast. */
    public static final int IP_MULTICAST_TTL = 10;
    /** At {@link #IPPROTO_IP}: a {@code DWORD}, whether this host's own multicast is looped back. */
    public static final int IP_MULTICAST_LOOP = 11;
    /** At {@link #IPPROTO_IP}: an {@link #IP_MREQ}. */
    public static final int IP_ADD_MEMBERSHIP = 12;
    /** At {@link #IPPROTO_IP}: an {@link #IP_MREQ}. */
    public static final int IP_DROP_MEMBERSHIP = 13;
    /** At {@link #IPPROTO_IPV6}: a {@code DWORD} interface index. */
    public static final int IPV6_MULTICAST_IF = 9;
    /** At {@link #IPPROTO_IPV6}: a {@code DWORD}, the hop limit of sent multicast. */
    public static final int IPV6_MULTICAST_HOPS = 10;
    /** At {@link #IPPROTO_IPV6}: a {@code DWORD}. */
    public static final int IPV6_MULTICAST_LOOP = 11;
    /** At {@link #IPPROTO_IPV6}: an {@link #IPV6_MREQ}. */
    public static final int IPV6_ADD_MEMBERSHIP = 12;
    /** {@code <ws2ipdef.h>}: the RFC 3493 name of {@link #IPV6_ADD_MEMBERSHIP}. */
    public static final int IPV6_JOIN_GROUP = IPV6_ADD_MEMBERSHIP;
    /** At {@link #IPPROTO_IPV6}: an {@link #IPV6_MREQ}. */
    public static final int IPV6_DROP_MEMBERSHIP = 13;
    /** {@code <ws2ipdef.h>}: the RFC 3493 name of {@link #IPV6_DROP_MEMBERSHIP}. */
    public static final int IPV6_LEAVE_GROUP = IPV6_DROP_MEMBERSHIP;

    public static final int SD_RECEIVE = 0;
    public static final int SD_SEND = 1;
    public static final int SD_BOTH = 2;

    /** {@code <winsock2.h>}'s value: "the provider's maximum reasonable backlog". */
    public static final int SOMAXCONN = 0x7fffffff;

    public static final int WSA_FLAG_OVERLAPPED = 0x01;
    public static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;

    public static final int SOCKET_ERROR = -1;
    /** {@code (SOCKET) (~0)}: what {@code WSASocketW} and {@code accept} return on failure. */
    public static final long INVALID_SOCKET = -1L;

    /** {@code _IOW('f', 126, u_long)}: {@code 0x8004667e}, negative as a Java {@code int}. */
    public static final int FIONBIO = 0x8004667e;
    /** {@code _WSAIORW(IOC_WS2, 6)}: {@code 0xc8000006}. */
    public static final int SIO_GET_EXTENSION_FUNCTION_POINTER = 0xc8000006;
    /**
     * {@code <mswsock.h>}: {@code _WSAIOW(IOC_VENDOR, 12)}, {@code 0x9800000c}. Input: a
     * {@code BOOL}. Windows reports an ICMP port unreachable, answering any datagram the socket
     * sent, as {@code WSAECONNRESET} on the socket's next receive, even on an unconnected socket
     * whose other peers are fine; {@code FALSE} turns that off. (Wine reports nothing on
     * unconnected sockets either way.)
     */
    public static final int SIO_UDP_CONNRESET = 0x9800000c;

    public static final int FD_READ_BIT = 0;
    public static final int FD_WRITE_BIT = 1;
    public static final int FD_OOB_BIT = 2;
    public static final int FD_ACCEPT_BIT = 3;
    public static final int FD_CONNECT_BIT = 4;
    public static final int FD_CLOSE_BIT = 5;
    /** The length of {@link #WSANETWORKEVENTS}' {@code iErrorCode}, indexed by the {@code FD_*_BIT}s. */
    public static final int FD_MAX_EVENTS = 10;
    public static final int FD_READ = 1 << FD_READ_BIT;
    public static final int FD_WRITE = 1 << FD_WRITE_BIT;
    public static final int FD_OOB = 1 << FD_OOB_BIT;
    public static final int FD_ACCEPT = 1 << FD_ACCEPT_BIT;
    public static final int FD_CONNECT = 1 << FD_CONNECT_BIT;
    public static final int FD_CLOSE = 1 << FD_CLOSE_BIT;

    /**
     * {@code WSAGETSELECTEVENT(lParam)}, that is {@code LOWORD(lParam)}: the {@code FD_*} event a
     * {@code WSAAsyncSelect} message reports (one per message).
     */
    public static int WSAGETSELECTEVENT(long lParam) {
        return (int) (lParam & 0xffff);
    }

    /**
     * {@code WSAGETSELECTERROR(lParam)}, that is {@code HIWORD(lParam)}: 0, or the {@code WSAE*}
     * code that came with the event (a failed connect, a reset).
     */
    public static int WSAGETSELECTERROR(long lParam) {
        return (int) ((lParam >>> 16) & 0xffff);
    }

    public static final int WSA_WAIT_EVENT_0 = 0;
    /** {@code WAIT_TIMEOUT} (258), as {@code WSAWaitForMultipleEvents} returns it. */
    public static final int WSA_WAIT_TIMEOUT = 258;
    /** {@code WAIT_FAILED}, {@code 0xffffffff}. */
    public static final int WSA_WAIT_FAILED = -1;
    /** {@code INFINITE}, {@code 0xffffffff}. */
    public static final int WSA_INFINITE = -1;
    /** {@code WAIT_IO_COMPLETION}: an alertable wait returned after running completion routines or APCs. */
    public static final int WSA_WAIT_IO_COMPLETION = 0xc0;
    public static final int WSA_MAXIMUM_WAIT_EVENTS = 64;

    public static final int MSG_PEEK = 0x2;
    /**
     * Returned in a receive's flags by a provider that delivers a message in parts. UDP does not:
     * a datagram longer than the buffers fills them, the receive fails with {@code WSAEMSGSIZE}
     * (overlapped: completion status {@code STATUS_BUFFER_OVERFLOW}, the buffers' length as bytes
     * transferred) and the rest is dropped.
     */
    public static final int MSG_PARTIAL = 0x8000;

    /**
     * The size of {@link #FD_SET_LAYOUT}'s array when a program does not define it before
     * {@code <winsock2.h>}. Not a limit of {@link #select}: a Winsock {@code fd_set} is a count and
     * an array of sockets, so an {@code fd_set} of {@link #fdSetByteSize(int)} bytes holds more.
     */
    public static final int FD_SETSIZE = 64;

    /**
     * A port as a {@code sockaddr} holds it ({@code u_short}, in network byte order); named as in
     * {@code io.netloop.bindings.linux.Sockets}, Windows has no {@code in_port_t}. Reading a port
     * through this layout gives the host value (as a signed short; use {@link Short#toUnsignedInt}).
     */
    public static final ValueLayout.OfShort IN_PORT_T = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    /**
     * An IPv4 address as a {@code sockaddr_in} holds it ({@code IN_ADDR}, in network byte order),
     * so 127.0.0.1 reads as {@code 0x7f000001} through this layout.
     */
    public static final ValueLayout.OfInt IN_ADDR_T = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * The x64 shape (the field order differs on x86):
     * {@snippet lang=c :
     * typedef struct WSAData {
     *     WORD           wVersion;
     *     WORD           wHighVersion;
     *     unsigned short iMaxSockets;      // ignored from Winsock 2 on
     *     unsigned short iMaxUdpDg;        // ignored from Winsock 2 on
     *     char          *lpVendorInfo;     // ignored from Winsock 2 on
     *     char           szDescription[WSADESCRIPTION_LEN + 1];    // 257
     *     char           szSystemStatus[WSASYS_STATUS_LEN + 1];    // 129
     * } WSADATA;                            // 408 bytes, align 8
     * }
     */
    public static final StructLayout WSADATA = MemoryLayout.structLayout(
            JAVA_SHORT.withName("wVersion"),
            JAVA_SHORT.withName("wHighVersion"),
            JAVA_SHORT.withName("iMaxSockets"),
            JAVA_SHORT.withName("iMaxUdpDg"),
            ADDRESS.withName("lpVendorInfo"),
            MemoryLayout.sequenceLayout(257, JAVA_BYTE).withName("szDescription"),
            MemoryLayout.sequenceLayout(129, JAVA_BYTE).withName("szSystemStatus"),
            MemoryLayout.paddingLayout(6)
    ).withName("WSAData");

    /**
     * {@snippet lang=c :
     * typedef struct _WSABUF {
     *     ULONG len;
     *     CHAR *buf;
     * } WSABUF;
     * }
     */
    public static final StructLayout WSABUF = MemoryLayout.structLayout(
            JAVA_INT.withName("len"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("buf")
    ).withName("_WSABUF");

    /**
     * {@snippet lang=c :
     * typedef struct _WSANETWORKEVENTS {
     *     long lNetworkEvents;               // FD_* that occurred
     *     int  iErrorCode[FD_MAX_EVENTS];    // per FD_*_BIT, 0 or a WSAE* code
     * } WSANETWORKEVENTS;
     * }
     */
    public static final StructLayout WSANETWORKEVENTS = MemoryLayout.structLayout(
            JAVA_INT.withName("lNetworkEvents"),
            MemoryLayout.sequenceLayout(FD_MAX_EVENTS, JAVA_INT).withName("iErrorCode")
    ).withName("_WSANETWORKEVENTS");

    /**
     * {@snippet lang=c :
     * struct sockaddr_in {
     *     short          sin_family;   // ADDRESS_FAMILY
     *     u_short        sin_port;     // network byte order
     *     struct in_addr sin_addr;     // IN_ADDR, a 4-byte union, network byte order
     *     char           sin_zero[8];
     * };
     * }
     */
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            IN_PORT_T.withName("sin_port"),
            IN_ADDR_T.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero")
    ).withName("sockaddr_in");

    /**
     * The scope is a union in the Windows headers; it is bound as its {@code u_long} member.
     * {@snippet lang=c :
     * struct sockaddr_in6 {
     *     short           sin6_family;     // ADDRESS_FAMILY
     *     u_short         sin6_port;       // network byte order
     *     u_long          sin6_flowinfo;   // network byte order
     *     struct in6_addr sin6_addr;       // 16 bytes, network byte order
     *     union {
     *         u_long   sin6_scope_id;      // host byte order
     *         SCOPE_ID sin6_scope_struct;
     *     };
     * };
     * }
     */
    public static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"),
            IN_PORT_T.withName("sin6_port"),
            JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")
    ).withName("sockaddr_in6");

    /**
     * Big enough and aligned enough for any address family; only {@code ss_family} is public.
     * {@snippet lang=c :
     * struct sockaddr_storage {
     *     short   ss_family;
     *     char    __ss_pad1[6];
     *     __int64 __ss_align;
     *     char    __ss_pad2[112];
     * };                                   // 128 bytes, align 8
     * }
     */
    public static final StructLayout SOCKADDR_STORAGE = MemoryLayout.structLayout(
            JAVA_SHORT.withName("ss_family"),
            MemoryLayout.paddingLayout(126)
    ).withByteAlignment(8).withName("sockaddr_storage");

    /** {@code UNIX_PATH_MAX} ({@code <afunix.h>}): the size of {@code sun_path}, its NUL included. */
    public static final int SUN_PATH_SIZE = 108;

    /**
     * Windows 10 1803 and later ({@code <afunix.h>}); pathname sockets only, no abstract namespace.
     * {@snippet lang=c :
     * typedef struct sockaddr_un {
     *     ADDRESS_FAMILY sun_family;            // AF_UNIX
     *     char sun_path[UNIX_PATH_MAX];         // pathname
     * } SOCKADDR_UN, *PSOCKADDR_UN;             // 110 bytes, align 2
     * }
     */
    public static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(SUN_PATH_SIZE, JAVA_BYTE).withName("sun_path")
    ).withName("sockaddr_un");

    /**
     * Two {@code u_short}s on Windows (two {@code int}s on Linux): 4 bytes.
     * {@snippet lang=c :
     * struct linger {
     *     u_short l_onoff;
     *     u_short l_linger;   // seconds
     * };
     * }
     */
    public static final StructLayout LINGER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("l_onoff"),
            JAVA_SHORT.withName("l_linger")
    ).withName("linger");

    /**
     * {@snippet lang=c :
     * typedef struct _GUID {
     *     unsigned long  Data1;    // 32 bits on Windows
     *     unsigned short Data2;
     *     unsigned short Data3;
     *     unsigned char  Data4[8];
     * } GUID;                      // 16 bytes, align 4
     * }
     */
    public static final StructLayout GUID = MemoryLayout.structLayout(
            JAVA_INT.withName("Data1"),
            JAVA_SHORT.withName("Data2"),
            JAVA_SHORT.withName("Data3"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("Data4")
    ).withName("_GUID");

    /**
     * {@snippet lang=c :
     * typedef struct ip_mreq {
     *     struct in_addr imr_multiaddr;    // the group, network byte order
     *     struct in_addr imr_interface;    // the interface's address, or 0.0.0.x for index x (Vista on)
     * } IP_MREQ;                           // 8 bytes
     * }
     */
    public static final StructLayout IP_MREQ = MemoryLayout.structLayout(
            IN_ADDR_T.withName("imr_multiaddr"),
            IN_ADDR_T.withName("imr_interface")
    ).withName("ip_mreq");

    /**
     * {@snippet lang=c :
     * typedef struct ipv6_mreq {
     *     struct in6_addr ipv6mr_multiaddr;    // the group, 16 bytes
     *     unsigned int    ipv6mr_interface;    // interface index, 0 for the default
     * } IPV6_MREQ;                             // 20 bytes
     * }
     */
    public static final StructLayout IPV6_MREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface")
    ).withName("ipv6_mreq");

    public static final long IP_MREQ_IMR_MULTIADDR_OFFSET = offset(IP_MREQ, "imr_multiaddr");
    public static final long IP_MREQ_IMR_INTERFACE_OFFSET = offset(IP_MREQ, "imr_interface");
    public static final long IPV6_MREQ_IPV6MR_MULTIADDR_OFFSET = offset(IPV6_MREQ, "ipv6mr_multiaddr");
    public static final long IPV6_MREQ_IPV6MR_INTERFACE_OFFSET = offset(IPV6_MREQ, "ipv6mr_interface");

    public static final long WSADATA_WVERSION_OFFSET = offset(WSADATA, "wVersion");
    public static final long WSADATA_WHIGHVERSION_OFFSET = offset(WSADATA, "wHighVersion");
    public static final long WSADATA_IMAXSOCKETS_OFFSET = offset(WSADATA, "iMaxSockets");
    public static final long WSADATA_IMAXUDPDG_OFFSET = offset(WSADATA, "iMaxUdpDg");
    public static final long WSADATA_LPVENDORINFO_OFFSET = offset(WSADATA, "lpVendorInfo");
    public static final long WSADATA_SZDESCRIPTION_OFFSET = offset(WSADATA, "szDescription");
    public static final long WSADATA_SZSYSTEMSTATUS_OFFSET = offset(WSADATA, "szSystemStatus");

    /*
     * WSAOVERLAPPED is Kernel32.OVERLAPPED: <winsock2.h> has "#define WSAOVERLAPPED OVERLAPPED"
     * (checked by the layout probe), so it has no layout of its own here.
     */

    /**
     * {@code typedef void (CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags);}
     * <p>Run on the thread that issued the operation, in its next alertable wait. Make one with
     * {@link #completionRoutine}.
     */
    public static final FunctionDescriptor LPWSAOVERLAPPED_COMPLETION_ROUTINE = FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

    public static final long WSABUF_LEN_OFFSET = offset(WSABUF, "len");
    public static final long WSABUF_BUF_OFFSET = offset(WSABUF, "buf");

    public static final long WSANETWORKEVENTS_LNETWORKEVENTS_OFFSET = offset(WSANETWORKEVENTS, "lNetworkEvents");
    public static final long WSANETWORKEVENTS_IERRORCODE_OFFSET = offset(WSANETWORKEVENTS, "iErrorCode");

    public static final long SOCKADDR_IN_SIN_FAMILY_OFFSET = offset(SOCKADDR_IN, "sin_family");
    public static final long SOCKADDR_IN_SIN_PORT_OFFSET = offset(SOCKADDR_IN, "sin_port");
    public static final long SOCKADDR_IN_SIN_ADDR_OFFSET = offset(SOCKADDR_IN, "sin_addr");
    public static final long SOCKADDR_IN_SIN_ZERO_OFFSET = offset(SOCKADDR_IN, "sin_zero");

    public static final long SOCKADDR_IN6_SIN6_FAMILY_OFFSET = offset(SOCKADDR_IN6, "sin6_family");
    public static final long SOCKADDR_IN6_SIN6_PORT_OFFSET = offset(SOCKADDR_IN6, "sin6_port");
    public static final long SOCKADDR_IN6_SIN6_FLOWINFO_OFFSET = offset(SOCKADDR_IN6, "sin6_flowinfo");
    public static final long SOCKADDR_IN6_SIN6_ADDR_OFFSET = offset(SOCKADDR_IN6, "sin6_addr");
    public static final long SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET = offset(SOCKADDR_IN6, "sin6_scope_id");

    public static final long SOCKADDR_STORAGE_SS_FAMILY_OFFSET = offset(SOCKADDR_STORAGE, "ss_family");

    public static final long SOCKADDR_UN_SUN_FAMILY_OFFSET = offset(SOCKADDR_UN, "sun_family");
    public static final long SOCKADDR_UN_SUN_PATH_OFFSET = offset(SOCKADDR_UN, "sun_path");

    /**
     * A count and an array of sockets, not a bitmap as on Linux: {@link #select} reads
     * {@code fd_count} entries of {@code fd_array} and writes the ready ones back to its front,
     * setting {@code fd_count}. This is the shape for the default {@link #FD_SETSIZE}; a set for
     * more sockets is the same count followed by a longer array ({@link #fdSetByteSize(int)}).
     * {@snippet lang=c :
     * typedef struct fd_set {
     *     u_int  fd_count;                 // how many are set
     *     SOCKET fd_array[FD_SETSIZE];     // 64 unless defined before <winsock2.h>
     * } fd_set;                            // 520 bytes, align 8
     * }
     */
    public static final StructLayout FD_SET_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("fd_count"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.sequenceLayout(FD_SETSIZE, JAVA_LONG).withName("fd_array")
    ).withName("fd_set");

    /**
     * Both members are {@code long}: 32 bits on Windows (64 on Linux).
     * {@snippet lang=c :
     * typedef struct timeval {
     *     long tv_sec;
     *     long tv_usec;
     * } TIMEVAL;                           // 8 bytes
     * }
     */
    public static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_INT.withName("tv_sec"),
            JAVA_INT.withName("tv_usec")
    ).withName("timeval");

    public static final long LINGER_L_ONOFF_OFFSET = offset(LINGER, "l_onoff");
    public static final long LINGER_L_LINGER_OFFSET = offset(LINGER, "l_linger");

    public static final long FD_SET_LAYOUT_FD_COUNT_OFFSET = offset(FD_SET_LAYOUT, "fd_count");
    public static final long FD_SET_LAYOUT_FD_ARRAY_OFFSET = offset(FD_SET_LAYOUT, "fd_array");

    public static final long TIMEVAL_TV_SEC_OFFSET = offset(TIMEVAL, "tv_sec");
    public static final long TIMEVAL_TV_USEC_OFFSET = offset(TIMEVAL, "tv_usec");

    public static final long GUID_DATA1_OFFSET = offset(GUID, "Data1");
    public static final long GUID_DATA2_OFFSET = offset(GUID, "Data2");
    public static final long GUID_DATA3_OFFSET = offset(GUID, "Data3");
    public static final long GUID_DATA4_OFFSET = offset(GUID, "Data4");

    /*
     * The <mswsock.h> GUIDs that WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) takes, as the two
     * little-endian 64-bit words of the 16 bytes of a GUID in memory (Data1..Data3, then Data4):
     * _LO holds bytes 0-7, _HI bytes 8-15. Write one with writeGuid.
     */

    /** {@code WSAID_ACCEPTEX}, {@code {0xb5367df1,0xcbac,0x11cf,{0x95,0xca,0x00,0x80,0x5f,0x48,0xa1,0x92}}}: bytes 0-7. */
    public static final long WSAID_ACCEPTEX_LO = 0x11cfcbacb5367df1L;
    /** {@code WSAID_ACCEPTEX}: bytes 8-15. */
    public static final long WSAID_ACCEPTEX_HI = 0x92a1485f8000ca95L;
    /** {@code WSAID_CONNECTEX}, {@code {0x25a207b9,0xddf3,0x4660,{0x8e,0xe9,0x76,0xe5,0x8c,0x74,0x06,0x3e}}}: bytes 0-7. */
    public static final long WSAID_CONNECTEX_LO = 0x4660ddf325a207b9L;
    /** {@code WSAID_CONNECTEX}: bytes 8-15. */
    public static final long WSAID_CONNECTEX_HI = 0x3e06748ce576e98eL;
    /** {@code WSAID_GETACCEPTEXSOCKADDRS}, {@code {0xb5367df2,0xcbac,0x11cf,{0x95,0xca,0x00,0x80,0x5f,0x48,0xa1,0x92}}}: bytes 0-7. */
    public static final long WSAID_GETACCEPTEXSOCKADDRS_LO = 0x11cfcbacb5367df2L;
    /** {@code WSAID_GETACCEPTEXSOCKADDRS}: bytes 8-15. */
    public static final long WSAID_GETACCEPTEXSOCKADDRS_HI = 0x92a1485f8000ca95L;

    // A GUID is 4-aligned; its halves are read and written as unaligned little-endian longs.
    private static final ValueLayout.OfLong GUID_WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Ws2_32() {
    }

    /**
     * Writes the GUID given as its two words ({@code WSAID_*_LO}, {@code WSAID_*_HI}) into the
     * first 16 bytes of {@code dst}, a {@link #GUID}:
     * {@snippet :
     * MemorySegment guid = arena.allocate(Ws2_32.GUID);
     * Ws2_32.writeGuid(guid, Ws2_32.WSAID_ACCEPTEX_LO, Ws2_32.WSAID_ACCEPTEX_HI);
     * }
     */
    public static void writeGuid(MemorySegment dst, long lo, long hi) {
        dst.set(GUID_WORD, 0, lo);
        dst.set(GUID_WORD, 8, hi);
    }

    /**
     * The bytes of an {@code fd_set} that holds {@code sockets} sockets: the count and an array
     * of that length. Allocate it with {@code FD_SET_LAYOUT.byteAlignment()}.
     */
    public static long fdSetByteSize(int sockets) {
        if (sockets < 0) {
            throw new IllegalArgumentException("negative socket count: " + sockets);
        }
        return FD_SET_LAYOUT_FD_ARRAY_OFFSET + (long) sockets * JAVA_LONG.byteSize();
    }

    /** How many sockets {@code set}, an {@code fd_set} of any size, has room for. */
    public static int fdSetCapacity(MemorySegment set) {
        return (int) ((set.byteSize() - FD_SET_LAYOUT_FD_ARRAY_OFFSET) / JAVA_LONG.byteSize());
    }

    /** {@code set->fd_count}. */
    public static int fdSetCount(MemorySegment set) {
        return set.get(JAVA_INT, FD_SET_LAYOUT_FD_COUNT_OFFSET);
    }

    /** {@code set->fd_count = count}; {@code FD_ZERO(set)} is {@code setFdSetCount(set, 0)}. */
    public static void setFdSetCount(MemorySegment set, int count) {
        set.set(JAVA_INT, FD_SET_LAYOUT_FD_COUNT_OFFSET, count);
    }

    /** {@code set->fd_array[index]}. */
    public static long fdSetSocket(MemorySegment set, int index) {
        return set.get(JAVA_LONG, FD_SET_LAYOUT_FD_ARRAY_OFFSET + (long) index * JAVA_LONG.byteSize());
    }

    /**
     * {@code set->fd_array[index] = s}. Unlike {@code <winsock2.h>}'s {@code FD_SET} macro this
     * neither looks for {@code s} already in the set nor stops at {@link #FD_SETSIZE}: the caller
     * keeps the count, and an index past the segment's end throws.
     */
    public static void setFdSetSocket(MemorySegment set, int index, long s) {
        set.set(JAVA_LONG, FD_SET_LAYOUT_FD_ARRAY_OFFSET + (long) index * JAVA_LONG.byteSize(), s);
    }

    /** Writes a {@link #TIMEVAL}: {@code seconds} must fit in a 32-bit {@code long}. */
    public static void setTimeval(MemorySegment timeval, int seconds, int micros) {
        timeval.set(JAVA_INT, TIMEVAL_TV_SEC_OFFSET, seconds);
        timeval.set(JAVA_INT, TIMEVAL_TV_USEC_OFFSET, micros);
    }

    /**
     * {@code int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);}
     * <p>Returns the error code itself (0 on success); it does not set {@code WSAGetLastError()}.
     * Request version 2.2 as {@code (short) 0x0202}; {@code lpWSAData} is a {@link #WSADATA}.
     */
    public static int WSAStartup(MemorySegment callState, short wVersionRequested, MemorySegment lpWSAData) {
        try {
            return (int) Handles.WSASTARTUP.invokeExact(callState, wVersionRequested, lpWSAData);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int WSACleanup(void);} */
    public static int WSACleanup(MemorySegment callState) {
        try {
            return (int) Handles.WSACLEANUP.invokeExact(callState);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code SOCKET WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags);}
     * <p>{@code lpProtocolInfo} may be {@link MemorySegment#NULL}; returns {@link #INVALID_SOCKET} on failure.
     */
    public static long WSASocketW(MemorySegment callState, int af, int type, int protocol, MemorySegment lpProtocolInfo, int g, int dwFlags) {
        try {
            return (long) Handles.WSASOCKETW.invokeExact(callState, af, type, protocol, lpProtocolInfo, g, dwFlags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int bind(SOCKET s, const struct sockaddr *name, int namelen);} */
    public static int bind(MemorySegment callState, long s, MemorySegment name, int namelen) {
        try {
            return (int) Handles.BIND.invokeExact(callState, s, name, namelen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int listen(SOCKET s, int backlog);} */
    public static int listen(MemorySegment callState, long s, int backlog) {
        try {
            return (int) Handles.LISTEN.invokeExact(callState, s, backlog);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code SOCKET accept(SOCKET s, struct sockaddr *addr, int *addrlen);}
     * <p>{@code addr} and {@code addrlen} may both be {@link MemorySegment#NULL}. The new socket inherits the
     * listening socket's properties, overlapped mode included.
     */
    public static long accept(MemorySegment callState, long s, MemorySegment addr, MemorySegment addrlen) {
        try {
            return (long) Handles.ACCEPT.invokeExact(callState, s, addr, addrlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int connect(SOCKET s, const struct sockaddr *name, int namelen);} */
    public static int connect(MemorySegment callState, long s, MemorySegment name, int namelen) {
        try {
            return (int) Handles.CONNECT.invokeExact(callState, s, name, namelen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int closesocket(SOCKET s);}
     * <p>Cancels the socket's outstanding overlapped operations, which still complete (typically
     * with {@code ERROR_OPERATION_ABORTED}) on the completion port: keep their OVERLAPPED alive until then.
     */
    public static int closesocket(MemorySegment callState, long s) {
        try {
            return (int) Handles.CLOSESOCKET.invokeExact(callState, s);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int shutdown(SOCKET s, int how);} */
    public static int shutdown(MemorySegment callState, long s, int how) {
        try {
            return (int) Handles.SHUTDOWN.invokeExact(callState, s, how);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen);} */
    public static int setsockopt(MemorySegment callState, long s, int level, int optname, MemorySegment optval, int optlen) {
        try {
            return (int) Handles.SETSOCKOPT.invokeExact(callState, s, level, optname, optval, optlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen);} */
    public static int getsockopt(MemorySegment callState, long s, int level, int optname, MemorySegment optval, MemorySegment optlen) {
        try {
            return (int) Handles.GETSOCKOPT.invokeExact(callState, s, level, optname, optval, optlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int getsockname(SOCKET s, struct sockaddr *name, int *namelen);} */
    public static int getsockname(MemorySegment callState, long s, MemorySegment name, MemorySegment namelen) {
        try {
            return (int) Handles.GETSOCKNAME.invokeExact(callState, s, name, namelen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int getpeername(SOCKET s, struct sockaddr *name, int *namelen);} */
    public static int getpeername(MemorySegment callState, long s, MemorySegment name, MemorySegment namelen) {
        try {
            return (int) Handles.GETPEERNAME.invokeExact(callState, s, name, namelen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int ioctlsocket(SOCKET s, long cmd, u_long *argp);}
     * <p>{@code long} and {@code u_long} are 32 bits on Windows. {@link #FIONBIO} with a non-zero
     * {@code *argp} makes the socket non-blocking (it fails while a {@code WSAEventSelect} is active).
     */
    public static int ioctlsocket(MemorySegment callState, long s, int cmd, MemorySegment argp) {
        try {
            return (int) Handles.IOCTLSOCKET.invokeExact(callState, s, cmd, argp);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);}
     * <p>With {@link #SIO_GET_EXTENSION_FUNCTION_POINTER}: {@code lpvInBuffer} holds a {@link #GUID}
     * (see {@link #writeGuid}), {@code lpvOutBuffer} receives the function's address (8 bytes) for {@link MsWsock}.
     */
    public static int WSAIoctl(MemorySegment callState, long s, int dwIoControlCode, MemorySegment lpvInBuffer, int cbInBuffer, MemorySegment lpvOutBuffer, int cbOutBuffer, MemorySegment lpcbBytesReturned, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) Handles.WSAIOCTL.invokeExact(callState, s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);}
     * <p>Overlapped: {@code SOCKET_ERROR} with {@code WSA_IO_PENDING} means started; the buffers, the
     * {@code WSABUF} array's targets and the OVERLAPPED must stay alive until the completion is reaped.
     */
    public static int WSARecv(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesRecvd, MemorySegment lpFlags, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) Handles.WSARECV.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpOverlapped, lpCompletionRoutine);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);} */
    public static int WSASend(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesSent, int dwFlags, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) Handles.WSASEND.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code BOOL WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags);}
     * <p>After a completion reports failure, this translates the OVERLAPPED's NTSTATUS into the
     * Winsock error that {@link WinErrors#wsaLastError} then reads.
     */
    public static int WSAGetOverlappedResult(MemorySegment callState, long s, MemorySegment lpOverlapped, MemorySegment lpcbTransfer, int fWait, MemorySegment lpdwFlags) {
        try {
            return (int) Handles.WSAGETOVERLAPPEDRESULT.invokeExact(callState, s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int recv(SOCKET s, char *buf, int len, int flags);} */
    public static int recv(MemorySegment callState, long s, MemorySegment buf, int len, int flags) {
        try {
            return (int) Handles.RECV.invokeExact(callState, s, buf, len, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code int send(SOCKET s, const char *buf, int len, int flags);} */
    public static int send(MemorySegment callState, long s, MemorySegment buf, int len, int flags) {
        try {
            return (int) Handles.SEND.invokeExact(callState, s, buf, len, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int recvfrom(SOCKET s, char *buf, int len, int flags, struct sockaddr *from, int *fromlen);}
     * <p>One datagram: its length, or {@link #SOCKET_ERROR}. A datagram longer than {@code len} fills
     * {@code buf} and fails with {@code WSAEMSGSIZE}, the rest dropped; {@code from} is filled then
     * too. {@code from} and {@code fromlen} may both be {@link MemorySegment#NULL}; {@code *fromlen}
     * is the room in {@code from} on entry and the address's length on return.
     */
    public static int recvfrom(MemorySegment callState, long s, MemorySegment buf, int len, int flags, MemorySegment from, MemorySegment fromlen) {
        try {
            return (int) Handles.RECVFROM.invokeExact(callState, s, buf, len, flags, from, fromlen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int sendto(SOCKET s, const char *buf, int len, int flags, const struct sockaddr *to, int tolen);}
     * <p>One datagram, whole or not at all: {@code len}, or {@link #SOCKET_ERROR} ({@code WSAEMSGSIZE}
     * for more than the family allows, 65,507 bytes over IPv4). {@code to} is ignored by a connected
     * socket where {@link MemorySegment#NULL} with {@code tolen} 0.
     */
    public static int sendto(MemorySegment callState, long s, MemorySegment buf, int len, int flags, MemorySegment to, int tolen) {
        try {
            return (int) Handles.SENDTO.invokeExact(callState, s, buf, len, flags, to, tolen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);}
     * <p>Overlapped: as {@link #WSARecv}, and {@code lpFrom} and {@code lpFromlen} are written at
     * completion, so they too must stay alive until it is reaped. A datagram longer than the
     * buffers completes with {@code WSAEMSGSIZE} and the buffers filled (see {@link #MSG_PARTIAL}).
     */
    public static int WSARecvFrom(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesRecvd, MemorySegment lpFlags, MemorySegment lpFrom, MemorySegment lpFromlen, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) Handles.WSARECVFROM.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpFromlen, lpOverlapped, lpCompletionRoutine);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);}
     * <p>The buffers are gathered into one datagram. Overlapped: as {@link #WSASend}; {@code lpTo}
     * is read before the call returns.
     */
    public static int WSASendTo(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesSent, int dwFlags, MemorySegment lpTo, int iTolen, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) Handles.WSASENDTO.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpTo, iTolen, lpOverlapped, lpCompletionRoutine);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code WSAEVENT WSACreateEvent(void);}
     * <p>A manual-reset event, initially non-signalled; {@link MemorySegment#NULL} ({@code WSA_INVALID_EVENT}) on failure.
     */
    public static MemorySegment WSACreateEvent(MemorySegment callState) {
        try {
            return (MemorySegment) Handles.WSACREATEEVENT.invokeExact(callState);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL WSACloseEvent(WSAEVENT hEvent);} */
    public static int WSACloseEvent(MemorySegment callState, MemorySegment hEvent) {
        try {
            return (int) Handles.WSACLOSEEVENT.invokeExact(callState, hEvent);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL WSASetEvent(WSAEVENT hEvent);} */
    public static int WSASetEvent(MemorySegment callState, MemorySegment hEvent) {
        try {
            return (int) Handles.WSASETEVENT.invokeExact(callState, hEvent);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /** {@code BOOL WSAResetEvent(WSAEVENT hEvent);} */
    public static int WSAResetEvent(MemorySegment callState, MemorySegment hEvent) {
        try {
            return (int) Handles.WSARESETEVENT.invokeExact(callState, hEvent);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents);}
     * <p>Also makes the socket non-blocking. {@code lNetworkEvents} is a mask of {@code FD_*}; 0 with a
     * NULL event cancels the association.
     */
    public static int WSAEventSelect(MemorySegment callState, long s, MemorySegment hEventObject, int lNetworkEvents) {
        try {
            return (int) Handles.WSAEVENTSELECT.invokeExact(callState, s, hEventObject, lNetworkEvents);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, long lEvent);}
     * <p>Winsock posts {@code wMsg} to {@code hWnd} with {@code wParam} the socket and {@code lParam} one {@code FD_*}
     * event and its error ({@link #WSAGETSELECTEVENT}, {@link #WSAGETSELECTERROR}). Replaces any earlier selection
     * of the socket (messages already posted stay queued); {@code lEvent} 0 cancels. Also makes the socket
     * non-blocking. An accepted socket inherits the listening socket's selection.
     */
    public static int WSAAsyncSelect(MemorySegment callState, long s, MemorySegment hWnd, int wMsg, int lEvent) {
        try {
            return (int) Handles.WSAASYNCSELECT.invokeExact(callState, s, hWnd, wMsg, lEvent);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code DWORD WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents, BOOL fWaitAll, DWORD dwTimeout, BOOL fAlertable);}
     * <p>At most {@link #WSA_MAXIMUM_WAIT_EVENTS} events. Returns {@code WSA_WAIT_EVENT_0 + i},
     * {@link #WSA_WAIT_TIMEOUT} or {@link #WSA_WAIT_FAILED}.
     */
    public static int WSAWaitForMultipleEvents(MemorySegment callState, int cEvents, MemorySegment lphEvents, int fWaitAll, int dwTimeout, int fAlertable) {
        try {
            return (int) Handles.WSAWAITFORMULTIPLEEVENTS.invokeExact(callState, cEvents, lphEvents, fWaitAll, dwTimeout, fAlertable);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents);}
     * <p>Reads and clears the socket's recorded events into a {@link #WSANETWORKEVENTS}, and resets
     * {@code hEventObject} when it is not {@link MemorySegment#NULL}.
     */
    public static int WSAEnumNetworkEvents(MemorySegment callState, long s, MemorySegment hEventObject, MemorySegment lpNetworkEvents) {
        try {
            return (int) Handles.WSAENUMNETWORKEVENTS.invokeExact(callState, s, hEventObject, lpNetworkEvents);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * {@code int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const TIMEVAL *timeout);}
     * <p>{@code nfds} is ignored (kept for Berkeley compatibility). Each set may be
     * {@link MemorySegment#NULL} but not all three: with no socket in any set it fails with
     * {@code WSAEINVAL}. Returns how many sockets are ready over the three sets, 0 on timeout, or
     * {@link #SOCKET_ERROR}; each set is rewritten to hold only its ready sockets. A failed
     * non-blocking {@code connect} is reported in {@code exceptfds}, not {@code writefds}.
     * {@code timeout} {@link MemorySegment#NULL} waits until a socket is ready.
     */
    public static int select(MemorySegment callState, int nfds, MemorySegment readfds, MemorySegment writefds, MemorySegment exceptfds, MemorySegment timeout) {
        try {
            return (int) Handles.SELECT.invokeExact(callState, nfds, readfds, writefds, exceptfds, timeout);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    /**
     * An {@code LPWSAOVERLAPPED_COMPLETION_ROUTINE} that calls {@code target}, of type
     * {@code (int, int, MemorySegment, int)void}, for as long as {@code arena} lives: keep it alive
     * while any operation naming it may still complete. {@code lpOverlapped} arrives as a
     * zero-length segment. The target must never throw (an exception reaching native code ends the JVM).
     */
    public static MemorySegment completionRoutine(MethodHandle target, Arena arena) {
        return Linking.upcall(target, LPWSAOVERLAPPED_COMPLETION_ROUTINE, arena);
    }

    /** Links every function on first use, so that reading the constants and layouts above links nothing. */
    private static final class Handles {
        private static final MethodHandle WSASTARTUP = Linking.ws2_32("WSAStartup", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
        private static final MethodHandle WSACLEANUP = Linking.ws2_32("WSACleanup", FunctionDescriptor.of(JAVA_INT));
        private static final MethodHandle WSASOCKETW = Linking.ws2_32("WSASocketW", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle BIND = Linking.ws2_32("bind", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        private static final MethodHandle LISTEN = Linking.ws2_32("listen", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        private static final MethodHandle ACCEPT = Linking.ws2_32("accept", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
        private static final MethodHandle CONNECT = Linking.ws2_32("connect", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        private static final MethodHandle CLOSESOCKET = Linking.ws2_32("closesocket", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        private static final MethodHandle SHUTDOWN = Linking.ws2_32("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        private static final MethodHandle SETSOCKOPT = Linking.ws2_32("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle GETSOCKOPT = Linking.ws2_32("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle GETSOCKNAME = Linking.ws2_32("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        private static final MethodHandle GETPEERNAME = Linking.ws2_32("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        private static final MethodHandle IOCTLSOCKET = Linking.ws2_32("ioctlsocket", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
        private static final MethodHandle WSAIOCTL = Linking.ws2_32("WSAIoctl", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        private static final MethodHandle WSARECV = Linking.ws2_32("WSARecv", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        private static final MethodHandle WSASEND = Linking.ws2_32("WSASend", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle WSAGETOVERLAPPEDRESULT = Linking.ws2_32("WSAGetOverlappedResult", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        private static final MethodHandle RECV = Linking.ws2_32("recv", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle SEND = Linking.ws2_32("send", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle RECVFROM = Linking.ws2_32("recvfrom", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle SENDTO = Linking.ws2_32("sendto", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle WSARECVFROM = Linking.ws2_32("WSARecvFrom", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        private static final MethodHandle WSASENDTO = Linking.ws2_32("WSASendTo", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle WSACREATEEVENT = Linking.ws2_32("WSACreateEvent", FunctionDescriptor.of(ADDRESS));
        private static final MethodHandle WSACLOSEEVENT = Linking.ws2_32("WSACloseEvent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        private static final MethodHandle WSASETEVENT = Linking.ws2_32("WSASetEvent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        private static final MethodHandle WSARESETEVENT = Linking.ws2_32("WSAResetEvent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        private static final MethodHandle WSAEVENTSELECT = Linking.ws2_32("WSAEventSelect", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        private static final MethodHandle WSAASYNCSELECT = Linking.ws2_32("WSAAsyncSelect", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));
        private static final MethodHandle WSAWAITFORMULTIPLEEVENTS = Linking.ws2_32("WSAWaitForMultipleEvents", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle SELECT = Linking.ws2_32("select", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        private static final MethodHandle WSAENUMNETWORKEVENTS = Linking.ws2_32("WSAEnumNetworkEvents", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    }
}
