package io.netloop.internal.buffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A fixed-size piece of native memory in a write queue. Bytes {@code [readIndex, writeIndex)} are
 * queued and not yet sent. Owned by the {@link ChunkPool} that made it; lent to one queue at a time.
 */
public final class Chunk {
    /** The chunk's memory; lives as long as its pool (or, for overflow chunks, until unreachable). */
    final MemorySegment segment;
    /** A view of {@link #segment}, made once so copying in and gathering out allocate nothing. */
    final ByteBuffer buffer;
    final boolean pooled;
    int readIndex;
    int writeIndex;

    Chunk(MemorySegment segment, boolean pooled) {
        this.segment = segment;
        this.buffer = segment.asByteBuffer();
        this.pooled = pooled;
    }

    public MemorySegment segment() {
        return segment;
    }

    /** The shared view; its position and limit are the caller's to set while it holds the queue's lock. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int readIndex() {
        return readIndex;
    }

    public int writeIndex() {
        return writeIndex;
    }

    public int readable() {
        return writeIndex - readIndex;
    }

    int capacity() {
        return buffer.capacity();
    }
}
