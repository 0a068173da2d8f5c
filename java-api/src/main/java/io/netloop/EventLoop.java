package io.netloop;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One thread that waits for I/O and runs the callbacks of the connections it owns, plus tasks and
 * timers. Obtained from {@link EventLoopGroup#loops()} or {@link Connection#loop()}.
 *
 * <pre>{@code
 * EventLoop loop = conn.loop();
 * loop.execute(() -> conn.write(buf));                       // any thread; wakes a blocked loop
 * Timer t = loop.schedule(() -> conn.close(), Duration.ofSeconds(5));
 * }</pre>
 */
public interface EventLoop extends Executor {

    /**
     * Runs {@code task} on this loop, in submission order, waking it if it is blocked waiting for I/O.
     * Thread-safe; called on the loop thread, the task runs after the current callback, not inside
     * it. A task that throws is logged and the loop goes on.
     *
     * @param task the task to run on the loop thread
     * @throws RejectedExecutionException once the loop has terminated
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs {@code task} on this loop after {@code delay}. Timers with the same deadline run in the
     * order they were scheduled. Thread-safe. Timers still pending when the loop ends never run.
     *
     * @param task  the task to run on the loop thread
     * @param delay how long to wait from now; zero or negative runs it at the loop's next turn
     * @return a handle to cancel the task
     * @throws RejectedExecutionException once the loop has terminated
     */
    Timer schedule(Runnable task, Duration delay);

    /**
     * Whether the calling thread is this loop's thread.
     *
     * @return {@code true} inside this loop's callbacks, tasks and timers
     */
    boolean inEventLoop();

    /**
     * The group this loop belongs to.
     *
     * @return the group that created this loop
     */
    EventLoopGroup group();

    /**
     * This loop's counters and gauges, read from any thread without locks.
     *
     * @return a live view of this loop's metrics
     */
    LoopMetrics metrics();
}
