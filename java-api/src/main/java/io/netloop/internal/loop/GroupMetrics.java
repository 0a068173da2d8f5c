package io.netloop.internal.loop;

import io.netloop.LoopMetrics;
import java.util.function.ToLongFunction;

/** A group's metrics: each value the sum of its loops', read as each loop's is, without locks. */
final class GroupMetrics implements LoopMetrics {
    private final LoopStats[] loops;

    GroupMetrics(EventLoopImpl[] loops) {
        this.loops = new LoopStats[loops.length];
        for (int i = 0; i < loops.length; i++) {
            this.loops[i] = loops[i].stats();
        }
    }

    private long sum(ToLongFunction<LoopStats> value) {
        long total = 0;
        for (LoopStats l : loops) {
            total += value.applyAsLong(l);
        }
        return total;
    }

    @Override
    public long connectionsAccepted() {
        return sum(LoopStats::connectionsAccepted);
    }

    @Override
    public long connectionsConnected() {
        return sum(LoopStats::connectionsConnected);
    }

    @Override
    public long connectionsClosed() {
        return sum(LoopStats::connectionsClosed);
    }

    @Override
    public long openConnections() {
        return sum(LoopStats::openConnections);
    }

    @Override
    public long bytesRead() {
        return sum(LoopStats::bytesRead);
    }

    @Override
    public long bytesWritten() {
        return sum(LoopStats::bytesWritten);
    }

    @Override
    public long pendingWriteBytes() {
        return sum(LoopStats::pendingWriteBytes);
    }

    @Override
    public long datagramsReceived() {
        return sum(LoopStats::datagramsReceived);
    }

    @Override
    public long datagramsSent() {
        return sum(LoopStats::datagramsSent);
    }

    @Override
    public long tasksRun() {
        return sum(LoopStats::tasksRun);
    }

    @Override
    public long wakeups() {
        return sum(LoopStats::wakeups);
    }

    @Override
    public long iterations() {
        return sum(LoopStats::iterations);
    }

    @Override
    public long ioEvents() {
        return sum(LoopStats::ioEvents);
    }

    @Override
    public long waitNanos() {
        return sum(LoopStats::waitNanos);
    }

    @Override
    public long runNanos() {
        return sum(LoopStats::runNanos);
    }
}
