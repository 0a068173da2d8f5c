package io.netloop.conformance;

import io.netloop.Connection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@link Payloads}' pattern from {@code onOpen} on, the way a well-behaved producer does:
 * it writes while the connection is writable, stops when it is not, and goes on when
 * {@code onWritabilityChanged(true)} comes. Records the most bytes it ever saw queued.
 */
public class StreamingHandler extends RecordingHandler {
    private final long total;
    private final int chunk;
    private final boolean closeWhenDone;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong maxPending = new AtomicLong();

    /**
     * @param total         bytes to send, {@link Long#MAX_VALUE} for an endless stream
     * @param chunk         bytes per {@code write} call, at most {@link Payloads#PATTERN_PERIOD}
     * @param closeWhenDone whether to {@code close()} once {@code total} bytes are queued
     */
    public StreamingHandler(long total, int chunk, boolean closeWhenDone) {
        super(false);
        this.total = total;
        this.chunk = chunk;
        this.closeWhenDone = closeWhenDone;
    }

    @Override
    public void onOpen(Connection c) {
        super.onOpen(c);
        pump(c);
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        super.onWritabilityChanged(c, writable);
        if (writable) {
            pump(c);
        }
    }

    private void pump(Connection c) {
        long pos = written.get();
        while (pos < total && c.isWritable()) {
            int n = (int) Math.min(chunk, total - pos);
            if (!Payloads.writePattern(c, pos, n)) {
                return; // closed: the test looks at onClose
            }
            pos += n;
            written.set(pos);
            maxPending.accumulateAndGet(c.pendingWriteBytes(), Math::max);
        }
        if (pos == total && closeWhenDone) {
            c.close();
        }
    }

    /** Bytes handed to {@code write} so far. */
    public long written() {
        return written.get();
    }

    /** The largest {@code pendingWriteBytes()} seen right after a write. */
    public long maxPending() {
        return maxPending.get();
    }
}
