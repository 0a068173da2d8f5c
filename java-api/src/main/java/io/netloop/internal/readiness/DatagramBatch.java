package io.netloop.internal.readiness;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The memory one receive call fills: {@link #slots()} datagram slots of {@link #slotCapacity()}
 * bytes each (one more than the socket's {@code maxDatagramSize}, so that a backend that cannot
 * see the kernel's truncation flag, like the JDK's, knows a datagram that filled its slot was
 * longer), and per slot the length received, whether it was truncated and its sender.
 *
 * <p>One per loop, shared by its UDP sockets in turn (they run one at a time), shaped before each
 * receive for the socket at hand ({@link #shape}) and grown to the largest need seen: the loop
 * holds {@code receiveBatch × (maxDatagramSize + 1)} bytes of its hungriest socket, not that per
 * socket. Loop thread only; freed by {@link #close()} when the driver closes.
 */
public final class DatagramBatch implements AutoCloseable {
    /** Owns {@link #memory}: made on the loop thread, replaced when a larger shape is asked, closed with the driver. */
    private Arena arena;
    private MemorySegment memory = MemorySegment.NULL;
    private int slots;
    private int stride;
    private int[] lengths = new int[0];
    private boolean[] truncated = new boolean[0];
    private InetSocketAddress[] senders = new InetSocketAddress[0];
    /** Per-slot buffers for the current stride, made on first use: writable (NIO receives into them) and the handler's read-only view. */
    private ByteBuffer[] writable = new ByteBuffer[0];
    private ByteBuffer[] views = new ByteBuffer[0];

    /** Sets the shape for the next receive: {@code slots} slots of {@code maxDatagramSize + 1} bytes. */
    void shape(int slots, int maxDatagramSize) {
        int newStride = (maxDatagramSize + 1 + 7) & ~7;
        long need = (long) slots * newStride;
        if (need > memory.byteSize()) {
            if (arena != null) {
                arena.close();
            }
            arena = Arena.ofConfined();
            memory = arena.allocate(need, 64);
            newStride = -newStride; // force the views to be made again over the new memory
        }
        if (slots > lengths.length) {
            lengths = new int[slots];
            truncated = new boolean[slots];
            senders = new InetSocketAddress[slots];
            writable = new ByteBuffer[slots];
            views = new ByteBuffer[slots];
        }
        if (newStride != stride) {
            java.util.Arrays.fill(writable, null);
            java.util.Arrays.fill(views, null);
            stride = Math.abs(newStride);
        }
        this.slots = slots;
    }

    /** Datagrams the next receive may take. */
    public int slots() {
        return slots;
    }

    /** Bytes a slot holds: the socket's {@code maxDatagramSize} plus at least one (rounded up to 8). */
    public int slotCapacity() {
        return stride;
    }

    /** Native address of slot {@code i}'s first byte (for iovec arrays). */
    public long slotAddress(int i) {
        return memory.address() + (long) i * stride;
    }

    /** The whole memory; slot {@code i} starts at {@code i * slotCapacity()}. */
    public MemorySegment memory() {
        return memory;
    }

    /** A writable buffer over slot {@code i}, position 0, limit {@link #slotCapacity()}; made once per shape. */
    public ByteBuffer writableSlot(int i) {
        ByteBuffer b = writable[i];
        if (b == null) {
            b = memory.asSlice((long) i * stride, stride).asByteBuffer();
            writable[i] = b;
        }
        return b.clear();
    }

    /**
     * Records what slot {@code i} received.
     *
     * @param length    bytes of the datagram in the slot, at most the socket's {@code maxDatagramSize}
     * @param truncated whether the datagram was longer and was cut to {@code length}
     * @param sender    its sender
     */
    public void set(int i, int length, boolean truncated, InetSocketAddress sender) {
        lengths[i] = length;
        this.truncated[i] = truncated;
        senders[i] = sender;
    }

    /** The handler's read-only view of slot {@code i}'s datagram, valid until the next receive. */
    ByteBuffer view(int i) {
        ByteBuffer v = views[i];
        if (v == null) {
            v = memory.asSlice((long) i * stride, stride).asReadOnly().asByteBuffer();
            views[i] = v;
        }
        v.limit(lengths[i]).position(0);
        return v;
    }

    boolean truncated(int i) {
        return truncated[i];
    }

    InetSocketAddress sender(int i) {
        return senders[i];
    }

    /** Native bytes held. */
    long nativeBytes() {
        return memory.byteSize();
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            memory = MemorySegment.NULL;
            stride = 0;
        }
    }
}
