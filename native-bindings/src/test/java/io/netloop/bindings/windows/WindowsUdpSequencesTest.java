package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/c/windows_udp_sequences.c}, the Winsock call sequences of the Windows
 * backends' UDP sockets, on loopback sockets under Wine (directly on Windows), and checks what it
 * saw, line by line: an overlapped {@code WSARecvFrom} (sender address and its length in the
 * operation's memory) and {@code WSASendTo} completed through a completion port, through events
 * read with {@code WSAGetOverlappedResult}, and through completion routines; non-blocking
 * {@code recvfrom}/{@code sendto} after {@code WSAEventSelect(FD_READ | FD_WRITE)} and after
 * {@code select}, and their WSA forms without an {@code OVERLAPPED} (what the readiness adapter
 * calls); {@code WSAAsyncSelect}'s FD_READ messages for datagrams; a connected socket's
 * {@code WSASendTo} with no address; a 20-byte datagram read into 8 bytes on every path; the largest IPv4 datagram
 * (65,507 bytes) and one byte more; {@code SIO_UDP_CONNRESET}; multicast join and leave on
 * loopback; {@code SO_BROADCAST}, {@code SO_EXCLUSIVEADDRUSE}, {@code SO_REUSEADDR} and a
 * dual-stack socket. The Java adapters themselves first run on the Windows CI leg.
 *
 * <p>What this proves the adapters may rely on, on both Windows and Wine: a truncated datagram
 * fills the buffer and ends with {@code WSAEMSGSIZE} (completion status
 * {@code STATUS_BUFFER_OVERFLOW}, the buffer's length as bytes transferred, no {@code MSG_PARTIAL}:
 * UDP is unreliable, so the rest is dropped, as the WSARecvFrom documentation says), with the
 * sender's address filled in, and the next receive gets the next datagram; an unconnected socket
 * with {@code SIO_UDP_CONNRESET} off reports nothing after sending to a closed port.
 *
 * <p>The Windows documentation this is checked against: WSARecvFrom
 * (learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsarecvfrom: {@code WSAEMSGSIZE}
 * "for unreliable protocols only" discards the rest of the datagram; {@code WSAECONNRESET} on a UDP
 * socket means an earlier send drew an ICMP port unreachable; an error other than
 * {@code WSA_IO_PENDING} means "no completion indication will occur"), the Winsock IOCTLs page
 * (learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls) and knowledge-base article 263823
 * ("WinSock recvfrom() now returns WSAECONNRESET instead of blocking or timing out", which
 * introduced {@code SIO_UDP_CONNRESET}), and WSARecvEx for {@code MSG_PARTIAL}, which only a
 * provider that delivers partial messages sets.
 *
 * <p>Where Wine differs from Windows (each allowed below, and listed in the README):
 * <ul>
 *   <li>Wine never reports ICMP port unreachable on an unconnected socket, even with
 *       {@code SIO_UDP_CONNRESET} left on (Windows: {@code WSAECONNRESET} on the next receive);
 *   <li>on a connected socket Wine's non-blocking {@code recv} says {@code WSAEWOULDBLOCK} and its
 *       overlapped receive ends with {@code WSAECONNREFUSED} (Windows: {@code WSAECONNRESET});
 *   <li>a receive pending when its socket closes ends with status {@code 0x8000000a} and
 *       {@code WSAENOTSOCK} (Windows: cancelled, {@code WSA_OPERATION_ABORTED});
 *   <li>a {@code WSASendTo} refused at once with {@code WSAEMSGSIZE} still queues a completion
 *       packet under Wine (Windows: "no completion indication will occur"); the backends never
 *       issue such a send (they refuse a datagram longer than its family allows first);
 *   <li>a failed non-overlapped {@code WSARecvFrom} leaves {@code *lpNumberOfBytesRecvd} as it
 *       was, so a truncated datagram's length is the buffer's, not that count.
 * </ul>
 *
 * <p>A receive that returned {@code WSAEMSGSIZE} at once still completes: Wine shows it here, and
 * on Windows its NT status ({@code STATUS_BUFFER_OVERFLOW}) is a warning, and NT completes every
 * request that did not fail with an error; zio's IOCP backend met exactly this on Windows (a
 * receive completed inline and again by its packet: github.com/lalinsky/zio/pull/733), and libuv
 * completes it inline only because it sets {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} on UDP
 * sockets. So the ports treat that return as started.
 */
class WindowsUdpSequencesTest {

    @Test
    void udpCallSequencesBehaveAsTheAdaptersAssume() throws Exception {
        String output = MingwWine.compileAndRun("windows_udp_sequences", "ws2_32", "user32");
        List<String> lines = List.of(output.split("\n"));
        String sender = "sender family AF_INET, length 16, address 127.0.0.1, the sending socket: yes";
        List<String> expected = List.of(
                // iocp: WSARecvFrom/WSASendTo through GetQueuedCompletionStatusEx
                "iocp: SIO_UDP_CONNRESET FALSE on an unconnected socket: 0",
                "iocp: WSARecvFrom: pending",
                "iocp: send packet: status STATUS_SUCCESS, 5 bytes",
                "iocp: recv packet: status STATUS_SUCCESS, 5 bytes",
                "iocp: received 'hello'",
                "iocp: " + sender,
                "iocp: recv truncated packet: status STATUS_BUFFER_OVERFLOW, 8 bytes",
                "iocp: recv truncated WSAGetOverlappedResult: WSAEMSGSIZE, 8 bytes, flags 0x(0|8000)",
                "iocp: truncated receive holds '01234567', sender known: yes",
                "iocp: the next receive read 'next'",
                // posted while a longer datagram waits: fails at once with WSAEMSGSIZE, and still completes
                "iocp: WSARecvFrom\\(8 bytes\\) with 20 waiting: WSAEMSGSIZE, buffer '01234567'",
                "iocp: its packet came: yes, status STATUS_BUFFER_OVERFLOW, 8 bytes",
                "iocp: recv 65507 packet: status STATUS_SUCCESS, 65507 bytes",
                "iocp: send 65507 packet: status STATUS_SUCCESS, 65507 bytes",
                "iocp: WSASendTo\\(65508 bytes\\): WSAEMSGSIZE",
                "iocp: a packet for the refused WSASendTo came anyway: (no|yes, status STATUS_BUFFER_OVERFLOW)",
                "iocp: connected WSASendTo with no address: (pending|completed at once)",
                "iocp: received 'conn' from the connected socket",
                "iocp: recv cancelled packet: status STATUS_CANCELLED, 0 bytes",
                "iocp: recv cancelled WSAGetOverlappedResult: WSA_OPERATION_ABORTED, 0 bytes, flags 0x0",
                "iocp: recv closed packet: status (STATUS_CANCELLED|0x8000000a), 0 bytes",
                "iocp: recv closed WSAGetOverlappedResult: (WSA_OPERATION_ABORTED|WSAENOTSOCK), 0 bytes, flags 0x0",
                "iocp: closed",
                // overlapped-events
                "events: WSARecvFrom: pending",
                "events: send completed: ok, 5 bytes, flags 0x0",
                "events: recv completed: ok, 5 bytes, flags 0x0",
                "events: received 'hello'",
                "events: " + sender,
                "events: recv truncated status STATUS_BUFFER_OVERFLOW",
                "events: recv truncated completed: WSAEMSGSIZE, 8 bytes, flags 0x(0|8000)",
                "events: truncated receive holds '01234567'",
                "events: WSARecvFrom\\(8 bytes\\) with 20 waiting: WSAEMSGSIZE, buffer '01234567'",
                "events: its event was signalled: yes",
                "events: recv waiting truncated completed: WSAEMSGSIZE, 8 bytes, flags 0x(0|8000)",
                "events: closed",
                // overlapped-routines
                "routines: WSARecvFrom: pending",
                "routines: recv routine ran 1 time\\(s\\): dwError 0, 4 bytes, dwFlags 0x0",
                "routines: send routine ran 1 time\\(s\\): dwError 0, 4 bytes, dwFlags 0x0",
                "routines: received 'ping'",
                "routines: " + sender,
                "routines: recv truncated routine ran 1 time\\(s\\): dwError WSAEMSGSIZE, 8 bytes, dwFlags 0x(0|8000)",
                "routines: recv truncated WSAGetOverlappedResult: WSAEMSGSIZE, 8 bytes",
                "routines: send 20 routine ran 1 time\\(s\\): dwError 0, 20 bytes, dwFlags 0x0",
                "routines: truncated receive holds '01234567'",
                "routines: WSARecvFrom\\(8 bytes\\) with 20 waiting: WSAEMSGSIZE, buffer '01234567'",
                "routines: its routine ran: 1 time\\(s\\), dwError WSAEMSGSIZE, 8 bytes",
                "routines: closed",
                // readiness: WSAEventSelect, recvfrom/sendto, select
                "readiness: SIO_UDP_CONNRESET FALSE: 0",
                "readiness: a new socket reports FD_WRITE: yes, FD_READ: no",
                "readiness: recvfrom with nothing there: WSAEWOULDBLOCK",
                "readiness: sendto: 5 bytes",
                "readiness: the receiver reports FD_READ: yes",
                "readiness: recvfrom: 5 bytes 'hello'",
                "readiness: " + sender,
                "readiness: recvfrom again: WSAEWOULDBLOCK",
                "readiness: two datagrams read as 3 and 4 bytes",
                "readiness: FD_READ before the truncated read: yes",
                "readiness: recvfrom\\(8 bytes\\) of a 20-byte datagram: WSAEMSGSIZE, buffer '01234567', sender known: yes",
                "readiness: after the truncated read: WSAEWOULDBLOCK",
                "readiness: sendto\\(65507 bytes\\): 65507",
                "readiness: recvfrom: 65507 bytes",
                "readiness: sendto\\(65508 bytes\\): WSAEMSGSIZE",
                "readiness: select reports the receiver readable: yes",
                "readiness: recvfrom after select: 3 bytes",
                // what WinDatagramSocket calls: the WSA forms without an OVERLAPPED
                "readiness: WSASendTo without OVERLAPPED: ok, 5 bytes",
                "readiness: WSARecvFrom without OVERLAPPED: ok, 5 bytes 'wsato'",
                "readiness: WSARecvFrom again: WSAEWOULDBLOCK",
                "readiness: WSARecvFrom\\(8 bytes\\) of a 20-byte datagram: WSAEMSGSIZE, buffer '01234567', sender known: yes",
                // Wine leaves the byte count of a failed call as it was: the adapter counts the buffer's length instead
                "readiness: its byte count: \\d+",
                "readiness: connected WSASendTo with no address: ok, 4 bytes",
                "readiness: the peer received 4 bytes",
                "readiness: closed",
                // asyncselect: FD_READ is posted again after a receive that leaves a datagram, and not after the last
                "asyncselect: a new socket posts FD_WRITE: yes, FD_READ: no",
                "asyncselect: FD_READ posted for the datagrams: yes",
                "asyncselect: read 3 bytes; FD_READ posted again while one more waits: yes",
                "asyncselect: read 4 bytes, then WSAEWOULDBLOCK; FD_READ posted with nothing left: no",
                "asyncselect: closed",
                // ICMP port unreachable: Windows first, then Wine
                "connreset: unconnected, default, recvfrom after sending to a closed port: (WSAECONNRESET|WSAEWOULDBLOCK)",
                "connreset: SIO_UDP_CONNRESET FALSE: 0",
                "connreset: unconnected, off, recvfrom after sending to a closed port: WSAEWOULDBLOCK",
                "connreset: connected, recv after sending to a closed port: (WSAECONNRESET|WSAEWOULDBLOCK)",
                "connreset: connected, overlapped receive completed: status \\S+, WSAGetOverlappedResult (WSAECONNRESET|WSAECONNREFUSED)",
                // multicast: joining and leaving must work; delivery over loopback is the host's routing
                "multicast: SO_REUSEADDR: ok",
                "multicast: IP_ADD_MEMBERSHIP 239.254.0.1 on 127.0.0.1: ok",
                "multicast: IP_MULTICAST_IF 127.0.0.1: ok, IP_MULTICAST_TTL 1: ok, IP_MULTICAST_LOOP 1: ok",
                "multicast: sendto the group: sent",
                "multicast: the member received the group datagram: (yes|no)",
                "multicast: IP_DROP_MEMBERSHIP: ok",
                "multicast: IP_ADD_MEMBERSHIP 239.254.0.1 on a dual-stack IPv6 socket: ok",
                "multicast: its IP_DROP_MEMBERSHIP: ok",
                "multicast: IP_MULTICAST_TTL 1: ok, IP_MULTICAST_LOOP 1: ok, IP_MULTICAST_IF 127.0.0.1: ok on the dual-stack socket",
                "multicast: IPV6_MULTICAST_HOPS 1: ok, IPV6_MULTICAST_LOOP 1: ok",
                // options
                "options: SO_BROADCAST reads back on",
                "options: SO_EXCLUSIVEADDRUSE: ok",
                "options: a second bind of an exclusive port: (WSAEADDRINUSE|WSAEACCES)",
                "options: two SO_REUSEADDR sockets on one port: both bound",
                "options: IPV6_V6ONLY default: 1",
                "options: the dual-stack socket received 4 bytes",
                "options: sender family AF_INET6, length 28, address ::ffff:127.0.0.1, the sending socket: yes",
                "failures 0");
        List<String> missing = new ArrayList<>();
        for (String pattern : expected) {
            if (lines.stream().noneMatch(line -> line.matches(pattern))) {
                missing.add(pattern);
            }
        }
        assertTrue(missing.isEmpty(), () -> "lines not printed:\n  " + String.join("\n  ", missing) + "\nthe program printed:\n" + output);
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("FAIL")), output);
    }
}
