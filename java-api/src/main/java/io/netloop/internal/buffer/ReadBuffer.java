package io.netloop.internal.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Native memory the kernel reads into, and the read-only view a handler sees of it for the length
 * of one {@code onData} call. A readiness loop has one that all its connections read into in turn;
 * a completion loop lends one to each posted receive. Confined to the loop thread.
 *
 * <p>The views are made on first use, so a buffer that no data ever reached (an idle connection's
 * posted receive) costs its memory and no more.
 */
public final class ReadBuffer implements AutoCloseable {
    /** Null where the memory is a slice of someone else's (a slab): closing frees nothing then. */
    private final Arena arena;
    private final MemorySegment segment;
    private ByteBuffer buffer;
    private ByteBuffer userView;

    /** A buffer with memory of its own, freed by {@link #close()}. */
    public ReadBuffer(int size) {
        this.arena = Arena.ofConfined();
        this.segment = arena.allocate(size, 64);
    }

    /** A buffer over {@code memory}, which its creator owns and frees. */
    public ReadBuffer(MemorySegment memory) {
        this.arena = null;
        this.segment = memory;
    }

    public MemorySegment segment() {
        return segment;
    }

    /** The writable view backends read into (NIO); position and limit are theirs to set. */
    public ByteBuffer buffer() {
        if (buffer == null) {
            buffer = segment.asByteBuffer();
        }
        return buffer;
    }

    public int capacity() {
        return (int) segment.byteSize();
    }

    /** Whether {@link #close()} frees the memory (false: a slice of a slab). */
    public boolean ownsMemory() {
        return arena != null;
    }

    /** The read-only view handed to handlers, set to the first {@code length} bytes. */
    public ByteBuffer userView(int length) {
        if (userView == null) {
            userView = segment.asReadOnly().asByteBuffer();
        }
        userView.limit(length).position(0);
        return userView;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
