package io.netloop.spi;

/**
 * Where a driver reports each OS wait ({@code epoll_wait}, {@code io_uring_enter},
 * {@code GetQueuedCompletionStatusEx}, {@code select}...), so the loop can tell time blocked in the
 * kernel from time spent on I/O and tasks ({@link io.netloop.LoopMetrics#waitNanos()}) and record
 * the {@code netloop.BackendWait} JFR event. Loop thread only; allocates nothing unless that event
 * is being recorded.
 *
 * <pre>{@code
 * waits.beforeWait(timeoutNanos);
 * int n = epoll_wait(epfd, events, max, timeoutMillis);
 * waits.afterWait(n);              // then dispatch the n events
 * }</pre>
 *
 * <p>A driver that learns the number of events only after dispatching them (a selector that calls
 * back per key) calls {@link #waitEnded()} when the first event arrives and {@link #afterWait}
 * once it knows the count.
 */
public interface WaitRecorder {

    /**
     * The driver is about to block (or check without blocking) in the OS.
     *
     * @param timeoutNanos the timeout it passes: 0 for none, negative to wait until woken
     */
    void beforeWait(long timeoutNanos);

    /** The OS wait returned. Only the first call after {@link #beforeWait} counts. */
    void waitEnded();

    /**
     * The OS wait returned {@code events} events (ready sockets or completions); ends the wait if
     * {@link #waitEnded()} has not.
     *
     * @param events the events returned, 0 for a timeout or a wakeup with nothing ready
     */
    void afterWait(int events);
}
