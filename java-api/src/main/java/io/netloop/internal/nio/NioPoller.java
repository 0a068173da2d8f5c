package io.netloop.internal.nio;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.internal.readiness.DatagramSocketOps;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.internal.readiness.StreamSocket;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/** A {@link ReadinessPoller} on the JDK's {@link Selector}. Level-triggered. */
final class NioPoller implements ReadinessPoller {
    private final Selector selector;
    /** Gather array for writes, reused by every socket of this loop. */
    final ByteBuffer[] gather = new ByteBuffer[StreamSocket.MAX_GATHER];
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    /** The recorder of the wait in progress; loop thread. */
    private WaitRecorder waits;
    private final int maxUnixPathBytes;

    /** @param maxUnixPathBytes the longest Unix-domain path the JDK takes on this OS (see {@link NioBackend}) */
    NioPoller(int maxUnixPathBytes) throws IOException {
        this.selector = Selector.open();
        this.maxUnixPathBytes = maxUnixPathBytes;
    }

    /** Paths through {@link UnixDomainSocketAddress}; no abstract names (the JDK's channels bind none). */
    @Override
    public int maxUnixPathBytes() {
        return maxUnixPathBytes;
    }

    @Override
    public boolean edgeTriggered() {
        return false;
    }

    @Override
    public boolean supportsReusePort() {
        return false; // the JDK's SO_REUSEPORT is not portable; one socket accepts for all loops
    }

    @Override
    public void register(PollableSocket socket, ReadyHandler handler, int interest) throws IOException {
        NioSocket s = (NioSocket) socket;
        s.key = s.channel().register(selector, s.toOps(interest), handler);
    }

    @Override
    public void setInterest(PollableSocket socket, int interest) {
        NioSocket s = (NioSocket) socket;
        if (s.key != null && s.key.isValid()) {
            s.key.interestOps(s.toOps(interest));
        }
    }

    @Override
    public void deregister(PollableSocket socket) {
        NioSocket s = (NioSocket) socket;
        if (s.key != null) {
            s.key.cancel();
            s.key = null;
        }
    }

    @Override
    public void poll(long timeoutNanos, WaitRecorder waits) throws IOException {
        // The selector calls back per key as it goes: the wait ends at the first key.
        this.waits = waits;
        waits.beforeWait(timeoutNanos);
        int n;
        if (timeoutNanos == 0) {
            n = selector.selectNow(dispatch);
        } else if (timeoutNanos < 0) {
            n = selector.select(dispatch);
        } else {
            // Round up: a timer must not find the loop awake a little too early, then spin.
            n = selector.select(dispatch, Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
        }
        waits.afterWait(n);
    }

    private void dispatch(SelectionKey key) {
        waits.waitEnded();
        if (!key.isValid()) {
            return;
        }
        int ready = key.readyOps();
        int ops = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ops |= READ;
        }
        if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ops |= WRITE;
        }
        ((ReadyHandler) key.attachment()).onReady(ops);
    }

    /**
     * Completes the close of channels whose keys were cancelled. The JDK defers closing a registered
     * listening channel until its selector deregisters the key, so without this the port would go
     * on accepting after the listener closed. Events this select skips are reported again: the
     * JDK's selector is level-triggered.
     */
    void flushCancelledKeys() {
        try {
            selector.selectNow(key -> { });
        } catch (IOException ignored) {
            // the selector is closing; it deregisters everything then
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing more can be done with a selector that fails to close
        }
    }

    @Override
    public ListenSocket listen(SocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(family(local));
        try {
            ch.configureBlocking(false);
            if (!(local instanceof UnixDomainSocketAddress)) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            }
            if (options.receiveBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            ch.bind(local, options.backlog());
            return new NioListenSocket(this, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw NioErrors.translate("bind", e);
        }
    }

    @Override
    public StreamSocket connect(SocketAddress remote, SocketOptions options) throws IOException {
        SocketChannel ch = SocketChannel.open(family(remote));
        try {
            ch.configureBlocking(false);
            configure(ch, options);
            ch.connect(remote);
            return new NioStreamSocket(this, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw NioErrors.translate("connect", e);
        }
    }

    /**
     * A {@link DatagramChannel} of {@code local}'s family; the JDK's IPv6 channel is dual-stack. The
     * JDK has no {@code IPV6_V6ONLY}: with {@link UdpOptions#ipv6Only()} the socket drops datagrams
     * from IPv4 senders itself (the port's IPv4 side stays taken).
     */
    @Override
    public DatagramSocketOps openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options)
            throws IOException {
        DatagramChannel ch = DatagramChannel.open(family(local));
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.reusePort() && ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (options.sendBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
            }
            if (options.receiveBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            ch.setOption(StandardSocketOptions.SO_BROADCAST, options.broadcast());
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, options.multicastTtl());
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, options.multicastLoopback());
            if (options.multicastInterface() != null) {
                ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, options.multicastInterface());
            }
            ch.bind(local);
            if (remote != null) {
                ch.connect(remote);
            }
            boolean v6Only = options.ipv6Only() && local.getAddress() instanceof Inet6Address;
            return new NioDatagramSocket(ch, remote != null, options.maxDatagramSize(), v6Only);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw NioErrors.translate(remote != null ? "connect" : "bind", e);
        }
    }

    /** The accepting loop's socket shares that loop's {@link #gather} array; this loop needs its own. */
    @Override
    public StreamSocket adopt(StreamSocket accepted) {
        return new NioStreamSocket(this, (SocketChannel) ((NioStreamSocket) accepted).channel());
    }

    /** Applies {@code options}; to a Unix-domain channel only the buffer sizes (the rest are TCP's). */
    static void configure(SocketChannel ch, SocketOptions options) throws IOException {
        if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
        }
        if (options.sendBufferSize() > 0) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
        if (options.receiveBufferSize() > 0) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
    }

    private static StandardProtocolFamily family(SocketAddress a) {
        if (a instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        if (!(a instanceof InetSocketAddress inet)) {
            // The group admits abstract names only on Linux's native backends; this is the last guard.
            throw new IllegalArgumentException("the nio backend takes no " + a.getClass().getSimpleName() + ": " + a);
        }
        return inet.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** Common to both NIO socket kinds: the channel and its key. */
    abstract static class NioSocket implements PollableSocket {
        SelectionKey key;

        abstract SelectableChannel channel();

        abstract int toOps(int interest);
    }
}
