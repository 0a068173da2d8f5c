package io.netloop.benchmarks.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatcher;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The peer server on Netty 4.2, written as a Netty user after throughput would: the 4.2
 * {@link MultiThreadIoEventLoopGroup} with {@link EpollIoHandler} or {@link NioIoHandler}, one group
 * for accepting and serving (as netloop does), pooled buffers, {@code TCP_NODELAY}, writes with the
 * void promise and one flush per read batch.
 *
 * <pre>{@code
 * PeerServer s = NettyServer.start(true, Mode.ECHO, 0, 1, "pooled");
 * }</pre>
 */
final class NettyServer implements PeerServer {
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final List<Thread> threads;
    private final AtomicInteger connections;
    private final ChannelGroup all;

    private NettyServer(EventLoopGroup group, Channel serverChannel, List<Thread> threads,
                        AtomicInteger connections, ChannelGroup all) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.threads = threads;
        this.connections = connections;
        this.all = all;
    }

    static NettyServer start(boolean epoll, Mode mode, int port, int threadCount, String allocatorName) throws Exception {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty samples 1 buffer in 128 for leak tracking by default, recording stack traces:
            // production servers tuned for throughput turn it off.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("Netty epoll is not available", Epoll.unavailabilityCause());
        }
        ByteBufAllocator allocator = switch (allocatorName) {
            case "pooled" -> PooledByteBufAllocator.DEFAULT;
            case "adaptive" -> new AdaptiveByteBufAllocator(); // 4.2's own default
            default -> throw new IllegalArgumentException("--netty-allocator must be pooled or adaptive, was " + allocatorName);
        };
        String transport = epoll ? "epoll" : "nio";
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("netty-" + transport) {
            @Override
            protected Thread newThread(Runnable r, String name) {
                Thread t = super.newThread(r, name);
                threads.add(t);
                return t;
            }
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threadCount, threadFactory, io);
        AtomicInteger connections = new AtomicInteger();
        // Every accepted channel, for broadcast and for a graceful close; a channel leaves when it closes.
        ChannelGroup all = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
        ChannelHandler echo = new EchoHandler(connections); // @Sharable
        Class<? extends ServerChannel> serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // Netty's defaults are 32/64 KiB, as netloop's; broadcast raises the high mark to the drop threshold.
        WriteBufferWaterMark marks = mode == Mode.ECHO
                ? WriteBufferWaterMark.DEFAULT
                : new WriteBufferWaterMark(Mode.BROADCAST_MAX_PENDING / 2, Mode.BROADCAST_MAX_PENDING);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverChannelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        all.add(ch);
                        ch.pipeline().addLast(mode == Mode.ECHO ? echo : new BroadcastHandler(all, connections));
                    }
                });
        Channel server;
        try {
            server = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        System.err.println("netty: transport " + transport + ", " + threadCount + " thread(s), allocator " + allocatorName
                + ", leak detection " + ResourceLeakDetector.getLevel()
                + ", unsafe " + (PlatformDependent.hasUnsafe() ? "on" : "off (JDK 25+ needs --sun-misc-unsafe-memory-access=allow)"));
        return new NettyServer(group, server, threads, connections, all);
    }

    @Override
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public List<Thread> ioThreads() {
        return List.copyOf(threads);
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public void close(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        serverChannel.close().awaitUninterruptibly(timeoutMillis);
        // close() discards output not yet sent: close each channel once what is queued has gone.
        List<Channel> open = List.copyOf(all);
        for (Channel ch : open) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ch.close());
        }
        for (Channel ch : open) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || !ch.closeFuture().awaitUninterruptibly(left)) {
                break; // the group's shutdown closes what is left
            }
        }
        if (!group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMillis + 1_000)) {
            System.err.println("netty: event loops did not end within " + timeoutMillis + " ms");
        }
    }

    /** Writes what it reads back; stops reading while the channel is not writable. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final AtomicInteger connections;

        EchoHandler(AtomicInteger connections) {
            this.connections = connections;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connections.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections.decrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Splits input into lines (by hand: {@code LineBasedFrameDecoder} is in netty-codec) and writes
     * each complete line to every other member, flushing them once per read batch.
     */
    static final class BroadcastHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup members;
        private final AtomicInteger connections;
        private ChannelMatcher others;
        /** The start of a line whose end has not arrived yet, or null. */
        private ByteBuf partial;
        private boolean wrote;

        BroadcastHandler(ChannelGroup members, AtomicInteger connections) {
            this.members = members;
            this.connections = connections;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            others = ChannelMatchers.isNot(ctx.channel());
            connections.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections.decrementAndGet();
            if (partial != null) {
                partial.release();
                partial = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                int eol;
                while ((eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
                    int length = eol + 1 - in.readerIndex();
                    ByteBuf line;
                    if (partial != null) {
                        if (partial.readableBytes() + length > Mode.BROADCAST_MAX_LINE) {
                            ctx.close();
                            return;
                        }
                        line = partial.writeBytes(in, length);
                        partial = null;
                    } else {
                        line = in.readRetainedSlice(length);
                    }
                    // Each member gets a retained duplicate; the group releases line afterwards.
                    members.write(line, others, true);
                    wrote = true;
                }
                if (in.isReadable()) {
                    if (partial == null) {
                        partial = ctx.alloc().buffer(Math.max(256, in.readableBytes()));
                    } else if (partial.readableBytes() + in.readableBytes() > Mode.BROADCAST_MAX_LINE) {
                        ctx.close();
                        return;
                    }
                    partial.writeBytes(in);
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (wrote) {
                wrote = false;
                members.flush(others);
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                ctx.close(); // more than BROADCAST_MAX_PENDING queued: a client too slow to keep
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
