package io.netloop.samples.chat;

import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.LoopMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The per-loop load report, one line a loop and one for the group, as {@code GET /loops} on the
 * admin port ({@link AdminHttp}) and an operator's {@code STATS w} or {@code /stats}
 * ({@link Client}) show it: the same text in all three, written here once.
 *
 * <pre>{@code
 * LoadReport.measure(group, conn.loop()).thenAccept(lines -> lines.forEach(System.out::println));
 * // netloop-3-epoll-et-0 (epoll-et): load 0.4%, 12 connections, 0 bytes pending, in 1843 B/s, out 22108 B/s, 96 tasks/s, 41 wakeups/s
 * // netloop-3-epoll-et-1 (epoll-et): load 0.2%, 11 connections, 0 bytes pending, in 1311 B/s, out 20550 B/s, 90 tasks/s, 38 wakeups/s
 * // all 2 loops (epoll-et): load 0.3%, 23 connections, 0 bytes pending, in 3154 B/s, out 42658 B/s, 186 tasks/s, 79 wakeups/s
 * }</pre>
 *
 * <p>Rates and load are over {@link #INTERVAL}: every loop's {@link LoopMetrics} are read, read
 * again a second later on a timer, and the differences divided by the time between the readings
 * as each loop measured it ({@link LoopMetrics#runNanos()}). Load is the share of that time the
 * loop was not blocked in the OS wait, {@code 1 - Δwait/Δrun}; the group's line sums the loops'
 * times, so its load is their mean. Connections and pending bytes are gauges, read at the second
 * reading. Everything the loops serve counts, the admin port's connections too.
 */
final class LoadReport {
    /** What the rates and the load are measured over. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private LoadReport() {
    }

    /** One loop's counters at one moment. */
    private record Reading(long waitNanos, long runNanos, long bytesRead, long bytesWritten, long tasks, long wakeups) {
        static Reading of(LoopMetrics m) {
            // runNanos last: the interval a reading covers then includes the other reads, never less.
            long wait = m.waitNanos();
            long read = m.bytesRead();
            long written = m.bytesWritten();
            long tasks = m.tasksRun();
            long wakeups = m.wakeups();
            return new Reading(wait, m.runNanos(), read, written, tasks, wakeups);
        }
    }

    /**
     * Reads every loop of {@code group} now and again after {@link #INTERVAL}, on a timer of
     * {@code on}: no thread waits meanwhile.
     *
     * @return the report's lines, completed on {@code on}'s thread; exceptionally with a
     *         {@link RejectedExecutionException} when {@code on} is shutting down
     */
    static CompletableFuture<List<String>> measure(EventLoopGroup group, EventLoop on) {
        List<EventLoop> loops = group.loops();
        List<Reading> before = read(loops);
        CompletableFuture<List<String>> report = new CompletableFuture<>();
        try {
            on.schedule(() -> report.complete(render(group.backendId(), loops, before, read(loops))), INTERVAL);
        } catch (RejectedExecutionException e) {
            report.completeExceptionally(e);
        }
        return report;
    }

    private static List<Reading> read(List<EventLoop> loops) {
        List<Reading> readings = new ArrayList<>(loops.size());
        for (EventLoop loop : loops) {
            readings.add(Reading.of(loop.metrics()));
        }
        return readings;
    }

    /** The lines for two readings of {@code loops}, {@code after} taken later than {@code before}. */
    private static List<String> render(String backend, List<EventLoop> loops, List<Reading> before, List<Reading> after) {
        List<String> lines = new ArrayList<>(loops.size() + 1);
        Reading total0 = new Reading(0, 0, 0, 0, 0, 0);
        Reading total1 = total0;
        long open = 0;
        long pending = 0;
        for (int i = 0; i < loops.size(); i++) {
            LoopMetrics m = loops.get(i).metrics();
            long loopOpen = m.openConnections();
            long loopPending = m.pendingWriteBytes();
            lines.add(line(loops.get(i) + " (" + backend + ")", before.get(i), after.get(i), 1, loopOpen, loopPending));
            total0 = sum(total0, before.get(i));
            total1 = sum(total1, after.get(i));
            open += loopOpen;
            pending += loopPending;
        }
        lines.add(line("all " + loops.size() + (loops.size() == 1 ? " loop" : " loops") + " (" + backend + ")",
                total0, total1, loops.size(), open, pending));
        return lines;
    }

    private static Reading sum(Reading a, Reading b) {
        return new Reading(a.waitNanos + b.waitNanos, a.runNanos + b.runNanos, a.bytesRead + b.bytesRead,
                a.bytesWritten + b.bytesWritten, a.tasks + b.tasks, a.wakeups + b.wakeups);
    }

    /** {@code before} and {@code after} are the readings of one loop, or of {@code loops} loops summed. */
    private static String line(String name, Reading before, Reading after, int loops, long open, long pending) {
        long elapsed = Math.max(1, after.runNanos - before.runNanos);
        double load = Math.clamp(1 - (double) (after.waitNanos - before.waitNanos) / elapsed, 0.0, 1.0);
        // Summed over the loops, elapsed is the interval that many times over: the rates are per second of wall time.
        elapsed = Math.max(1, elapsed / loops);
        return String.format(Locale.ROOT,
                "%s: load %.1f%%, %d %s, %d bytes pending, in %d B/s, out %d B/s, %d tasks/s, %d wakeups/s",
                name, load * 100, open, open == 1 ? "connection" : "connections", pending,
                rate(before.bytesRead, after.bytesRead, elapsed), rate(before.bytesWritten, after.bytesWritten, elapsed),
                rate(before.tasks, after.tasks, elapsed), rate(before.wakeups, after.wakeups, elapsed));
    }

    private static long rate(long before, long after, long elapsedNanos) {
        return Math.round((after - before) * 1e9 / elapsedNanos);
    }
}
