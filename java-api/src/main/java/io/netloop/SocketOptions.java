package io.netloop;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable socket options for connections and listeners; build one with {@link #builder()}.
 *
 * <p>Each default is stated on its builder method. Options that only make sense for listening
 * sockets ({@code backlog}, {@code reusePort}) are ignored by {@code connect}; every other option
 * given to {@code listen} applies to each accepted connection.
 *
 * <pre>{@code
 * SocketOptions opts = SocketOptions.builder()
 *         .keepAlive(true)
 *         .writeBufferWaterMarks(32 * 1024, 256 * 1024)
 *         .idleTimeout(Duration.ofMinutes(5))
 *         .build();
 * }</pre>
 */
public final class SocketOptions {
    private static final SocketOptions DEFAULTS = new Builder().build();

    private final boolean tcpNoDelay;
    private final boolean keepAlive;
    private final boolean reuseAddress;
    private final boolean reusePort;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final int backlog;
    private final int writeBufferLowWaterMark;
    private final int writeBufferHighWaterMark;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final int postedAccepts;

    private SocketOptions(Builder b) {
        this.tcpNoDelay = b.tcpNoDelay;
        this.keepAlive = b.keepAlive;
        this.reuseAddress = b.reuseAddress;
        this.reusePort = b.reusePort;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.backlog = b.backlog;
        this.writeBufferLowWaterMark = b.low;
        this.writeBufferHighWaterMark = b.high;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.postedAccepts = b.postedAccepts;
    }

    /**
     * The defaults, as stated on each {@link Builder} method.
     *
     * @return one shared instance, the same on every call
     */
    public static SocketOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this instance's values, to derive changed options from it.
     *
     * @return a new builder; this instance is not changed by it
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tcpNoDelay = tcpNoDelay;
        b.keepAlive = keepAlive;
        b.reuseAddress = reuseAddress;
        b.reusePort = reusePort;
        b.sendBufferSize = sendBufferSize;
        b.receiveBufferSize = receiveBufferSize;
        b.backlog = backlog;
        b.low = writeBufferLowWaterMark;
        b.high = writeBufferHighWaterMark;
        b.idleTimeout = idleTimeout;
        b.connectTimeout = connectTimeout;
        b.postedAccepts = postedAccepts;
        return b;
    }

    /**
     * Whether Nagle's algorithm is off; see {@link Builder#tcpNoDelay}.
     *
     * @return the {@code TCP_NODELAY} setting
     */
    public boolean tcpNoDelay() { return tcpNoDelay; }

    /**
     * Whether the kernel probes idle connections; see {@link Builder#keepAlive}.
     *
     * @return the {@code SO_KEEPALIVE} setting
     */
    public boolean keepAlive() { return keepAlive; }

    /**
     * Whether a listener may bind an address still held by closing connections; see {@link Builder#reuseAddress}.
     *
     * @return the {@code SO_REUSEADDR} setting of listening sockets
     */
    public boolean reuseAddress() { return reuseAddress; }

    /**
     * Whether a listener opens one socket per loop where the backend can; see {@link Builder#reusePort}.
     *
     * @return the {@code SO_REUSEPORT} setting of listening sockets
     */
    public boolean reusePort() { return reusePort; }

    /**
     * The kernel's send buffer size.
     *
     * @return {@code SO_SNDBUF} in bytes, or 0 for the system's default
     */
    public int sendBufferSize() { return sendBufferSize; }

    /**
     * The kernel's receive buffer size.
     *
     * @return {@code SO_RCVBUF} in bytes, or 0 for the system's default
     */
    public int receiveBufferSize() { return receiveBufferSize; }

    /**
     * How many connections the kernel may hold ready for a listener to accept.
     *
     * @return the listen backlog, at least 1
     */
    public int backlog() { return backlog; }

    /**
     * Where a connection turns writable again; see {@link Builder#writeBufferWaterMarks}.
     *
     * @return the low watermark in bytes, at most {@link #writeBufferHighWaterMark()}
     */
    public int writeBufferLowWaterMark() { return writeBufferLowWaterMark; }

    /**
     * Past where a connection turns unwritable; see {@link Builder#writeBufferWaterMarks}.
     *
     * @return the high watermark in bytes, at least 1
     */
    public int writeBufferHighWaterMark() { return writeBufferHighWaterMark; }

    /**
     * How long a connection may go without reading or writing before {@link ConnectionHandler#onIdle}.
     *
     * @return the idle timeout; zero for never
     */
    public Duration idleTimeout() { return idleTimeout; }

    /**
     * How long {@code connect} waits before failing with {@link java.net.SocketTimeoutException}.
     *
     * @return the connect timeout; zero for the system's own limit
     */
    public Duration connectTimeout() { return connectTimeout; }

    /**
     * Accepts a completion backend keeps posted per listening socket; see {@link Builder#postedAccepts}.
     *
     * @return the count, 1 to 1024
     */
    public int postedAccepts() { return postedAccepts; }

    @Override
    public String toString() {
        return "SocketOptions[tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive
                + ", reuseAddress=" + reuseAddress + ", reusePort=" + reusePort
                + ", sendBufferSize=" + sendBufferSize + ", receiveBufferSize=" + receiveBufferSize
                + ", backlog=" + backlog + ", writeBufferWaterMarks=" + writeBufferLowWaterMark + "/"
                + writeBufferHighWaterMark + ", idleTimeout=" + idleTimeout
                + ", connectTimeout=" + connectTimeout + ", postedAccepts=" + postedAccepts + "]";
    }

    /**
     * Builds {@link SocketOptions}; every setter states its default. Not thread-safe; each
     * {@link #build()} returns a new immutable snapshot.
     *
     * <pre>{@code
     * SocketOptions server = SocketOptions.builder().reusePort(true).backlog(4096).build();
     * }</pre>
     */
    public static final class Builder {
        private boolean tcpNoDelay = true;
        private boolean keepAlive = false;
        private boolean reuseAddress = true;
        private boolean reusePort = false;
        private int sendBufferSize = 0;
        private int receiveBufferSize = 0;
        private int backlog = 1024;
        private int low = 32 * 1024;
        private int high = 64 * 1024;
        private Duration idleTimeout = Duration.ZERO;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private int postedAccepts = 8;

        private Builder() {
        }

        /**
         * {@code TCP_NODELAY}; default {@code true}: writes are gathered by the loop, so Nagle only adds latency.
         *
         * @param on {@code true} to send segments at once, {@code false} to let Nagle's algorithm delay small ones
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) { this.tcpNoDelay = on; return this; }

        /**
         * {@code SO_KEEPALIVE}; default {@code false}. The probe interval is the system's; use
         * {@link #idleTimeout} to notice quiet peers sooner.
         *
         * @param on {@code true} to have the kernel probe idle connections and drop dead ones
         * @return this builder
         */
        public Builder keepAlive(boolean on) { this.keepAlive = on; return this; }

        /**
         * {@code SO_REUSEADDR} on listening sockets; default {@code true}, so a restarted server can bind at once.
         *
         * @param on {@code true} to bind even while connections of an earlier listener linger in {@code TIME_WAIT}
         * @return this builder
         */
        public Builder reuseAddress(boolean on) { this.reuseAddress = on; return this; }

        /**
         * {@code SO_REUSEPORT}; default {@code false}. Where the backend supports it (Linux), a listener
         * opens one socket per event loop and the kernel spreads connections over them; elsewhere
         * one socket accepts and hands connections to the loops in turn.
         *
         * @param on {@code true} to ask for one listening socket per loop
         * @return this builder
         */
        public Builder reusePort(boolean on) { this.reusePort = on; return this; }

        /**
         * {@code SO_SNDBUF} in bytes; default 0, the system's default.
         *
         * @param bytes the size to ask the kernel for (it may round or cap it), or 0 to leave it alone
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is negative
         */
        public Builder sendBufferSize(int bytes) { this.sendBufferSize = nonNegative(bytes, "sendBufferSize"); return this; }

        /**
         * {@code SO_RCVBUF} in bytes; default 0, the system's default.
         *
         * @param bytes the size to ask the kernel for (it may round or cap it), or 0 to leave it alone
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is negative
         */
        public Builder receiveBufferSize(int bytes) { this.receiveBufferSize = nonNegative(bytes, "receiveBufferSize"); return this; }

        /**
         * Listen backlog; default 1024 (the kernel caps it at its own maximum).
         *
         * @param backlog connections the kernel may queue before they are accepted, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code backlog} is less than 1
         */
        public Builder backlog(int backlog) {
            if (backlog < 1) throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
            this.backlog = backlog;
            return this;
        }

        /**
         * Write-buffer watermarks in bytes; default 32 KiB and 64 KiB. A connection becomes unwritable
         * when more than {@code high} bytes are queued and writable again when the queue drains to
         * {@code low} or less.
         *
         * @param low  bytes queued at or below which an unwritable connection turns writable, 0 to {@code high}
         * @param high bytes queued above which a connection turns unwritable, at least 1
         * @return this builder
         * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high >= 1}
         */
        public Builder writeBufferWaterMarks(int low, int high) {
            if (low < 0 || high < 1 || low > high) {
                throw new IllegalArgumentException("watermarks need 0 <= low <= high and high >= 1, were low=" + low + " high=" + high);
            }
            this.low = low;
            this.high = high;
            return this;
        }

        /**
         * Idle timeout; default zero, no timeout. See {@link ConnectionHandler#onIdle}.
         *
         * @param timeout how long a connection may go without reading or writing; zero for never
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is negative
         */
        public Builder idleTimeout(Duration timeout) { this.idleTimeout = nonNegative(timeout, "idleTimeout"); return this; }

        /**
         * Connect timeout; default 30 seconds; zero leaves it to the system.
         *
         * @param timeout how long a connect may take before it fails with a
         *                {@link java.net.SocketTimeoutException}; zero for the system's own limit
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is negative
         */
        public Builder connectTimeout(Duration timeout) { this.connectTimeout = nonNegative(timeout, "connectTimeout"); return this; }

        /**
         * Accepts a completion backend (io_uring, IOCP) keeps posted on each listening socket, so
         * that connections arriving together are accepted without waiting for a new submission;
         * default 8. Where io_uring supports multishot accept, one accept serves all. Readiness
         * backends accept as the socket is ready and ignore this.
         *
         * @param count accepts kept posted per listening socket, 1 to 1024
         * @return this builder
         * @throws IllegalArgumentException when {@code count} is outside 1 to 1024
         */
        public Builder postedAccepts(int count) {
            if (count < 1 || count > 1024) throw new IllegalArgumentException("postedAccepts must be 1 to 1024, was " + count);
            this.postedAccepts = count;
            return this;
        }

        /**
         * Makes the options; later changes to this builder do not affect them.
         *
         * @return immutable options holding the values set so far
         */
        public SocketOptions build() {
            return new SocketOptions(this);
        }

        private static int nonNegative(int value, String name) {
            if (value < 0) throw new IllegalArgumentException(name + " must not be negative, was " + value);
            return value;
        }

        private static Duration nonNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) throw new IllegalArgumentException(name + " must not be negative, was " + value);
            return value;
        }
    }
}
