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

    boolean isCancelled();

    /** {@code true} once the task has started running. */
    boolean hasRun();
}
