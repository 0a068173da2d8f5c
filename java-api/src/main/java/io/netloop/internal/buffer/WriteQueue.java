package io.netloop.internal.buffer;

import java.nio.ByteBuffer;

/**
 * A connection's queued output: an ordered list of chunks from the loop's pool. Not thread-safe:
 * the connection guards it with its lock. Holds no chunk while empty, so an idle connection costs
 * no native memory.
 */
public final class WriteQueue {
    private final ChunkPool pool;
    private Chunk[] chunks = new Chunk[4];
    private int head;
    private int count;
    private long bytes;

    public WriteQueue(ChunkPool pool) {
        this.pool = pool;
    }

    public long bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return bytes == 0;
    }

    /** Chunks holding queued bytes, in order. */
    public int chunkCount() {
        return count;
    }

    public Chunk chunk(int i) {
        return chunks[(head + i) & (chunks.length - 1)];
    }

    /** Copies the remaining bytes of {@code src} in and advances its position to its limit. */
    public void append(ByteBuffer src) {
        int limit = src.limit();
        try {
            while (src.hasRemaining()) {
                Chunk tail = writableTail();
                int n = Math.min(src.remaining(), tail.capacity() - tail.writeIndex);
                src.limit(src.position() + n);
                tail.buffer.clear().position(tail.writeIndex);
                tail.buffer.put(src);
                tail.writeIndex += n;
                bytes += n;
                src.limit(limit);
            }
        } finally {
            src.limit(limit);
        }
    }

    /** Copies {@code b[off, off + len)} in. */
    public void append(byte[] b, int off, int len) {
        while (len > 0) {
            Chunk tail = writableTail();
            int n = Math.min(len, tail.capacity() - tail.writeIndex);
            tail.buffer.clear().position(tail.writeIndex);
            tail.buffer.put(b, off, n);
            tail.writeIndex += n;
            bytes += n;
            off += n;
            len -= n;
        }
    }

    /** Drops the first {@code n} queued bytes (they were sent), giving emptied chunks back to the pool. */
    public void consume(long n) {
        if (n < 0 || n > bytes) {
            throw new IllegalArgumentException("consume " + n + " of " + bytes + " queued bytes");
        }
        bytes -= n;
        while (n > 0) {
            Chunk c = chunks[head];
            int take = (int) Math.min(n, c.readable());
            c.readIndex += take;
            n -= take;
            if (c.readable() == 0) {
                removeHead();
            }
        }
    }

    /** Gives every chunk back, discarding what was queued. */
    public void clear() {
        while (count > 0) {
            removeHead();
        }
        bytes = 0;
    }

    private void removeHead() {
        Chunk c = chunks[head];
        chunks[head] = null;
        head = (head + 1) & (chunks.length - 1);
        count--;
        pool.give(c);
    }

    private Chunk writableTail() {
        if (count > 0) {
            Chunk tail = chunk(count - 1);
            if (tail.writeIndex < tail.capacity()) {
                return tail;
            }
        }
        if (count == chunks.length) {
            Chunk[] grown = new Chunk[chunks.length * 2];
            for (int i = 0; i < count; i++) {
                grown[i] = chunk(i);
            }
            chunks = grown;
            head = 0;
        }
        Chunk c = pool.take();
        chunks[(head + count) & (chunks.length - 1)] = c;
        count++;
        return c;
    }

    @Override
    public String toString() {
        return "WriteQueue[" + bytes + " bytes in " + count + " chunks]";
    }
}
