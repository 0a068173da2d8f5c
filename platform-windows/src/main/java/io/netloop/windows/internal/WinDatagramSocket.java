package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.SOCKET_ERROR;
import static io.netloop.bindings.windows.Ws2_32.WSABUF_BUF_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.WSABUF_LEN_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.buffer.DatagramQueue;
import io.netloop.internal.completion.ReceivedDatagram;
import io.netloop.internal.net.AddressCache;
import io.netloop.internal.readiness.DatagramBatch;
import io.netloop.internal.readiness.DatagramSocketOps;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;

/**
 * A non-blocking UDP socket under a Winsock readiness model ({@code eventselect},
 * {@code winsock-select}, {@code asyncselect}): one datagram per call, {@code recvfrom} and
 * {@code sendto} in their WSA forms without an {@code OVERLAPPED} (the same non-blocking calls, with
 * the buffer's address in the poller's {@code WSABUF}, so nothing is sliced per datagram). A
 * receive takes datagrams until the batch is full or the socket would block; a send, until the
 * socket would block. Winsock posts FD_READ again after each receive that leaves data, and FD_WRITE
 * after a send that would block, so the event models lose no readiness. Loop thread only; uses
 * its poller's scratch memory.
 *
 * <p>A datagram longer than the socket's {@code maxDatagramSize} fills the buffer and the call
 * fails with {@code WSAEMSGSIZE}: it is delivered cut, marked truncated. On a connected socket an
 * ICMP port unreachable fails the next receive with {@code WSAECONNRESET} (Wine:
 * {@code WSAECONNREFUSED}): a {@link PortUnreachableException}. Unconnected sockets have
 * {@code SIO_UDP_CONNRESET} off; should such a code come anyway, it is skipped, since it names no
 * datagram of this socket's receivers.
 *
 * @param <S> the model's record of one socket
 */
final class WinDatagramSocket<S> extends WinSocket<S> implements DatagramSocketOps {
    private final int family;
    private final InetSocketAddress remote;
    private final int maxDatagramSize;
    private final InetSocketAddress local;
    /** Recent senders' address bytes and their {@link InetSocketAddress}es, reused while they recur. */
    private final ReceivedDatagram senders = new ReceivedDatagram();
    /** A receive error met after some datagrams of a batch: thrown by the next receive. */
    private IOException pendingReceiveError;
    /** Recent targets' encodings (as this socket's family takes them), so replies to peers in turn encode nothing. */
    private final AddressCache targets = new AddressCache(WinSockAddrs.CODEC);

    WinDatagramSocket(WinReadinessPoller<S> poller, long handle, int family, InetSocketAddress remote, int maxDatagramSize) {
        super(poller, handle);
        this.family = family;
        this.remote = remote;
        this.maxDatagramSize = maxDatagramSize;
        this.local = (InetSocketAddress) poller.sockets.socketName(handle, false);
    }

    @Override
    public int receive(DatagramBatch batch) throws IOException {
        if (pendingReceiveError != null) {
            IOException e = pendingReceiveError;
            pendingReceiveError = null;
            throw e;
        }
        WinSocketCalls calls = poller.sockets;
        int slots = batch.slots();
        int filled = 0;
        for (int attempt = 0; attempt < slots && filled < slots; attempt++) {
            poller.wsabufs.set(JAVA_INT, WSABUF_LEN_OFFSET, maxDatagramSize);
            poller.wsabufs.set(JAVA_LONG, WSABUF_BUF_OFFSET, batch.slotAddress(filled));
            poller.receiveFlags.set(JAVA_INT, 0, 0);
            poller.fromLength.set(JAVA_INT, 0, (int) calls.sockaddr.byteSize());
            int rc = Ws2_32.WSARecvFrom(calls.state, handle, poller.wsabufs, 1, poller.sent, poller.receiveFlags,
                    calls.sockaddr, poller.fromLength, MemorySegment.NULL, MemorySegment.NULL);
            int length;
            boolean truncated = false;
            if (rc != SOCKET_ERROR) {
                length = poller.sent.get(JAVA_INT, 0);
            } else {
                int e = WinErrors.wsaLastError(calls.state);
                if (e == WinErrors.WSAEWOULDBLOCK) {
                    return filled;
                }
                if (e == WinErrors.WSAEMSGSIZE) {
                    length = maxDatagramSize; // the buffer is full of the datagram's first part; UDP dropped the rest
                    truncated = true;
                } else if (isIcmpError(e) && (remote == null || e == WinErrors.WSAENETRESET)) {
                    continue; // an ICMP message about one datagram (a peer's port, a TTL), not this socket's failure
                } else {
                    IOException error = isPortUnreachable(e) ? portUnreachable() : WinSocketCalls.exception("receive", e);
                    if (filled == 0) {
                        throw error;
                    }
                    pendingReceiveError = error; // after the datagrams already taken are delivered
                    return filled;
                }
            }
            senders.sender(calls.sockaddr, 0, poller.fromLength.get(JAVA_INT, 0), WinSockAddrs.CODEC);
            batch.set(filled, length, truncated, senders.sender);
            filled++;
        }
        return filled;
    }

    @Override
    public int send(DatagramQueue queue, int from, int max) throws IOException {
        WinSocketCalls calls = poller.sockets;
        for (int k = 0; k < max; k++) {
            int i = from + k;
            poller.wsabufs.set(JAVA_INT, WSABUF_LEN_OFFSET, queue.length(i));
            poller.wsabufs.set(JAVA_LONG, WSABUF_BUF_OFFSET, queue.address(i));
            int toLength = remote != null ? 0 : target(queue.target(i), calls.sockaddr);
            int rc = Ws2_32.WSASendTo(calls.state, handle, poller.wsabufs, 1, poller.sent, 0,
                    remote != null ? MemorySegment.NULL : calls.sockaddr, toLength, MemorySegment.NULL, MemorySegment.NULL);
            if (rc == SOCKET_ERROR) {
                int e = WinErrors.wsaLastError(calls.state);
                if (e == WinErrors.WSAEWOULDBLOCK || k > 0) {
                    return k; // full; or the next call reports this datagram's error
                }
                throw remote != null && isPortUnreachable(e) ? portUnreachable()
                        : WinSocketCalls.exception("send to " + queue.target(i), e);
            }
        }
        return max;
    }

    /** Writes {@code target} into {@code dst} as this socket takes it; a recent target's bytes are copied, not encoded again. */
    private int target(InetSocketAddress target, MemorySegment dst) {
        int length = targets.writeTarget(target, dst, 0);
        if (length < 0) {
            length = WinSockAddrs.encodeFor(family, target, dst);
            targets.encoded(target, dst, 0, length);
        }
        return length;
    }

    /** The codes an ICMP message (port unreachable, TTL expired) leaves on a UDP socket: Windows', and Wine's from Linux. */
    private static boolean isIcmpError(int e) {
        return e == WinErrors.WSAECONNRESET || e == WinErrors.WSAECONNREFUSED || e == WinErrors.WSAENETRESET;
    }

    /** Windows reports the peer's port unreachable as {@code WSAECONNRESET}, Wine (from Linux) as {@code WSAECONNREFUSED}. */
    private static boolean isPortUnreachable(int e) {
        return e == WinErrors.WSAECONNRESET || e == WinErrors.WSAECONNREFUSED;
    }

    private PortUnreachableException portUnreachable() {
        return new PortUnreachableException("the port of " + remote + " is unreachable (an ICMP message)");
    }

    @Override
    public void membership(boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        poller.sockets.membership(handle, join, group, networkInterface);
    }

    /** {@code SO_ERROR}, which reading clears; on a connected socket an ICMP code is its peer's port unreachable. */
    @Override
    public IOException pendingError() {
        try {
            int error = poller.sockets.getIntOption(handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
            if (error == 0) {
                return null;
            }
            if (isIcmpError(error) && (remote == null || error == WinErrors.WSAENETRESET)) {
                return null;
            }
            return isPortUnreachable(error) ? portUnreachable() : WinSocketCalls.exception("receive", error);
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
