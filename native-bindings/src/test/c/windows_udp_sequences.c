/*
 * Runs, with real UDP sockets on loopback, the exact Winsock call sequences of the Windows
 * backends' datagram sockets, and prints one line per observed outcome for
 * WindowsUdpSequencesTest (compiled with MinGW-w64, run under Wine, or natively on Windows):
 *
 *   completion models (OverlappedPort, shared by iocp, overlapped-events, overlapped-routines):
 *   an overlapped WSARecvFrom whose sender address and its length live in the operation's memory
 *   beside the OVERLAPPED, and an overlapped WSASendTo, completed through an I/O completion port
 *   (GetQueuedCompletionStatusEx), through an event in hEvent read with WSAGetOverlappedResult,
 *   and through a completion routine run by an alertable SleepEx;
 *
 *   readiness models (eventselect, winsock-select, asyncselect): non-blocking recvfrom/sendto
 *   after WSAEventSelect(FD_READ | FD_WRITE), one datagram per call;
 *
 * and, on each path, a datagram longer than the buffer (how the truncation is reported), the
 * largest IPv4 datagram, SIO_UDP_CONNRESET on unconnected sockets and the port-unreachable error of
 * connected ones, multicast join/leave on loopback, and the socket options the backends set.
 *
 * A line starting "FAIL" means a step did not behave as the backends assume; the exit status is
 * then 1. Outcomes that differ between Windows and Wine are printed, not failed, and the test
 * allows both.
 */

#define __USE_MINGW_ANSI_STDIO 1

#include "netloop_windows.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void say(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
}

static void check(int ok, const char *what) {
    if (!ok) {
        failures++;
        say("FAIL %s (WSAGetLastError %d, GetLastError %lu)", what, WSAGetLastError(), (unsigned long) GetLastError());
    }
}

static const char *error_name(int e) {
    switch (e) {
        case 0: return "0";
        case WSAEMSGSIZE: return "WSAEMSGSIZE";
        case WSAECONNRESET: return "WSAECONNRESET";
        case WSAECONNREFUSED: return "WSAECONNREFUSED";
        case WSAEWOULDBLOCK: return "WSAEWOULDBLOCK";
        case WSAEINVAL: return "WSAEINVAL";
        case WSAENOTSOCK: return "WSAENOTSOCK";
        case WSAEADDRINUSE: return "WSAEADDRINUSE";
        case WSAEACCES: return "WSAEACCES";
        case WSAENETUNREACH: return "WSAENETUNREACH";
        case WSAEHOSTUNREACH: return "WSAEHOSTUNREACH";
        case WSAENOPROTOOPT: return "WSAENOPROTOOPT";
        case WSAEADDRNOTAVAIL: return "WSAEADDRNOTAVAIL";
        case WSAEOPNOTSUPP: return "WSAEOPNOTSUPP";
        case WSA_OPERATION_ABORTED: return "WSA_OPERATION_ABORTED";
        case ERROR_PORT_UNREACHABLE: return "ERROR_PORT_UNREACHABLE";
        case ERROR_MORE_DATA: return "ERROR_MORE_DATA";
        default: {
            static char buffer[32];
            snprintf(buffer, sizeof(buffer), "error %d", e);
            return buffer;
        }
    }
}

/* Where the NTSTATUS in OVERLAPPED.Internal says a completion ended (the IOCP port reads it first). */
static const char *status_name(ULONG_PTR internal) {
    LONG status = (LONG) (DWORD) internal;
    switch ((DWORD) status) {
        case 0x00000000: return "STATUS_SUCCESS";
        case 0x80000005: return "STATUS_BUFFER_OVERFLOW";
        case 0xC0000120: return "STATUS_CANCELLED";
        case 0xC000023F: return "STATUS_PORT_UNREACHABLE";
        case 0xC000020D: return "STATUS_CONNECTION_RESET";
        case 0xC0000236: return "STATUS_CONNECTION_REFUSED";
        case 0xC0000008: return "STATUS_INVALID_HANDLE";
        case 0xC000000D: return "STATUS_INVALID_PARAMETER";
        default: {
            static char buffer[32];
            snprintf(buffer, sizeof(buffer), "0x%08lx", (unsigned long) (DWORD) status);
            return buffer;
        }
    }
}

static struct sockaddr_in loopback(u_short port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

static u_short port_of(SOCKET s) {
    struct sockaddr_storage a;
    int length = sizeof(a);
    check(getsockname(s, (struct sockaddr *) &a, &length) == 0, "getsockname");
    return ntohs(a.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &a)->sin6_port : ((struct sockaddr_in *) &a)->sin_port);
}

/* An overlapped datagram socket bound to 127.0.0.1 and an ephemeral port, as OverlappedPort opens one. */
static SOCKET udp_socket(void) {
    SOCKET s = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    check(s != INVALID_SOCKET, "WSASocketW(SOCK_DGRAM)");
    struct sockaddr_in a = loopback(0);
    check(bind(s, (struct sockaddr *) &a, sizeof(a)) == 0, "bind");
    return s;
}

/* SIO_UDP_CONNRESET with a BOOL: FALSE stops reporting ICMP port unreachable as WSAECONNRESET. */
static int udp_connreset(SOCKET s, BOOL on) {
    DWORD returned = 0;
    int rc = WSAIoctl(s, SIO_UDP_CONNRESET, &on, sizeof(on), NULL, 0, &returned, NULL, NULL);
    return rc == 0 ? 0 : WSAGetLastError();
}

/* A port nobody listens on: bound once, then closed. */
static u_short closed_port(void) {
    SOCKET s = udp_socket();
    u_short port = port_of(s);
    closesocket(s);
    return port;
}

/*
 * One operation's memory, as the ports lay it out: the OVERLAPPED first, then what the call
 * needs, which must stay valid until the completion is reaped (the WSABUF, the flags DWORD, the
 * sender's address and its length for WSARecvFrom, the target address for WSASendTo).
 */
typedef struct {
    OVERLAPPED overlapped;
    WSABUF buf;
    DWORD flags;
    struct sockaddr_storage from;
    INT fromlen;
    const char *name;
    int routine_ran;
    DWORD routine_error;
    DWORD routine_bytes;
    DWORD routine_flags;
    char data[65536];
} operation;

static operation recv_op, send_op;

static void prepare(operation *op, WSAEVENT event, const char *name) {
    memset(&op->overlapped, 0, sizeof(op->overlapped));
    op->overlapped.hEvent = event;
    if (event != NULL) {
        WSAResetEvent(event);
    }
    op->name = name;
    op->routine_ran = 0;
}

static void started(const char *what, int rc) {
    int error = rc == 0 ? 0 : WSAGetLastError();
    say("%s: %s", what, rc == 0 ? "completed at once" : error == WSA_IO_PENDING ? "pending" : error_name(error));
    check(rc == 0 || error == WSA_IO_PENDING, what);
}

static void post_receive_from(SOCKET s, operation *op, ULONG capacity, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, const char *what) {
    op->buf.len = capacity;
    op->buf.buf = op->data;
    op->flags = 0;
    op->fromlen = sizeof(op->from);
    memset(&op->from, 0, sizeof(op->from));
    memset(op->data, 0, 64);
    started(what, WSARecvFrom(s, &op->buf, 1, NULL, &op->flags, (struct sockaddr *) &op->from, &op->fromlen,
                              &op->overlapped, routine));
}

/*
 * A receive posted while a datagram longer than its buffer already waits: WSARecvFrom returns
 * SOCKET_ERROR with WSAEMSGSIZE at once, the buffer filled. Whether its completion (packet, event,
 * routine) still follows is what the caller then looks for: it does where the NT status is a
 * warning (STATUS_BUFFER_OVERFLOW), as for any operation that did not fail with an error.
 */
static void post_receive_from_waiting(SOCKET s, operation *op, ULONG capacity, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                      const char *what) {
    op->buf.len = capacity;
    op->buf.buf = op->data;
    op->flags = 0;
    op->fromlen = sizeof(op->from);
    memset(&op->from, 0, sizeof(op->from));
    memset(op->data, 0, 64);
    int rc = WSARecvFrom(s, &op->buf, 1, NULL, &op->flags, (struct sockaddr *) &op->from, &op->fromlen, &op->overlapped, routine);
    int error = rc == 0 ? 0 : WSAGetLastError();
    say("%s: %s, buffer '%.8s'", what, rc == 0 ? "completed at once" : error == WSA_IO_PENDING ? "pending" : error_name(error), op->data);
}

static void post_send_to(SOCKET s, operation *op, const char *text, ULONG length, const struct sockaddr_in *to,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, const char *what) {
    if (text != NULL) {
        memcpy(op->data, text, length);
    }
    op->buf.len = length;
    op->buf.buf = op->data;
    started(what, WSASendTo(s, &op->buf, 1, NULL, 0, (const struct sockaddr *) to, sizeof(*to), &op->overlapped, routine));
}

/* "sender 127.0.0.1:<port> (the sending socket: yes)" from a received sockaddr. */
static void print_sender(const char *mode, const struct sockaddr_storage *from, INT fromlen, u_short expected_port) {
    if (from->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *) from;
        say("%s: sender family AF_INET, length %d, address %s, the sending socket: %s", mode, fromlen,
            ntohl(a->sin_addr.s_addr) == INADDR_LOOPBACK ? "127.0.0.1" : "other",
            ntohs(a->sin_port) == expected_port ? "yes" : "no");
    } else if (from->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *) from;
        static const unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
        static const unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        say("%s: sender family AF_INET6, length %d, address %s, the sending socket: %s", mode, fromlen,
            memcmp(&a->sin6_addr, mapped, 16) == 0 ? "::ffff:127.0.0.1" : memcmp(&a->sin6_addr, one, 16) == 0 ? "::1" : "other",
            ntohs(a->sin6_port) == expected_port ? "yes" : "no");
    } else {
        say("%s: sender family %d, length %d", mode, from->ss_family, fromlen);
    }
}

/* ---- iocp ---- */

static HANDLE port;

/* Reaps until `count` packets arrived (or 5 s); prints each as IocpPort sees it: status, bytes, then Winsock's word. */
static void reap(SOCKET s, int count) {
    OVERLAPPED_ENTRY entries[8];
    int seen = 0;
    while (seen < count) {
        ULONG removed = 0;
        if (!GetQueuedCompletionStatusEx(port, entries, 8, &removed, 5000, FALSE)) {
            check(0, "GetQueuedCompletionStatusEx");
            return;
        }
        for (ULONG i = 0; i < removed; i++, seen++) {
            operation *op = (operation *) entries[i].lpOverlapped;
            say("iocp: %s packet: status %s, %lu bytes", op->name, status_name(op->overlapped.Internal),
                (unsigned long) entries[i].dwNumberOfBytesTransferred);
            if ((LONG) (DWORD) op->overlapped.Internal < 0) {
                DWORD bytes = 0, flags = 0;
                BOOL ok = WSAGetOverlappedResult(s, &op->overlapped, &bytes, FALSE, &flags);
                say("iocp: %s WSAGetOverlappedResult: %s, %lu bytes, flags 0x%lx", op->name,
                    ok ? "ok" : error_name(WSAGetLastError()), (unsigned long) bytes, (unsigned long) flags);
            }
        }
    }
}

static void iocp(void) {
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    check(port != NULL, "CreateIoCompletionPort");
    SOCKET a = udp_socket(), b = udp_socket();
    u_short a_port = port_of(a);
    struct sockaddr_in to_b = loopback(port_of(b));
    for (int i = 0; i < 2; i++) {
        SOCKET s = i == 0 ? a : b;
        check(CreateIoCompletionPort((HANDLE) s, port, 0, 0) == port, "CreateIoCompletionPort(socket)");
        check(SetFileCompletionNotificationModes((HANDLE) s, FILE_SKIP_SET_EVENT_ON_HANDLE), "SetFileCompletionNotificationModes");
    }
    say("iocp: SIO_UDP_CONNRESET FALSE on an unconnected socket: %s", error_name(udp_connreset(b, FALSE)));

    prepare(&recv_op, NULL, "recv");
    post_receive_from(b, &recv_op, 64, NULL, "iocp: WSARecvFrom");
    prepare(&send_op, NULL, "send");
    post_send_to(a, &send_op, "hello", 5, &to_b, NULL, "iocp: WSASendTo");
    reap(b, 2);
    say("iocp: received '%s'", recv_op.data);
    print_sender("iocp", &recv_op.from, recv_op.fromlen, a_port);

    /* Longer than the buffer: 20 bytes into 8. */
    prepare(&recv_op, NULL, "recv truncated");
    post_receive_from(b, &recv_op, 8, NULL, "iocp: WSARecvFrom(8 bytes)");
    prepare(&send_op, NULL, "send 20");
    post_send_to(a, &send_op, "0123456789abcdefghij", 20, &to_b, NULL, "iocp: WSASendTo(20 bytes)");
    reap(b, 2);
    say("iocp: truncated receive holds '%.8s', sender known: %s", recv_op.data,
        recv_op.from.ss_family == AF_INET && ntohs(((struct sockaddr_in *) &recv_op.from)->sin_port) == a_port ? "yes" : "no");
    /* The rest of that datagram is gone: the next receive gets the next datagram. */
    prepare(&recv_op, NULL, "recv after truncation");
    post_receive_from(b, &recv_op, 64, NULL, "iocp: WSARecvFrom");
    prepare(&send_op, NULL, "send next");
    post_send_to(a, &send_op, "next", 4, &to_b, NULL, "iocp: WSASendTo");
    reap(b, 2);
    say("iocp: the next receive read '%s'", recv_op.data);

    /* The same with the datagram already there when the receive is posted. */
    prepare(&send_op, NULL, "send 20 first");
    post_send_to(a, &send_op, "0123456789abcdefghij", 20, &to_b, NULL, "iocp: WSASendTo(20 bytes) before the receive");
    reap(a, 1);
    Sleep(100);
    prepare(&recv_op, NULL, "recv waiting truncated");
    post_receive_from_waiting(b, &recv_op, 8, NULL, "iocp: WSARecvFrom(8 bytes) with 20 waiting");
    {
        OVERLAPPED_ENTRY entry;
        ULONG removed = 0;
        BOOL got = GetQueuedCompletionStatusEx(port, &entry, 1, &removed, 1000, FALSE) && removed == 1;
        say("iocp: its packet came: %s%s, %lu bytes", got ? "yes, status " : "no",
            got ? status_name(((OVERLAPPED *) entry.lpOverlapped)->Internal) : "", got ? (unsigned long) entry.dwNumberOfBytesTransferred : 0UL);
    }

    /* The largest IPv4 datagram: 65,535 - 20 (IP) - 8 (UDP) = 65,507 bytes; one more is refused at once. */
    memset(send_op.data, 'x', 65508);
    prepare(&recv_op, NULL, "recv 65507");
    post_receive_from(b, &recv_op, 65535, NULL, "iocp: WSARecvFrom(65535 bytes)");
    prepare(&send_op, NULL, "send 65507");
    post_send_to(a, &send_op, NULL, 65507, &to_b, NULL, "iocp: WSASendTo(65507 bytes)");
    reap(b, 2);
    prepare(&send_op, NULL, "send 65508");
    send_op.buf.len = 65508;
    int rc = WSASendTo(a, &send_op.buf, 1, NULL, 0, (const struct sockaddr *) &to_b, sizeof(to_b), &send_op.overlapped, NULL);
    int error = rc == 0 ? 0 : WSAGetLastError();
    say("iocp: WSASendTo(65508 bytes): %s", rc == 0 ? "completed at once" : error == WSA_IO_PENDING ? "pending" : error_name(error));
    if (rc == 0 || error == WSA_IO_PENDING) {
        reap(a, 1); /* started after all: its packet says how it ended */
    } else {
        /*
         * Refused at once: Windows documents that no completion follows. Wine queues one anyway
         * (STATUS_BUFFER_OVERFLOW is an NT warning, and warnings complete): the backends never
         * issue a datagram longer than its family allows, so neither outcome reaches them.
         */
        OVERLAPPED_ENTRY entry;
        ULONG removed = 0;
        BOOL got = GetQueuedCompletionStatusEx(port, &entry, 1, &removed, 500, FALSE) && removed == 1;
        say("iocp: a packet for the refused WSASendTo came anyway: %s%s%s", got ? "yes, status " : "no",
            got ? status_name(((OVERLAPPED *) entry.lpOverlapped)->Internal) : "", "");
    }

    /* A connected socket: WSASendTo with no address, completed through the port. */
    {
        SOCKET c = udp_socket();
        check(CreateIoCompletionPort((HANDLE) c, port, 0, 0) == port, "CreateIoCompletionPort(socket)");
        check(connect(c, (const struct sockaddr *) &to_b, sizeof(to_b)) == 0, "connect(SOCK_DGRAM)");
        prepare(&recv_op, NULL, "recv from connected");
        post_receive_from(b, &recv_op, 64, NULL, "iocp: WSARecvFrom");
        prepare(&send_op, NULL, "connected send");
        memcpy(send_op.data, "conn", 4);
        send_op.buf.len = 4;
        send_op.buf.buf = send_op.data;
        started("iocp: connected WSASendTo with no address",
                WSASendTo(c, &send_op.buf, 1, NULL, 0, NULL, 0, &send_op.overlapped, NULL));
        reap(b, 2);
        say("iocp: received '%s' from the connected socket", recv_op.data);
        closesocket(c);
    }

    /* Cancel a posted receive, then close with one posted. */
    prepare(&recv_op, NULL, "recv cancelled");
    post_receive_from(b, &recv_op, 64, NULL, "iocp: WSARecvFrom");
    check(CancelIoEx((HANDLE) b, &recv_op.overlapped), "CancelIoEx");
    reap(b, 1);
    prepare(&recv_op, NULL, "recv closed");
    post_receive_from(b, &recv_op, 64, NULL, "iocp: WSARecvFrom");
    closesocket(b);
    reap(b, 1);
    closesocket(a);
    say("iocp: closed");
}

/* ---- overlapped-events ---- */

static void result_after_event(SOCKET s, operation *op) {
    DWORD bytes = 0, flags = 0;
    if (WSAGetOverlappedResult(s, &op->overlapped, &bytes, FALSE, &flags)) {
        say("events: %s completed: ok, %lu bytes, flags 0x%lx", op->name, (unsigned long) bytes, (unsigned long) flags);
    } else {
        say("events: %s completed: %s, %lu bytes, flags 0x%lx", op->name, error_name(WSAGetLastError()), (unsigned long) bytes,
            (unsigned long) flags);
    }
}

static void wait_all(WSAEVENT *events, DWORD count) {
    DWORD rc = WSAWaitForMultipleEvents(count, events, TRUE, 5000, FALSE);
    check(rc < WSA_WAIT_EVENT_0 + count, "WSAWaitForMultipleEvents(wait all)");
}

static void events(void) {
    SOCKET a = udp_socket(), b = udp_socket();
    u_short a_port = port_of(a);
    struct sockaddr_in to_b = loopback(port_of(b));
    udp_connreset(b, FALSE);
    WSAEVENT ev[2] = {WSACreateEvent(), WSACreateEvent()};

    prepare(&recv_op, ev[0], "recv");
    post_receive_from(b, &recv_op, 64, NULL, "events: WSARecvFrom");
    prepare(&send_op, ev[1], "send");
    post_send_to(a, &send_op, "hello", 5, &to_b, NULL, "events: WSASendTo");
    wait_all(ev, 2);
    result_after_event(a, &send_op);
    result_after_event(b, &recv_op);
    say("events: received '%s'", recv_op.data);
    print_sender("events", &recv_op.from, recv_op.fromlen, a_port);

    prepare(&recv_op, ev[0], "recv truncated");
    post_receive_from(b, &recv_op, 8, NULL, "events: WSARecvFrom(8 bytes)");
    prepare(&send_op, ev[1], "send 20");
    post_send_to(a, &send_op, "0123456789abcdefghij", 20, &to_b, NULL, "events: WSASendTo(20 bytes)");
    wait_all(ev, 2);
    result_after_event(a, &send_op);
    say("events: recv truncated status %s", status_name(recv_op.overlapped.Internal));
    result_after_event(b, &recv_op);
    say("events: truncated receive holds '%.8s'", recv_op.data);

    prepare(&send_op, ev[1], "send 20 first");
    post_send_to(a, &send_op, "0123456789abcdefghij", 20, &to_b, NULL, "events: WSASendTo(20 bytes) before the receive");
    wait_all(ev + 1, 1);
    Sleep(100);
    prepare(&recv_op, ev[0], "recv waiting truncated");
    post_receive_from_waiting(b, &recv_op, 8, NULL, "events: WSARecvFrom(8 bytes) with 20 waiting");
    say("events: its event was signalled: %s", WSAWaitForMultipleEvents(1, ev, FALSE, 1000, FALSE) == WSA_WAIT_EVENT_0 ? "yes" : "no");
    result_after_event(b, &recv_op);

    check(closesocket(a) == 0 && closesocket(b) == 0, "closesocket");
    WSACloseEvent(ev[0]);
    WSACloseEvent(ev[1]);
    say("events: closed");
}

/* ---- overlapped-routines ---- */

static void CALLBACK routine(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags) {
    operation *op = (operation *) lpOverlapped;
    op->routine_ran++;
    op->routine_error = dwError;
    op->routine_bytes = cbTransferred;
    op->routine_flags = dwFlags;
}

static void run_routines(SOCKET s, operation **ops, int count) {
    for (int round = 0; round < 50; round++) {
        int done = 1;
        for (int i = 0; i < count; i++) {
            done &= ops[i]->routine_ran > 0;
        }
        if (done) {
            break;
        }
        DWORD rc = SleepEx(5000, TRUE);
        check(rc == WAIT_IO_COMPLETION, "SleepEx(alertable) ends with WAIT_IO_COMPLETION");
    }
    for (int i = 0; i < count; i++) {
        operation *op = ops[i];
        say("routines: %s routine ran %d time(s): dwError %s, %lu bytes, dwFlags 0x%lx", op->name, op->routine_ran,
            error_name((int) op->routine_error), (unsigned long) op->routine_bytes, (unsigned long) op->routine_flags);
        if (op->routine_error != 0) {
            DWORD bytes = 0, flags = 0;
            BOOL ok = WSAGetOverlappedResult(s, &op->overlapped, &bytes, FALSE, &flags);
            say("routines: %s WSAGetOverlappedResult: %s, %lu bytes", op->name, ok ? "ok" : error_name(WSAGetLastError()),
                (unsigned long) bytes);
        }
    }
}

static void routines(void) {
    SOCKET a = udp_socket(), b = udp_socket();
    u_short a_port = port_of(a);
    struct sockaddr_in to_b = loopback(port_of(b));
    udp_connreset(b, FALSE);
    operation *both[2] = {&recv_op, &send_op};

    prepare(&recv_op, NULL, "recv");
    post_receive_from(b, &recv_op, 64, routine, "routines: WSARecvFrom");
    prepare(&send_op, NULL, "send");
    post_send_to(a, &send_op, "ping", 4, &to_b, routine, "routines: WSASendTo");
    run_routines(b, both, 2);
    say("routines: received '%s'", recv_op.data);
    print_sender("routines", &recv_op.from, recv_op.fromlen, a_port);

    prepare(&recv_op, NULL, "recv truncated");
    post_receive_from(b, &recv_op, 8, routine, "routines: WSARecvFrom(8 bytes)");
    prepare(&send_op, NULL, "send 20");
    post_send_to(a, &send_op, "0123456789abcdefghij", 20, &to_b, routine, "routines: WSASendTo(20 bytes)");
    run_routines(b, both, 2);
    say("routines: truncated receive holds '%.8s'", recv_op.data);

    prepare(&send_op, NULL, "send 20 first");
    post_send_to(a, &send_op, "0123456789abcdefghij", 20, &to_b, routine, "routines: WSASendTo(20 bytes) before the receive");
    operation *one[1] = {&send_op};
    run_routines(a, one, 1);
    Sleep(100);
    prepare(&recv_op, NULL, "recv waiting truncated");
    post_receive_from_waiting(b, &recv_op, 8, routine, "routines: WSARecvFrom(8 bytes) with 20 waiting");
    SleepEx(1000, TRUE);
    say("routines: its routine ran: %d time(s), dwError %s, %lu bytes", recv_op.routine_ran, error_name((int) recv_op.routine_error),
        (unsigned long) recv_op.routine_bytes);

    check(closesocket(a) == 0 && closesocket(b) == 0, "closesocket");
    say("routines: closed");
}

/* ---- readiness: WSAEventSelect, then non-blocking recvfrom/sendto ---- */

static long network_events(SOCKET s, WSAEVENT e, DWORD timeout) {
    WSAWaitForMultipleEvents(1, &e, FALSE, timeout, FALSE);
    WSANETWORKEVENTS ne;
    check(WSAEnumNetworkEvents(s, e, &ne) == 0, "WSAEnumNetworkEvents");
    return ne.lNetworkEvents;
}

static void readiness(void) {
    SOCKET a = udp_socket(), b = udp_socket();
    u_short a_port = port_of(a);
    struct sockaddr_in to_b = loopback(port_of(b));
    say("readiness: SIO_UDP_CONNRESET FALSE: %s", error_name(udp_connreset(b, FALSE)));
    WSAEVENT ea = WSACreateEvent(), eb = WSACreateEvent();
    check(WSAEventSelect(a, ea, FD_READ | FD_WRITE) == 0 && WSAEventSelect(b, eb, FD_READ | FD_WRITE) == 0, "WSAEventSelect");
    long ev = network_events(a, ea, 1000);
    say("readiness: a new socket reports FD_WRITE: %s, FD_READ: %s", ev & FD_WRITE ? "yes" : "no", ev & FD_READ ? "yes" : "no");
    network_events(b, eb, 0);

    char buffer[65536];
    struct sockaddr_storage from;
    int fromlen = sizeof(from);
    int n = recvfrom(b, buffer, sizeof(buffer), 0, (struct sockaddr *) &from, &fromlen);
    say("readiness: recvfrom with nothing there: %s", n >= 0 ? "data" : error_name(WSAGetLastError()));

    n = sendto(a, "hello", 5, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    say("readiness: sendto: %d bytes", n);
    ev = network_events(b, eb, 5000);
    say("readiness: the receiver reports FD_READ: %s", ev & FD_READ ? "yes" : "no");
    fromlen = sizeof(from);
    n = recvfrom(b, buffer, sizeof(buffer), 0, (struct sockaddr *) &from, &fromlen);
    say("readiness: recvfrom: %d bytes '%.*s'", n, n > 0 ? n : 0, buffer);
    print_sender("readiness", &from, fromlen, a_port);
    fromlen = sizeof(from);
    n = recvfrom(b, buffer, sizeof(buffer), 0, (struct sockaddr *) &from, &fromlen);
    say("readiness: recvfrom again: %s", n >= 0 ? "data" : error_name(WSAGetLastError()));

    /* Two datagrams, then FD_READ: each recvfrom takes one, boundaries kept. */
    sendto(a, "one", 3, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    sendto(a, "two!", 4, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    ev = network_events(b, eb, 5000);
    Sleep(50);
    int first = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    int second = recvfrom(b, buffer + 100, sizeof(buffer) - 100, 0, NULL, NULL);
    say("readiness: two datagrams read as %d and %d bytes", first, second);

    /* Longer than the buffer: 20 bytes into 8. */
    sendto(a, "0123456789abcdefghij", 20, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    ev = network_events(b, eb, 5000);
    say("readiness: FD_READ before the truncated read: %s", ev & FD_READ ? "yes" : "no");
    memset(buffer, 0, 64);
    memset(&from, 0, sizeof(from));
    fromlen = sizeof(from);
    n = recvfrom(b, buffer, 8, 0, (struct sockaddr *) &from, &fromlen);
    int e = n < 0 ? WSAGetLastError() : 0;
    say("readiness: recvfrom(8 bytes) of a 20-byte datagram: %s, buffer '%.8s', sender known: %s", n >= 0 ? "returned bytes" : error_name(e),
        buffer, from.ss_family == AF_INET && ntohs(((struct sockaddr_in *) &from)->sin_port) == a_port ? "yes" : "no");
    n = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    say("readiness: after the truncated read: %s", n >= 0 ? "more data" : error_name(WSAGetLastError()));

    /* The largest IPv4 datagram, and one byte more. */
    memset(buffer, 'x', sizeof(buffer));
    n = sendto(a, buffer, 65507, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    say("readiness: sendto(65507 bytes): %d", n);
    network_events(b, eb, 5000);
    n = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    say("readiness: recvfrom: %d bytes", n);
    n = sendto(a, buffer, 65508, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    say("readiness: sendto(65508 bytes): %s", n >= 0 ? "sent" : error_name(WSAGetLastError()));

    /* select, as winsock-select waits: the receiver is readable once a datagram is queued. */
    sendto(a, "sel", 3, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(b, &readable);
    TIMEVAL timeout = {5, 0};
    n = select(0, &readable, NULL, NULL, &timeout);
    say("readiness: select reports the receiver readable: %s", n == 1 && FD_ISSET(b, &readable) ? "yes" : "no");
    n = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    say("readiness: recvfrom after select: %d bytes", n);

    /*
     * What WinDatagramSocket calls: the WSA forms without an OVERLAPPED, the buffer in a WSABUF.
     * Same outcomes as recvfrom/sendto on a non-blocking socket.
     */
    WSABUF wsabuf;
    DWORD bytes = 0, flags = 0;
    wsabuf.buf = buffer;
    wsabuf.len = 5;
    memcpy(buffer, "wsato", 5);
    int rc = WSASendTo(a, &wsabuf, 1, &bytes, 0, (const struct sockaddr *) &to_b, sizeof(to_b), NULL, NULL);
    say("readiness: WSASendTo without OVERLAPPED: %s, %lu bytes", rc == 0 ? "ok" : error_name(WSAGetLastError()), (unsigned long) bytes);
    network_events(b, eb, 5000);
    wsabuf.len = 64;
    fromlen = sizeof(from);
    memset(buffer, 0, 64);
    rc = WSARecvFrom(b, &wsabuf, 1, &bytes, &flags, (struct sockaddr *) &from, &fromlen, NULL, NULL);
    say("readiness: WSARecvFrom without OVERLAPPED: %s, %lu bytes '%s'", rc == 0 ? "ok" : error_name(WSAGetLastError()),
        (unsigned long) bytes, buffer);
    print_sender("readiness", &from, fromlen, a_port);
    rc = WSARecvFrom(b, &wsabuf, 1, &bytes, &flags, (struct sockaddr *) &from, &fromlen, NULL, NULL);
    say("readiness: WSARecvFrom again: %s", rc == 0 ? "data" : error_name(WSAGetLastError()));
    sendto(a, "0123456789abcdefghij", 20, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    network_events(b, eb, 5000);
    wsabuf.len = 8;
    bytes = 12345;
    fromlen = sizeof(from);
    memset(&from, 0, sizeof(from));
    memset(buffer, 0, 64);
    rc = WSARecvFrom(b, &wsabuf, 1, &bytes, &flags, (struct sockaddr *) &from, &fromlen, NULL, NULL);
    e = rc == 0 ? 0 : WSAGetLastError();
    say("readiness: WSARecvFrom(8 bytes) of a 20-byte datagram: %s, buffer '%.8s', sender known: %s", rc == 0 ? "ok" : error_name(e),
        buffer, from.ss_family == AF_INET && ntohs(((struct sockaddr_in *) &from)->sin_port) == a_port ? "yes" : "no");
    say("readiness: its byte count: %lu", (unsigned long) bytes);

    /* A connected socket sends with no address (lpTo NULL), as both kinds of backend do. */
    check(connect(a, (const struct sockaddr *) &to_b, sizeof(to_b)) == 0, "connect(SOCK_DGRAM)");
    memcpy(buffer, "conn", 4);
    wsabuf.len = 4;
    rc = WSASendTo(a, &wsabuf, 1, &bytes, 0, NULL, 0, NULL, NULL);
    say("readiness: connected WSASendTo with no address: %s, %lu bytes", rc == 0 ? "ok" : error_name(WSAGetLastError()), (unsigned long) bytes);
    network_events(b, eb, 5000);
    n = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    say("readiness: the peer received %d bytes", n);

    closesocket(a);
    closesocket(b);
    WSACloseEvent(ea);
    WSACloseEvent(eb);
    say("readiness: closed");
}

/* ---- asyncselect: WSAAsyncSelect(FD_READ | FD_WRITE) on a message-only window ---- */

#define UDP_MESSAGE (WM_USER + 7)
static int async_read, async_write;

static LRESULT CALLBACK udp_window(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam) {
    if (msg == UDP_MESSAGE) {
        (void) wParam;
        if (WSAGETSELECTEVENT(lParam) == FD_READ) {
            async_read++;
        } else if (WSAGETSELECTEVENT(lParam) == FD_WRITE) {
            async_write++;
        }
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wParam, lParam);
}

static void pump(DWORD millis) {
    DWORD until = GetTickCount() + millis;
    MSG m;
    while ((LONG) (until - GetTickCount()) > 0) {
        MsgWaitForMultipleObjectsEx(0, NULL, 20, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
        while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) {
            DispatchMessageW(&m);
        }
    }
}

static void asyncselect(void) {
    WNDCLASSEXW cls = {0};
    cls.cbSize = sizeof(cls);
    cls.lpfnWndProc = udp_window;
    cls.hInstance = GetModuleHandleW(NULL);
    cls.lpszClassName = L"netloop-udp-sequence";
    check(RegisterClassExW(&cls) != 0, "RegisterClassExW");
    HWND window = CreateWindowExW(0, L"netloop-udp-sequence", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, cls.hInstance, NULL);
    check(window != NULL, "CreateWindowExW(HWND_MESSAGE)");

    SOCKET a = udp_socket(), b = udp_socket();
    struct sockaddr_in to_b = loopback(port_of(b));
    udp_connreset(b, FALSE);
    check(WSAAsyncSelect(b, window, UDP_MESSAGE, FD_READ | FD_WRITE) == 0, "WSAAsyncSelect");
    pump(300);
    say("asyncselect: a new socket posts FD_WRITE: %s, FD_READ: %s", async_write > 0 ? "yes" : "no", async_read > 0 ? "yes" : "no");
    sendto(a, "one", 3, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    sendto(a, "two!", 4, 0, (const struct sockaddr *) &to_b, sizeof(to_b));
    Sleep(100);
    pump(300);
    say("asyncselect: FD_READ posted for the datagrams: %s", async_read > 0 ? "yes" : "no");
    async_read = 0;
    char buffer[64];
    int n = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    pump(300);
    say("asyncselect: read %d bytes; FD_READ posted again while one more waits: %s", n, async_read > 0 ? "yes" : "no");
    async_read = 0;
    n = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    int last = recvfrom(b, buffer, sizeof(buffer), 0, NULL, NULL);
    pump(300);
    say("asyncselect: read %d bytes, then %s; FD_READ posted with nothing left: %s", n, last >= 0 ? "more" : error_name(WSAGetLastError()),
        async_read > 0 ? "yes" : "no");
    closesocket(a);
    closesocket(b);
    DestroyWindow(window);
    UnregisterClassW(L"netloop-udp-sequence", cls.hInstance);
    say("asyncselect: closed");
}

/* ---- ICMP port unreachable ---- */

static void connreset(void) {
    char buffer[64];
    u_short nobody = closed_port();
    struct sockaddr_in to_nobody = loopback(nobody);
    u_long on = 1;

    /* Unconnected, Winsock's default: the next receive fails with WSAECONNRESET on Windows. */
    SOCKET u = udp_socket();
    ioctlsocket(u, FIONBIO, &on);
    sendto(u, "x", 1, 0, (const struct sockaddr *) &to_nobody, sizeof(to_nobody));
    Sleep(200);
    int n = recvfrom(u, buffer, sizeof(buffer), 0, NULL, NULL);
    say("connreset: unconnected, default, recvfrom after sending to a closed port: %s", n >= 0 ? "data" : error_name(WSAGetLastError()));
    closesocket(u);

    /* Unconnected with SIO_UDP_CONNRESET FALSE, as the backends open every unconnected socket. */
    u = udp_socket();
    ioctlsocket(u, FIONBIO, &on);
    say("connreset: SIO_UDP_CONNRESET FALSE: %s", error_name(udp_connreset(u, FALSE)));
    sendto(u, "x", 1, 0, (const struct sockaddr *) &to_nobody, sizeof(to_nobody));
    Sleep(200);
    n = recvfrom(u, buffer, sizeof(buffer), 0, NULL, NULL);
    say("connreset: unconnected, off, recvfrom after sending to a closed port: %s", n >= 0 ? "data" : error_name(WSAGetLastError()));
    closesocket(u);

    /* Connected (reporting left on): the error the backends turn into PortUnreachableException. */
    SOCKET c = udp_socket();
    ioctlsocket(c, FIONBIO, &on);
    check(connect(c, (const struct sockaddr *) &to_nobody, sizeof(to_nobody)) == 0, "connect(SOCK_DGRAM)");
    send(c, "x", 1, 0);
    Sleep(200);
    n = recv(c, buffer, sizeof(buffer), 0);
    say("connreset: connected, recv after sending to a closed port: %s", n >= 0 ? "data" : error_name(WSAGetLastError()));
    n = recv(c, buffer, sizeof(buffer), 0);
    say("connreset: connected, the next recv: %s", n >= 0 ? "data" : error_name(WSAGetLastError()));
    closesocket(c);

    /* Connected, overlapped through the port: how the completion reports it. */
    c = udp_socket();
    check(CreateIoCompletionPort((HANDLE) c, port, 0, 0) == port, "CreateIoCompletionPort(socket)");
    check(connect(c, (const struct sockaddr *) &to_nobody, sizeof(to_nobody)) == 0, "connect(SOCK_DGRAM)");
    prepare(&recv_op, NULL, "connected recv");
    post_receive_from(c, &recv_op, 64, NULL, "connreset: WSARecvFrom on a connected socket");
    send(c, "x", 1, 0);
    OVERLAPPED_ENTRY entry;
    ULONG removed = 0;
    if (GetQueuedCompletionStatusEx(port, &entry, 1, &removed, 1000, FALSE) && removed == 1) {
        DWORD bytes = 0, flags = 0;
        BOOL ok = WSAGetOverlappedResult(c, &recv_op.overlapped, &bytes, FALSE, &flags);
        say("connreset: connected, overlapped receive completed: status %s, WSAGetOverlappedResult %s",
            status_name(recv_op.overlapped.Internal), ok ? "ok" : error_name(WSAGetLastError()));
    } else {
        say("connreset: connected, overlapped receive: no completion within 1 s");
        CancelIoEx((HANDLE) c, &recv_op.overlapped);
        GetQueuedCompletionStatusEx(port, &entry, 1, &removed, 5000, FALSE);
    }
    closesocket(c);
}

/* ---- multicast and options ---- */

static void multicast(void) {
    u_long on = 1;
    SOCKET r = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    int yes = 1;
    say("multicast: SO_REUSEADDR: %s", setsockopt(r, SOL_SOCKET, SO_REUSEADDR, (char *) &yes, sizeof(yes)) == 0 ? "ok"
        : error_name(WSAGetLastError()));
    struct sockaddr_in any = {0};
    any.sin_family = AF_INET;
    check(bind(r, (struct sockaddr *) &any, sizeof(any)) == 0, "bind(0.0.0.0)");
    u_short group_port = port_of(r);
    ioctlsocket(r, FIONBIO, &on);

    struct ip_mreq mreq;
    mreq.imr_multiaddr.s_addr = htonl(0xeffe0001); /* 239.254.0.1 */
    mreq.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    int rc = setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, (char *) &mreq, sizeof(mreq));
    say("multicast: IP_ADD_MEMBERSHIP 239.254.0.1 on 127.0.0.1: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));

    SOCKET s = udp_socket();
    struct in_addr loop_if;
    loop_if.s_addr = htonl(INADDR_LOOPBACK);
    DWORD ttl = 1, loop = 1;
    say("multicast: IP_MULTICAST_IF 127.0.0.1: %s, IP_MULTICAST_TTL 1: %s, IP_MULTICAST_LOOP 1: %s",
        setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, (char *) &loop_if, sizeof(loop_if)) == 0 ? "ok" : error_name(WSAGetLastError()),
        setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, (char *) &ttl, sizeof(ttl)) == 0 ? "ok" : error_name(WSAGetLastError()),
        setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, (char *) &loop, sizeof(loop)) == 0 ? "ok" : error_name(WSAGetLastError()));
    struct sockaddr_in group = {0};
    group.sin_family = AF_INET;
    group.sin_addr.s_addr = mreq.imr_multiaddr.s_addr;
    group.sin_port = htons(group_port);
    int n = sendto(s, "group", 5, 0, (const struct sockaddr *) &group, sizeof(group));
    say("multicast: sendto the group: %s", n == 5 ? "sent" : error_name(WSAGetLastError()));
    char buffer[64];
    n = -1;
    for (int i = 0; i < 20 && n < 0; i++) {
        Sleep(50);
        n = recvfrom(r, buffer, sizeof(buffer), 0, NULL, NULL);
    }
    say("multicast: the member received the group datagram: %s", n == 5 ? "yes" : "no");
    rc = setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP, (char *) &mreq, sizeof(mreq));
    say("multicast: IP_DROP_MEMBERSHIP: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));
    closesocket(s);
    closesocket(r);

    /* IPv6: join ff02::1:3 (any link-local group) on interface index 1. */
    SOCKET r6 = WSASocketW(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    int zero = 0; /* dual-stack, set before bind as the backends do (Windows refuses it after) */
    check(setsockopt(r6, IPPROTO_IPV6, IPV6_V6ONLY, (char *) &zero, sizeof(zero)) == 0, "setsockopt(IPV6_V6ONLY, 0)");
    struct sockaddr_in6 any6 = {0};
    any6.sin6_family = AF_INET6;
    check(bind(r6, (struct sockaddr *) &any6, sizeof(any6)) == 0, "bind([::])");
    struct ipv6_mreq mreq6 = {0};
    mreq6.ipv6mr_multiaddr.s6_addr[0] = 0xff;
    mreq6.ipv6mr_multiaddr.s6_addr[1] = 0x02;
    mreq6.ipv6mr_multiaddr.s6_addr[13] = 0x01;
    mreq6.ipv6mr_multiaddr.s6_addr[15] = 0x03;
    mreq6.ipv6mr_interface = 1;
    rc = setsockopt(r6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, (char *) &mreq6, sizeof(mreq6));
    say("multicast: IPV6_ADD_MEMBERSHIP ff02::1:3 on interface 1: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));
    if (rc == 0) {
        rc = setsockopt(r6, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, (char *) &mreq6, sizeof(mreq6));
        say("multicast: IPV6_DROP_MEMBERSHIP: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));
    }
    /* An IPv4 group on the dual-stack socket: IPPROTO_IP options on an AF_INET6 socket, as OverlappedPort issues them. */
    rc = setsockopt(r6, IPPROTO_IP, IP_ADD_MEMBERSHIP, (char *) &mreq, sizeof(mreq));
    say("multicast: IP_ADD_MEMBERSHIP 239.254.0.1 on a dual-stack IPv6 socket: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));
    if (rc == 0) {
        rc = setsockopt(r6, IPPROTO_IP, IP_DROP_MEMBERSHIP, (char *) &mreq, sizeof(mreq));
        say("multicast: its IP_DROP_MEMBERSHIP: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));
    }
    say("multicast: IP_MULTICAST_TTL 1: %s, IP_MULTICAST_LOOP 1: %s, IP_MULTICAST_IF 127.0.0.1: %s on the dual-stack socket",
        setsockopt(r6, IPPROTO_IP, IP_MULTICAST_TTL, (char *) &ttl, sizeof(ttl)) == 0 ? "ok" : error_name(WSAGetLastError()),
        setsockopt(r6, IPPROTO_IP, IP_MULTICAST_LOOP, (char *) &loop, sizeof(loop)) == 0 ? "ok" : error_name(WSAGetLastError()),
        setsockopt(r6, IPPROTO_IP, IP_MULTICAST_IF, (char *) &loop_if, sizeof(loop_if)) == 0 ? "ok" : error_name(WSAGetLastError()));
    DWORD hops = 1;
    say("multicast: IPV6_MULTICAST_HOPS 1: %s, IPV6_MULTICAST_LOOP 1: %s",
        setsockopt(r6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, (char *) &hops, sizeof(hops)) == 0 ? "ok" : error_name(WSAGetLastError()),
        setsockopt(r6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, (char *) &loop, sizeof(loop)) == 0 ? "ok" : error_name(WSAGetLastError()));
    closesocket(r6);
}

static void options(void) {
    SOCKET s = udp_socket();
    BOOL yes = TRUE;
    int value = 0, length = sizeof(value);
    check(setsockopt(s, SOL_SOCKET, SO_BROADCAST, (char *) &yes, sizeof(yes)) == 0, "setsockopt(SO_BROADCAST)");
    check(getsockopt(s, SOL_SOCKET, SO_BROADCAST, (char *) &value, &length) == 0, "getsockopt(SO_BROADCAST)");
    say("options: SO_BROADCAST reads back %s", value ? "on" : "off");

    /* SO_EXCLUSIVEADDRUSE: a second socket cannot bind the port. */
    SOCKET x = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    int one = 1;
    int rc = setsockopt(x, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (char *) &one, sizeof(one));
    say("options: SO_EXCLUSIVEADDRUSE: %s", rc == 0 ? "ok" : error_name(WSAGetLastError()));
    struct sockaddr_in a = loopback(0);
    check(bind(x, (struct sockaddr *) &a, sizeof(a)) == 0, "bind");
    a = loopback(port_of(x));
    SOCKET y = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    rc = bind(y, (struct sockaddr *) &a, sizeof(a));
    say("options: a second bind of an exclusive port: %s", rc == 0 ? "bound" : error_name(WSAGetLastError()));
    closesocket(y);
    closesocket(x);

    /* SO_REUSEADDR on both: Windows lets the second bind the same port (no SO_REUSEPORT exists). */
    x = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    y = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    setsockopt(x, SOL_SOCKET, SO_REUSEADDR, (char *) &one, sizeof(one));
    setsockopt(y, SOL_SOCKET, SO_REUSEADDR, (char *) &one, sizeof(one));
    a = loopback(0);
    check(bind(x, (struct sockaddr *) &a, sizeof(a)) == 0, "bind");
    a = loopback(port_of(x));
    rc = bind(y, (struct sockaddr *) &a, sizeof(a));
    say("options: two SO_REUSEADDR sockets on one port: %s", rc == 0 ? "both bound" : error_name(WSAGetLastError()));
    closesocket(y);
    closesocket(x);

    /* Dual stack: [::] with IPV6_V6ONLY 0 receives from an IPv4 sender, which appears v4-mapped. */
    SOCKET d = WSASocketW(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    int zero = 0;
    length = sizeof(value);
    getsockopt(d, IPPROTO_IPV6, IPV6_V6ONLY, (char *) &value, &length);
    say("options: IPV6_V6ONLY default: %d", value);
    check(setsockopt(d, IPPROTO_IPV6, IPV6_V6ONLY, (char *) &zero, sizeof(zero)) == 0, "setsockopt(IPV6_V6ONLY, 0)");
    struct sockaddr_in6 any6 = {0};
    any6.sin6_family = AF_INET6;
    check(bind(d, (struct sockaddr *) &any6, sizeof(any6)) == 0, "bind([::])");
    u_long on = 1;
    ioctlsocket(d, FIONBIO, &on);
    struct sockaddr_in to_d = loopback(port_of(d));
    check(sendto(s, "dual", 4, 0, (const struct sockaddr *) &to_d, sizeof(to_d)) == 4, "sendto the dual-stack socket");
    char buffer[64];
    struct sockaddr_storage from;
    int fromlen;
    int n = -1;
    for (int i = 0; i < 20 && n < 0; i++) {
        Sleep(50);
        fromlen = sizeof(from);
        n = recvfrom(d, buffer, sizeof(buffer), 0, (struct sockaddr *) &from, &fromlen);
    }
    say("options: the dual-stack socket received %d bytes", n);
    if (n > 0) {
        print_sender("options", &from, fromlen, port_of(s));
    }
    closesocket(d);
    closesocket(s);
}

int main(void) {
    WSADATA data;
    check(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup");
    iocp();
    events();
    routines();
    readiness();
    asyncselect();
    connreset();
    multicast();
    options();
    CloseHandle(port);
    WSACleanup();
    say("failures %d", failures);
    return failures == 0 ? 0 : 1;
}
