package io.netloop;

/**
 * A task scheduled on an {@link EventLoop}.
 *
 * <pre>{@code
 * Timer t = loop.schedule(() -> conn.write(ping), Duration.ofSeconds(30));
 * t.cancel();
 * }</pre>
 */
public interface Timer {

    /**
     * Prevents the task from running. Thread-safe.
     *
     * @return {@code true} if this call cancelled it; {@code false} if it had already run, been
     *         cancelled, or is running now
     */
    boolean cancel();

    /**
     * Whether the task was cancelled before it ran.
     *
     * @return {@code true} once a {@link #cancel()} has succeeded
     */
    boolean isCancelled();

    /**
     * Whether the task has started.
     *
     * @return {@code true} once the task has started running (also if it then threw)
     */
    boolean hasRun();
}
