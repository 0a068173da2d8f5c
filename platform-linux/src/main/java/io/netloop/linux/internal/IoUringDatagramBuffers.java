package io.netloop.linux.internal;

import static io.netloop.bindings.linux.IoUring.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.completion.CompletionPort;
import io.netloop.internal.completion.ReceivedDatagram;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One UDP socket's provided-buffer ring, for its multishot {@code IORING_OP_RECVMSG}: a buffer
 * group of its own, so that every buffer has room for the socket's {@code maxDatagramSize} (the
 * loop's shared group has 4 KiB buffers, and a datagram cannot be split across buffers), and a
 * socket that stops reading (paused, holding its buffers) takes no buffer from another.
 *
 * <p>Each buffer, as the kernel fills it: {@code struct io_uring_recvmsg_out} (16 bytes), then
 * {@link #NAME_ROOM} bytes for the sender's address, then the payload, up to {@code maxDatagramSize}
 * bytes. Memory: {@code entries * (16 + 32 + maxDatagramSize)} bytes (each buffer rounded up to 8) plus a page for the ring of
 * entries; 16 entries (the default {@code receiveBatch}) of 64 KiB datagrams come to about 1 MiB,
 * as much as the same socket's single-shot receives hold in buffers of their own.
 *
 * <p>Owns its memory ({@link #arena}, confined to the loop thread); {@link #close()} unregisters the
 * ring, after which the kernel holds none of it, and frees it. The core closes it only once no
 * receive of the socket is posted.
 */
final class IoUringDatagramBuffers implements CompletionPort.DatagramBuffers {
    private static final long BUF_SIZE = IO_URING_BUF.byteSize();
    private static final int HEADER = (int) IO_URING_RECVMSG_OUT.byteSize();
    /**
     * Bytes reserved for the sender's address in each buffer ({@code msg_namelen} of the receive):
     * a {@code sockaddr_in6} (28) rounded up to 8; a UDP socket's peers are IPv4 or IPv6.
     */
    static final int NAME_ROOM = 32;
    private static final int PAYLOAD = HEADER + NAME_ROOM;

    private final IoUringPort port;
    final short group;
    private final int entries;
    /** What the kernel may fill of each buffer: exactly room for {@code maxDatagramSize}, so that it cuts (and flags) anything longer. */
    private final int bufferSize;
    /** From one buffer to the next: {@link #bufferSize} rounded up to 8, so that every header is aligned. */
    private final int stride;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ring;
    private final MemorySegment memory;
    /** Read-only views over each buffer, made at its first datagram; position and limit bound that datagram's payload. */
    private final ByteBuffer[] views;
    private short tail;
    private boolean closed;

    /** Registers the ring as buffer group {@code group}; frees what it allocated if the kernel refuses. */
    IoUringDatagramBuffers(IoUringPort port, short group, int maxDatagramSize, int batch) throws IOException {
        this.port = port;
        this.group = group;
        this.entries = Integer.highestOneBit(Math.max(1, batch) * 2 - 1); // a power of 2, at least batch
        this.bufferSize = PAYLOAD + maxDatagramSize;
        this.stride = (bufferSize + 7) & ~7;
        this.views = new ByteBuffer[entries];
        try {
            this.ring = arena.allocate(entries * BUF_SIZE, 4096); // page-aligned, as the kernel wants
            this.memory = arena.allocate((long) entries * stride, 64);
            int e = port.registerBufferRing(ring, entries, group);
            if (e != 0) {
                throw LinuxErrors.exception("io_uring_register(IORING_REGISTER_PBUF_RING)", e);
            }
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        for (int id = 0; id < entries; id++) {
            add(id);
        }
        publish();
    }

    /** What the receive's {@code msghdr} reserves for the sender's address. */
    int nameRoom() {
        return NAME_ROOM;
    }

    /** Describes the datagram in buffer {@code id}, which the kernel filled with {@code result} bytes. */
    void describe(int id, int result, ReceivedDatagram into) {
        long base = (long) id * stride;
        int nameLength = memory.get(JAVA_INT, base + IO_URING_RECVMSG_OUT_NAMELEN_OFFSET);
        int payloadLength = memory.get(JAVA_INT, base + IO_URING_RECVMSG_OUT_PAYLOADLEN_OFFSET);
        int flags = memory.get(JAVA_INT, base + IO_URING_RECVMSG_OUT_FLAGS_OFFSET);
        int copied = Math.max(0, result - PAYLOAD);
        ByteBuffer view = views[id];
        if (view == null) {
            view = memory.asSlice(base, bufferSize).asReadOnly().asByteBuffer();
            views[id] = view;
        }
        view.limit(PAYLOAD + copied).position(PAYLOAD);
        into.data = view;
        into.truncated = (flags & Sockets.MSG_TRUNC) != 0 || payloadLength > copied;
        into.portBuffer = id;
        into.sender(memory, base + HEADER, Math.min(nameLength, NAME_ROOM), SockAddrs.CODEC);
    }

    @Override
    public void release(int id) {
        add(id);
        publish();
    }

    private void add(int id) {
        IoUringPort.putBuffer(ring, tail++, entries, memory.address() + (long) id * stride, bufferSize, id);
    }

    private void publish() {
        IoUringPort.publishTail(ring, tail);
    }

    @Override
    public long nativeBytes() {
        return closed ? 0 : ring.byteSize() + memory.byteSize();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int e = port.unregisterBufferRing(group);
        if (e != 0 && e != Errno.ENOENT) {
            // Still registered: the kernel may yet pick these buffers, so keep them mapped.
            port.logKeptBuffers(group, e, nativeBytes0());
            return;
        }
        port.groupFreed(group);
        arena.close();
    }

    private long nativeBytes0() {
        return ring.byteSize() + memory.byteSize();
    }
}
