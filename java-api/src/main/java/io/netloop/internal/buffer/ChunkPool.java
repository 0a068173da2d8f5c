package io.netloop.internal.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One loop's pool of write chunks. Any thread may take and return chunks (writes are copied on
 * the writer's thread). Slabs come from one shared arena that lives until {@link #close()}; past
 * {@code maxPooledBytes}, chunks come from automatic arenas and are left to the garbage collector
 * when returned, so a burst does not pin its peak memory for the loop's lifetime.
 */
public final class ChunkPool implements AutoCloseable {
    public static final int CHUNK_SIZE = 16 * 1024;
    private static final int CHUNKS_PER_SLAB = 32;

    /** Owns every pooled slab; closed with the pool. */
    private final Arena arena = Arena.ofShared();
    private final long maxPooledBytes;
    private Chunk[] free = new Chunk[CHUNKS_PER_SLAB];
    private int freeCount;
    private long pooledBytes;
    /** Chunks carved from slabs; each is either in {@link #free} or lent, so {@code free} is sized to hold them all. */
    private int pooledChunks;
    private long lent;
    private boolean closed;

    public ChunkPool(long maxPooledBytes) {
        this.maxPooledBytes = maxPooledBytes;
    }

    public synchronized Chunk take() {
        if (closed) {
            throw new IllegalStateException("chunk pool is closed");
        }
        lent++;
        if (freeCount == 0) {
            if (pooledBytes + (long) CHUNK_SIZE * CHUNKS_PER_SLAB > maxPooledBytes) {
                return new Chunk(Arena.ofAuto().allocate(CHUNK_SIZE, 64), false);
            }
            MemorySegment slab = arena.allocate((long) CHUNK_SIZE * CHUNKS_PER_SLAB, 4096);
            pooledBytes += slab.byteSize();
            pooledChunks += CHUNKS_PER_SLAB;
            // Sized for every pooled chunk, not only the ones free now: all of them come back in give().
            if (free.length < pooledChunks) {
                free = java.util.Arrays.copyOf(free, Math.max(free.length * 2, pooledChunks));
            }
            for (int i = 0; i < CHUNKS_PER_SLAB; i++) {
                free[freeCount++] = new Chunk(slab.asSlice((long) i * CHUNK_SIZE, CHUNK_SIZE), true);
            }
        }
        Chunk c = free[--freeCount];
        free[freeCount] = null;
        return c;
    }

    public synchronized void give(Chunk c) {
        lent--;
        c.readIndex = 0;
        c.writeIndex = 0;
        if (c.pooled && !closed) {
            free[freeCount++] = c;
        }
    }

    /** Bytes in chunks taken and not given back. */
    public synchronized long lentBytes() {
        return lent * CHUNK_SIZE;
    }

    /** Frees the pooled slabs. Chunks still lent out are reported by {@link #lentBytes()}. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            freeCount = 0;
            free = new Chunk[0];
            arena.close();
        }
    }
}
