package io.netloop;

import java.net.NetworkInterface;

/**
 * Immutable options of a {@link UdpSocket}; build one with {@link #builder()}. Each default is
 * stated on its builder method.
 *
 * <pre>{@code
 * UdpOptions opts = UdpOptions.builder().reusePort(true).receiveBufferSize(4 << 20).build();
 * }</pre>
 */
public final class UdpOptions {
    /** The longest UDP datagram: its length field is 16 bits. */
    public static final int MAX_DATAGRAM = 65_535;

    private static final UdpOptions DEFAULTS = new Builder().build();

    private final boolean reuseAddress;
    private final boolean reusePort;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final boolean broadcast;
    private final boolean ipv6Only;
    private final int maxDatagramSize;
    private final int receiveBatch;
    private final int sendQueueLimit;
    private final int multicastTtl;
    private final boolean multicastLoopback;
    private final NetworkInterface multicastInterface;

    private UdpOptions(Builder b) {
        this.reuseAddress = b.reuseAddress;
        this.reusePort = b.reusePort;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.broadcast = b.broadcast;
        this.ipv6Only = b.ipv6Only;
        this.maxDatagramSize = b.maxDatagramSize;
        this.receiveBatch = b.receiveBatch;
        this.sendQueueLimit = b.sendQueueLimit;
        this.multicastTtl = b.multicastTtl;
        this.multicastLoopback = b.multicastLoopback;
        this.multicastInterface = b.multicastInterface;
    }

    /**
     * The defaults, as stated on each {@link Builder} method.
     *
     * @return one shared instance
     */
    public static UdpOptions defaults() {
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
     * A builder holding this instance's values.
     *
     * @return a new builder; this instance is not changed by it
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.reuseAddress = reuseAddress;
        b.reusePort = reusePort;
        b.sendBufferSize = sendBufferSize;
        b.receiveBufferSize = receiveBufferSize;
        b.broadcast = broadcast;
        b.ipv6Only = ipv6Only;
        b.maxDatagramSize = maxDatagramSize;
        b.receiveBatch = receiveBatch;
        b.sendQueueLimit = sendQueueLimit;
        b.multicastTtl = multicastTtl;
        b.multicastLoopback = multicastLoopback;
        b.multicastInterface = multicastInterface;
        return b;
    }

    /**
     * The {@code SO_REUSEADDR} setting; see {@link Builder#reuseAddress}.
     *
     * @return the {@code SO_REUSEADDR} setting; see {@link Builder#reuseAddress}
     */
    public boolean reuseAddress() { return reuseAddress; }

    /**
     * The {@code SO_REUSEPORT} setting; see {@link Builder#reusePort}.
     *
     * @return the {@code SO_REUSEPORT} setting; see {@link Builder#reusePort}
     */
    public boolean reusePort() { return reusePort; }

    /**
     * {@code SO_SNDBUF} in bytes, 0 for the system's default.
     *
     * @return {@code SO_SNDBUF} in bytes, 0 for the system's default
     */
    public int sendBufferSize() { return sendBufferSize; }

    /**
     * {@code SO_RCVBUF} in bytes, 0 for the system's default.
     *
     * @return {@code SO_RCVBUF} in bytes, 0 for the system's default
     */
    public int receiveBufferSize() { return receiveBufferSize; }

    /**
     * The {@code SO_BROADCAST} setting.
     *
     * @return the {@code SO_BROADCAST} setting
     */
    public boolean broadcast() { return broadcast; }

    /**
     * The {@code IPV6_V6ONLY} setting of sockets bound to an IPv6 address.
     *
     * @return the {@code IPV6_V6ONLY} setting of sockets bound to an IPv6 address
     */
    public boolean ipv6Only() { return ipv6Only; }

    /**
     * The longest datagram delivered whole; see {@link Builder#maxDatagramSize}.
     *
     * @return the longest datagram delivered whole; see {@link Builder#maxDatagramSize}
     */
    public int maxDatagramSize() { return maxDatagramSize; }

    /**
     * The most datagrams taken from the kernel in one receive; see {@link Builder#receiveBatch}.
     *
     * @return the most datagrams taken from the kernel in one receive; see {@link Builder#receiveBatch}
     */
    public int receiveBatch() { return receiveBatch; }

    /**
     * The most bytes queued for sending; see {@link Builder#sendQueueLimit}.
     *
     * @return the most bytes queued for sending; see {@link Builder#sendQueueLimit}
     */
    public int sendQueueLimit() { return sendQueueLimit; }

    /**
     * {@code IP_MULTICAST_TTL} / {@code IPV6_MULTICAST_HOPS} of sent multicast datagrams.
     *
     * @return {@code IP_MULTICAST_TTL} / {@code IPV6_MULTICAST_HOPS} of sent multicast datagrams
     */
    public int multicastTtl() { return multicastTtl; }

    /**
     * {@code IP_MULTICAST_LOOP} / {@code IPV6_MULTICAST_LOOP}.
     *
     * @return {@code IP_MULTICAST_LOOP} / {@code IPV6_MULTICAST_LOOP}
     */
    public boolean multicastLoopback() { return multicastLoopback; }

    /**
     * The interface multicast datagrams are sent from, or {@code null} for the system's choice.
     *
     * @return the interface multicast datagrams are sent from, or {@code null} for the system's choice
     */
    public NetworkInterface multicastInterface() { return multicastInterface; }

    @Override
    public String toString() {
        return "UdpOptions[reuseAddress=" + reuseAddress + ", reusePort=" + reusePort
                + ", sendBufferSize=" + sendBufferSize + ", receiveBufferSize=" + receiveBufferSize
                + ", broadcast=" + broadcast + ", ipv6Only=" + ipv6Only + ", maxDatagramSize=" + maxDatagramSize
                + ", receiveBatch=" + receiveBatch + ", sendQueueLimit=" + sendQueueLimit
                + ", multicastTtl=" + multicastTtl + ", multicastLoopback=" + multicastLoopback
                + ", multicastInterface=" + (multicastInterface == null ? null : multicastInterface.getName()) + "]";
    }

    /**
     * Builds {@link UdpOptions}; every setter states its default.
     *
     * <pre>{@code
     * UdpOptions small = UdpOptions.builder().maxDatagramSize(1500).build();
     * }</pre>
     */
    public static final class Builder {
        private boolean reuseAddress = false;
        private boolean reusePort = false;
        private int sendBufferSize = 0;
        private int receiveBufferSize = 0;
        private boolean broadcast = false;
        private boolean ipv6Only = false;
        private int maxDatagramSize = MAX_DATAGRAM;
        private int receiveBatch = 16;
        private int sendQueueLimit = 1 << 20;
        private int multicastTtl = 1;
        private boolean multicastLoopback = true;
        private NetworkInterface multicastInterface;

        private Builder() {
        }

        /**
         * {@code SO_REUSEADDR}; default {@code false}. Needed, with {@link #reusePort}, by several
         * sockets that receive the same multicast group on one port.
         *
         * @param on {@code true} to let other sockets bind the same address
         * @return this builder
         */
        public Builder reuseAddress(boolean on) { this.reuseAddress = on; return this; }

        /**
         * {@code SO_REUSEPORT}; default {@code false}. Where the backend supports it (Linux), several
         * sockets, for example one per loop, bind the same port and the kernel spreads datagrams
         * over them by sender; elsewhere binding a port twice fails with a
         * {@link java.net.BindException}.
         *
         * @param on {@code true} to let sockets of this process share the port
         * @return this builder
         */
        public Builder reusePort(boolean on) { this.reusePort = on; return this; }

        /**
         * {@code SO_SNDBUF}; default 0, the system's default.
         *
         * @param bytes 0 or more
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder sendBufferSize(int bytes) { this.sendBufferSize = nonNegative(bytes, "sendBufferSize"); return this; }

        /**
         * {@code SO_RCVBUF}; default 0, the system's default. Datagrams that arrive while it is full
         * are dropped by the kernel.
         *
         * @param bytes 0 or more
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder receiveBufferSize(int bytes) { this.receiveBufferSize = nonNegative(bytes, "receiveBufferSize"); return this; }

        /**
         * {@code SO_BROADCAST}; default {@code false}.
         *
         * @param on {@code true} to allow sending to broadcast addresses
         * @return this builder
         */
        public Builder broadcast(boolean on) { this.broadcast = on; return this; }

        /**
         * {@code IPV6_V6ONLY} for a socket bound to an IPv6 address; default {@code false}: a socket
         * bound to {@code ::} is dual-stack and receives IPv4 datagrams too (their senders appear as
         * IPv4 addresses).
         *
         * @param on {@code true} to receive IPv6 only
         * @return this builder
         */
        public Builder ipv6Only(boolean on) { this.ipv6Only = on; return this; }

        /**
         * The longest datagram delivered whole; default 65,535 (any UDP datagram). A longer one is
         * delivered cut to this size with {@code truncated} set. Receive memory is this times
         * {@link #receiveBatch}, so a server of small datagrams may lower it.
         *
         * @param bytes 1 to 65,535
         * @return this builder
         * @throws IllegalArgumentException outside that range
         */
        public Builder maxDatagramSize(int bytes) {
            if (bytes < 1 || bytes > MAX_DATAGRAM) {
                throw new IllegalArgumentException("maxDatagramSize must be 1 to " + MAX_DATAGRAM + ", was " + bytes);
            }
            this.maxDatagramSize = bytes;
            return this;
        }

        /**
         * The most datagrams taken from the kernel in one call ({@code recvmmsg}) or kept posted
         * (completion backends); default 16.
         *
         * @param datagrams 1 to 1024
         * @return this builder
         * @throws IllegalArgumentException outside that range
         */
        public Builder receiveBatch(int datagrams) {
            if (datagrams < 1 || datagrams > 1024) {
                throw new IllegalArgumentException("receiveBatch must be 1 to 1024, was " + datagrams);
            }
            this.receiveBatch = datagrams;
            return this;
        }

        /**
         * The most bytes queued for sending; default 1 MiB. A send that finds the queue at or over
         * it returns {@code false}: UDP has no backpressure, so the caller decides whether to drop.
         *
         * @param bytes at least {@link UdpOptions#MAX_DATAGRAM}
         * @return this builder
         * @throws IllegalArgumentException when smaller
         */
        public Builder sendQueueLimit(int bytes) {
            if (bytes < MAX_DATAGRAM) {
                throw new IllegalArgumentException("sendQueueLimit must be at least " + MAX_DATAGRAM + ", was " + bytes);
            }
            this.sendQueueLimit = bytes;
            return this;
        }

        /**
         * Hops of sent multicast datagrams; default 1 (this link only).
         *
         * @param hops 0 to 255
         * @return this builder
         * @throws IllegalArgumentException outside that range
         */
        public Builder multicastTtl(int hops) {
            if (hops < 0 || hops > 255) throw new IllegalArgumentException("multicastTtl must be 0 to 255, was " + hops);
            this.multicastTtl = hops;
            return this;
        }

        /**
         * Whether multicast datagrams this host sends come back to its own member sockets; default {@code true}.
         *
         * @param on {@code false} not to receive one's own multicast
         * @return this builder
         */
        public Builder multicastLoopback(boolean on) { this.multicastLoopback = on; return this; }

        /**
         * The interface multicast datagrams are sent from; default {@code null}, the system's choice.
         *
         * @param networkInterface an interface, or {@code null}
         * @return this builder
         */
        public Builder multicastInterface(NetworkInterface networkInterface) { this.multicastInterface = networkInterface; return this; }

        /**
         * The options.
         *
         * @return an immutable instance
         */
        public UdpOptions build() {
            return new UdpOptions(this);
        }

        private static int nonNegative(int value, String name) {
            if (value < 0) throw new IllegalArgumentException(name + " must not be negative, was " + value);
            return value;
        }
    }
}
