package io.netloop.linux.internal;

import io.netloop.bindings.linux.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One loop's {@code mmsghdr}, {@code iovec} and sender/target address arrays for
 * {@code recvmmsg}/{@code sendmmsg}: its UDP sockets call one at a time, so they share it. Made at
 * the first UDP call, grown when a socket's {@code receiveBatch} needs more slots than before.
 * Owned by its own confined arena, closed on growth and with the poller.
 */
final class DatagramScratch implements AutoCloseable {
    static final long HDR = Sockets.MMSGHDR.byteSize();
    static final long IOV = Sockets.IOVEC.byteSize();
    /** A {@code sockaddr_in6} (28 bytes), the largest name of a UDP socket, rounded to 8. */
    static final int NAME = 32;

    private final Arena arena;
    final int slots;
    final MemorySegment headers;
    final MemorySegment iovecs;
    final MemorySegment names;

    DatagramScratch(int slots) {
        this.arena = Arena.ofConfined();
        this.slots = slots;
        this.headers = arena.allocate(HDR * slots, 8);
        this.iovecs = arena.allocate(IOV * slots, 8);
        this.names = arena.allocate((long) NAME * slots, 8);
    }

    @Override
    public void close() {
        arena.close();
    }
}
