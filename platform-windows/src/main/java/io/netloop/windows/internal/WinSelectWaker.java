package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wakes a loop blocked in Winsock's select, which waits on sockets only: two UDP sockets on
 * 127.0.0.1, each connected to the other (so no other sender reaches the receiver), non-blocking.
 * Any thread sends a byte from {@link #sender}; the loop watches {@link #receiver} in its read set
 * and {@link #drain}s it. Wakeups coalesce: one datagram is in flight until the loop drains.
 *
 * <p>The sockets and the wakers' memory are released only once no wakeup is under way, so a late
 * waker never sends on a socket handle that was closed and reused meanwhile.
 */
final class WinSelectWaker {
    final long receiver;
    private final long sender;
    /** Written by any thread sending a wakeup: the call state and the byte sent. Lives until {@link #close()}. */
    private final Arena shared = Arena.ofShared();
    private final MemorySegment wakeState;
    private final MemorySegment one;
    /** Loop thread: where drained datagrams go; owned by the poller's loop arena. */
    private final MemorySegment scratch;
    private final WinSocketCalls calls;
    /** A datagram was sent and not yet drained; only the waker that sets it sends, so only one sends at a time. */
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicInteger wakersInFlight = new AtomicInteger();
    private volatile boolean closed;

    /** Loop thread: opens the pair with the loop's {@code calls}; closes what it opened if a step fails. */
    WinSelectWaker(WinSocketCalls calls, Arena loopArena) throws IOException {
        this.calls = calls;
        this.scratch = loopArena.allocate(16);
        this.wakeState = WinErrors.allocateCallState(shared);
        this.one = shared.allocate(1);
        long r = INVALID_SOCKET;
        long s = INVALID_SOCKET;
        try {
            r = udpSocket();
            s = udpSocket();
            InetSocketAddress any = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
            bindTo(r, any);
            bindTo(s, any);
            connectTo(s, calls.socketName(r, false));
            connectTo(r, calls.socketName(s, false));
            calls.nonBlocking(r);
            calls.nonBlocking(s);
        } catch (IOException | RuntimeException e) {
            if (r != INVALID_SOCKET) {
                calls.close(r);
            }
            if (s != INVALID_SOCKET) {
                calls.close(s);
            }
            shared.close();
            throw e;
        }
        this.receiver = r;
        this.sender = s;
    }

    private long udpSocket() throws IOException {
        long s = WSASocketW(calls.state, AF_INET, SOCK_DGRAM, IPPROTO_UDP, MemorySegment.NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) {
            throw calls.lastError("socket");
        }
        return s;
    }

    private void bindTo(long s, InetSocketAddress address) throws IOException {
        int len = WinSockAddrs.CODEC.encode(address, calls.sockaddr);
        if (bind(calls.state, s, calls.sockaddr, len) == SOCKET_ERROR) {
            throw calls.lastError("bind");
        }
    }

    private void connectTo(long s, SocketAddress address) throws IOException {
        if (address == null) {
            throw calls.lastError("getsockname");
        }
        int len = WinSockAddrs.CODEC.encode(address, calls.sockaddr);
        if (Ws2_32.connect(calls.state, s, calls.sockaddr, len) == SOCKET_ERROR) {
            throw calls.lastError("connect");
        }
    }

    /** Any thread. */
    void wakeup() {
        if (pending.get() || !pending.compareAndSet(false, true)) {
            return; // a datagram is already on its way
        }
        wakersInFlight.incrementAndGet();
        try {
            if (!closed && send(wakeState, sender, one, 1, 0) != 1) {
                pending.set(false); // not sent (no buffer space, say): let the next wakeup try
            }
        } finally {
            wakersInFlight.decrementAndGet();
        }
    }

    /**
     * Loop thread, after select found {@link #receiver} readable. {@code pending} is cleared first:
     * a wakeup after that sends again, and at worst makes the next select return at once.
     */
    void drain() {
        pending.set(false);
        while (recv(calls.state, receiver, scratch, (int) scratch.byteSize(), 0) > 0) {
            // datagrams carry nothing; any error (WSAEWOULDBLOCK when empty) ends the loop
        }
    }

    /** Loop thread: stops wakeups, waits for a waker still sending, then closes both sockets. */
    void close() {
        closed = true;
        while (wakersInFlight.get() != 0) {
            Thread.onSpinWait();
        }
        calls.close(sender);
        calls.close(receiver);
        shared.close();
    }
}
