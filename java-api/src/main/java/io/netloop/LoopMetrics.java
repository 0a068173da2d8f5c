package io.netloop;

/**
 * Counters and gauges of one event loop ({@link EventLoop#metrics()}), or of a whole group summed
 * over its loops ({@link EventLoopGroup#metrics()}). A live view: every call reads the current
 * value, from any thread, without a lock; the loop thread writes them as it works, so reading costs
 * the loop nothing. Counters only grow; gauges ({@link #openConnections()},
 * {@link #pendingWriteBytes()}) go up and down. Two readings taken some time apart give rates and
 * load:
 *
 * <pre>{@code
 * LoopMetrics m = loop.metrics();
 * long wait0 = m.waitNanos(), run0 = m.runNanos();
 * Thread.sleep(1000);
 * double load = 1 - (double) (m.waitNanos() - wait0) / (m.runNanos() - run0); // 0 idle .. 1 saturated
 * }</pre>
 *
 * <p>Values read one after another are each current but not one snapshot: a connection that opens
 * between two calls is seen by the second only. Bytes are counted at the socket: for a
 * {@link io.netloop.tls.TlsConnection}, the TLS records, not the plaintext.
 */
public interface LoopMetrics {

    /**
     * Connections accepted by listeners and handed to this loop (or group).
     *
     * @return the count since the loop started
     */
    long connectionsAccepted();

    /**
     * Outbound connections this loop opened ({@link EventLoopGroup#connect}); failed attempts are
     * not counted.
     *
     * @return the count since the loop started
     */
    long connectionsConnected();

    /**
     * Connections, accepted or connected, that have closed (counted just before their {@code onClose} runs).
     *
     * @return the count since the loop started
     */
    long connectionsClosed();

    /**
     * Gauge: stream connections (TCP and Unix-domain) open now: accepted plus connected less closed.
     *
     * @return the connections open now
     */
    long openConnections();

    /**
     * Bytes read from stream connections and received in UDP datagrams.
     *
     * @return the bytes since the loop started
     */
    long bytesRead();

    /**
     * Bytes the kernel took from stream connections' write queues and in UDP datagrams sent.
     *
     * @return the bytes since the loop started
     */
    long bytesWritten();

    /**
     * Gauge: bytes written to this loop's connections and not yet taken by the kernel (the sum of
     * their {@link Connection#pendingWriteBytes()}): output waiting for slow readers.
     *
     * @return the bytes queued now
     */
    long pendingWriteBytes();

    /**
     * UDP datagrams handed to {@link UdpHandler#onDatagram}.
     *
     * @return the count since the loop started
     */
    long datagramsReceived();

    /**
     * UDP datagrams the kernel took (sent or refused by it; see {@link UdpSocket#send}).
     *
     * @return the count since the loop started
     */
    long datagramsSent();

    /**
     * Tasks run ({@link EventLoop#execute}, writes from other threads, and the library's own) and
     * timers fired.
     *
     * @return the count since the loop started
     */
    long tasksRun();

    /**
     * Times another thread woke the loop from its OS wait to run a task.
     *
     * @return the count since the loop started
     */
    long wakeups();

    /**
     * Turns of the loop: one OS wait (or a check without waiting), the I/O it returned, then tasks and timers.
     *
     * @return the count since the loop started
     */
    long iterations();

    /**
     * I/O events the OS waits returned (ready sockets, or completions).
     *
     * @return the count since the loop started
     */
    long ioEvents();

    /**
     * Time spent blocked in the OS wait ({@code epoll_wait}, {@code io_uring_enter},
     * {@code GetQueuedCompletionStatusEx} and the others), including a wait in progress now. A
     * check that cannot block (the loop had tasks queued) counts as work, not as wait.
     *
     * @return nanoseconds since the loop started; for a group, summed over its loops
     */
    long waitNanos();

    /**
     * Time since the loop started: with {@link #waitNanos()}, the time it was busy is
     * {@code runNanos() - waitNanos()}.
     *
     * @return nanoseconds since the loop started; for a group, summed over its loops
     */
    long runNanos();
}
