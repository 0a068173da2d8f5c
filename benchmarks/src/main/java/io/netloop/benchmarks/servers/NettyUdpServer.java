package io.netloop.benchmarks.servers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The UDP echo peer on Netty 4.2, configured as a Netty user after throughput would: epoll's
 * {@link EpollDatagramChannel} with {@code recvmmsg} turned on (a maximum datagram payload and a
 * receive buffer of 16 datagrams, as Netty's documentation of {@code MAX_DATAGRAM_PAYLOAD_SIZE}
 * says), pooled buffers, replies written with the void promise and flushed once per read batch;
 * with several threads, one channel per thread on one port ({@code SO_REUSEPORT}).
 *
 * <pre>{@code
 * PeerServer s = NettyUdpServer.start(true, 0, 1);
 * }</pre>
 */
final class NettyUdpServer implements PeerServer {
    /** Largest datagram the echo receives whole; the benchmark sends 64 bytes. */
    private static final int MAX_PAYLOAD = 2048;
    private static final int DATAGRAMS_PER_READ = 16;

    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final List<Thread> threads;

    private NettyUdpServer(EventLoopGroup group, List<Channel> channels, List<Thread> threads) {
        this.group = group;
        this.channels = channels;
        this.threads = threads;
    }

    @ChannelHandler.Sharable
    private static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        Echo() {
            super(false); // the packet's buffer is written back, not released here
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    static NettyUdpServer start(boolean epoll, int port, int threadCount) throws Exception {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("Netty epoll is not available", Epoll.unavailabilityCause());
        }
        String transport = epoll ? "epoll" : "nio";
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("netty-udp-" + transport) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread t = super.newThread(r, name);
                threads.add(t);
                return t;
            }
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threadCount, threadFactory, io);
        Echo echo = new Echo();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_PAYLOAD * DATAGRAMS_PER_READ))
                .handler(echo);
        if (epoll) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_PAYLOAD);
            if (threadCount > 1) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
        } else if (threadCount > 1) {
            throw new IllegalArgumentException("netty-nio's UDP echo is one channel; --threads must be 1");
        }
        List<Channel> channels = new ArrayList<>();
        try {
            Channel first = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
            channels.add(first);
            for (int i = 1; i < threadCount; i++) {
                channels.add(b.bind(first.localAddress()).sync().channel());
            }
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        System.err.println("netty udp: transport " + transport + ", " + threadCount + " channel(s), recvmmsg "
                + (epoll ? "on (" + DATAGRAMS_PER_READ + " x " + MAX_PAYLOAD + " B)" : "n/a"));
        return new NettyUdpServer(group, channels, threads);
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channels.get(0).localAddress()).getPort();
    }

    @Override
    public List<Thread> ioThreads() {
        return List.copyOf(threads);
    }

    @Override
    public int connections() {
        return channels.size();
    }

    @Override
    public void close(long timeoutMillis) {
        for (Channel c : channels) {
            c.close();
        }
        group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMillis + 1000);
    }
}
