package io.netloop.benchmarks.servers;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The peer server on netloop's public API, on one named backend ({@code epoll-et}, {@code epoll-lt}, {@code nio}).
 *
 * <pre>{@code
 * PeerServer s = NetloopServer.start("epoll-et", Mode.ECHO, 0, 1);
 * }</pre>
 */
final class NetloopServer implements PeerServer {
    private final EventLoopGroup group;
    private final Listener listener;
    private final AtomicInteger connections;

    /** The listener on a Unix-domain socket beside the TCP one ({@code --unix}), or {@code null}. */
    private final Listener unixListener;

    private NetloopServer(EventLoopGroup group, Listener listener, Listener unixListener, AtomicInteger connections) {
        this.group = group;
        this.listener = listener;
        this.unixListener = unixListener;
        this.connections = connections;
    }

    static NetloopServer start(String backend, Mode mode, int port, int threads) throws Exception {
        return start(backend, mode, port, threads, null);
    }

    /** @param unixPath also listen on this Unix-domain socket path, with the same handlers; or {@code null} */
    static NetloopServer start(String backend, Mode mode, int port, int threads, Path unixPath) throws Exception {
        EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(threads).build();
        AtomicInteger connections = new AtomicInteger();
        SocketOptions options;
        Supplier<ConnectionHandler> handlers;
        if (mode == Mode.ECHO) {
            options = SocketOptions.defaults(); // TCP_NODELAY, 32/64 KiB watermarks, as Netty's defaults
            EchoHandler echo = new EchoHandler(connections); // stateless: one for all connections
            handlers = () -> echo;
        } else {
            // The high watermark is the drop threshold: unwritable means more than 4 MiB is queued.
            options = SocketOptions.builder()
                    .writeBufferWaterMarks(Mode.BROADCAST_MAX_PENDING / 2, Mode.BROADCAST_MAX_PENDING)
                    .build();
            Hub hub = new Hub();
            handlers = () -> new BroadcastHandler(hub, connections);
        }
        Listener listener;
        Listener unixListener = null;
        try {
            listener = group.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), options, handlers);
            if (unixPath != null) {
                Files.deleteIfExists(unixPath); // a socket file left by an earlier run that was killed
                unixListener = group.listen(UnixDomainSocketAddress.of(unixPath), options, handlers);
            }
        } catch (Exception e) {
            group.close();
            throw e;
        }
        return new NetloopServer(group, listener, unixListener, connections);
    }

    @Override
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public List<Thread> ioThreads() {
        return BenchServer.threadsNamed("netloop-");
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public void close(long timeoutMillis) {
        listener.close();
        if (unixListener != null) {
            unixListener.close();
        }
        try {
            group.shutdownGracefully(Duration.ofMillis(timeoutMillis)).get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            System.err.println("netloop: loops did not end within " + timeoutMillis + " ms");
        } catch (Exception e) {
            System.err.println("netloop: shutdown failed: " + e);
        }
    }

    /**
     * Echo, with the sample's backpressure: stop reading while the echo is not being taken, so a
     * peer that sends without reading cannot make the server queue without bound.
     */
    static final class EchoHandler implements ConnectionHandler {
        private final AtomicInteger connections;

        EchoHandler(AtomicInteger connections) {
            this.connections = connections;
        }

        @Override
        public void onOpen(Connection connection) {
            connections.incrementAndGet();
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) {
            connection.write(data);
            if (!connection.isWritable()) {
                connection.pauseReading();
            }
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            if (writable) {
                connection.resumeReading();
            }
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            connections.decrementAndGet();
        }
    }

    /**
     * The members of a broadcast: an array replaced on every join and leave, so the per-line fan-out
     * iterates a snapshot without a lock or an iterator, and may drop members while it iterates.
     */
    static final class Hub {
        private static final Connection[] NONE = new Connection[0];
        private volatile Connection[] members = NONE;

        synchronized void add(Connection c) {
            Connection[] old = members;
            Connection[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = c;
            members = grown;
        }

        synchronized void remove(Connection c) {
            Connection[] old = members;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == c) {
                    Connection[] shrunk = new Connection[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    members = shrunk;
                    return;
                }
            }
        }

        /** Sends {@code line} (its remaining bytes) to every member but {@code from}; leaves it consumed. */
        void send(Connection from, ByteBuffer line) {
            int start = line.position();
            for (Connection to : members) {
                if (to != from) {
                    line.position(start);
                    to.write(line); // copies; from another loop's thread it is handed to that loop
                }
            }
            line.position(line.limit());
        }
    }

    /** Splits input into lines and hands each complete one to the hub; one per connection. */
    static final class BroadcastHandler implements ConnectionHandler {
        private final Hub hub;
        private final AtomicInteger connections;
        /** The start of a line whose end has not arrived; null until a line is split across reads. */
        private ByteBuffer partial;

        BroadcastHandler(Hub hub, AtomicInteger connections) {
            this.hub = hub;
            this.connections = connections;
        }

        @Override
        public void onOpen(Connection connection) {
            connections.incrementAndGet();
            hub.add(connection);
        }

        @Override
        public void onData(Connection connection, ByteBuffer data) {
            // Lines are sent straight from the loop's read buffer by moving its position and limit;
            // only a line split across reads is copied, into this connection's partial buffer.
            int end = data.limit();
            int lineStart = data.position();
            for (int i = lineStart; i < end; i++) {
                if (data.get(i) != '\n') {
                    continue;
                }
                data.limit(i + 1).position(lineStart);
                if (partial != null && partial.position() > 0) {
                    if (!append(connection, data)) {
                        return;
                    }
                    partial.flip();
                    hub.send(connection, partial);
                    partial.clear();
                } else {
                    hub.send(connection, data);
                }
                data.limit(end);
                lineStart = i + 1;
            }
            if (lineStart < end) {
                data.position(lineStart);
                append(connection, data);
            }
        }

        private boolean append(Connection connection, ByteBuffer data) {
            int need = (partial == null ? 0 : partial.position()) + data.remaining();
            if (need > Mode.BROADCAST_MAX_LINE) {
                connection.abort();
                return false;
            }
            if (partial == null || partial.capacity() < need) {
                ByteBuffer grown = ByteBuffer.allocate(Math.max(256, Integer.highestOneBit(need - 1) << 1));
                if (partial != null) {
                    grown.put(partial.flip());
                }
                partial = grown;
            }
            partial.put(data);
            return true;
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            if (!writable) {
                connection.abort(); // more than BROADCAST_MAX_PENDING queued: a client too slow to keep
            }
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            hub.remove(connection);
            connections.decrementAndGet();
        }
    }
}
