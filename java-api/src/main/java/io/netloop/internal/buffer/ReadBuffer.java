package io.netloop.internal.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A loop's receive buffer for readiness backends: every connection of the loop reads into it in
 * turn and the handler sees it for the length of one {@code onData} call. Confined to the loop
 * thread; lives until the loop's driver closes.
 */
public final class ReadBuffer implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment;
    private final ByteBuffer buffer;
    private final ByteBuffer userView;

    public ReadBuffer(int size) {
        this.segment = arena.allocate(size, 64);
        this.buffer = segment.asByteBuffer();
        this.userView = buffer.asReadOnlyBuffer();
    }

    public MemorySegment segment() {
        return segment;
    }

    /** The writable view backends read into (NIO); position and limit are theirs to set. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** The read-only view handed to handlers, set to the first {@code length} bytes. */
    public ByteBuffer userView(int length) {
        userView.limit(length).position(0);
        return userView;
    }

    @Override
    public void close() {
        arena.close();
    }
}
