package io.netloop.benchmarks.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The peer server as a JDK user writes it without a framework: one thread, one {@link Selector},
 * a direct buffer per connection, {@code OP_WRITE} only while a write is incomplete.
 *
 * <p>The one departure from the textbook loop is {@link Selector#select(Consumer)} (JDK 11) instead
 * of iterating {@link Selector#selectedKeys()}: adding a key to the selected-key set allocates a
 * hash-map node per ready channel, the callback form allocates nothing.
 *
 * <pre>{@code
 * PeerServer s = JdkSelectorServer.start(Mode.ECHO, 0);
 * }</pre>
 */
final class JdkSelectorServer implements PeerServer, Runnable {
    /** Per connection in echo mode (what was read and not yet echoed); the shared read buffer in broadcast. */
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Initial output buffer of a broadcast client; it doubles as needed up to the drop threshold. */
    private static final int OUTPUT_SIZE = 16 * 1024;

    private final Mode mode;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final int port;
    private final Thread thread;
    /** One instance for every select: a method reference made per call would allocate. */
    private final Consumer<SelectionKey> onReady = this::onReady;

    private volatile boolean stopping;
    private volatile long stopDeadlineNanos;
    /** Written by the selector thread only. */
    private volatile int connections;

    // Selector thread only.
    private final ByteBuffer readBuffer; // broadcast: every connection reads into it in turn
    private final List<Client> clients = new ArrayList<>();
    private Client[] dirty = new Client[64];
    private int dirtyCount;
    private boolean anyClosed;

    private static final class Client {
        final SocketChannel channel;
        SelectionKey key;
        /** Echo: bytes read and not yet written back. Broadcast: output queued, in write mode. */
        ByteBuffer buffer;
        /** Broadcast: the start of a line whose end has not arrived, or null. */
        ByteBuffer partial;
        boolean dirty;
        boolean closed;

        Client(SocketChannel channel, ByteBuffer buffer) {
            this.channel = channel;
            this.buffer = buffer;
        }
    }

    private JdkSelectorServer(Mode mode, Selector selector, ServerSocketChannel server) throws IOException {
        this.mode = mode;
        this.selector = selector;
        this.server = server;
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        this.readBuffer = mode == Mode.BROADCAST ? ByteBuffer.allocateDirect(BUFFER_SIZE) : null;
        this.thread = new Thread(this, "jdk-selector");
    }

    static JdkSelectorServer start(Mode mode, int port) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        JdkSelectorServer s = new JdkSelectorServer(mode, selector, server);
        s.thread.start();
        return s;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public List<Thread> ioThreads() {
        return List.of(thread);
    }

    @Override
    public int connections() {
        return connections;
    }

    @Override
    public void close(long timeoutMillis) {
        stopDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        stopping = true;
        selector.wakeup();
        try {
            thread.join(timeoutMillis + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            System.err.println("jdk-selector: the selector thread did not end within " + timeoutMillis + " ms");
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                selector.select(onReady);
                afterBatch();
            }
            drainAndClose();
        } catch (IOException | RuntimeException e) {
            System.err.println("jdk-selector: the selector loop failed: " + e);
            e.printStackTrace();
        } finally {
            try {
                server.close();
                for (SelectionKey k : selector.keys().toArray(SelectionKey[]::new)) {
                    if (k.attachment() instanceof Client c) {
                        closeClient(c);
                    }
                }
                selector.close();
            } catch (IOException e) {
                System.err.println("jdk-selector: closing failed: " + e);
            }
        }
    }

    /** Stops accepting and reading; sends what is queued, closing each client once it has none, until the deadline. */
    private void drainAndClose() throws IOException {
        server.close();
        for (SelectionKey k : selector.keys().toArray(SelectionKey[]::new)) {
            if (k.attachment() instanceof Client c && !c.closed) {
                if (pending(c) == 0) {
                    closeClient(c);
                } else {
                    k.interestOps(SelectionKey.OP_WRITE);
                }
            }
        }
        long left;
        while (connections > 0 && (left = TimeUnit.NANOSECONDS.toMillis(stopDeadlineNanos - System.nanoTime())) > 0) {
            selector.select(onReady, left);
            afterBatch();
        }
    }

    private int pending(Client c) {
        return mode == Mode.ECHO ? c.buffer.remaining() : c.buffer.position();
    }

    private void onReady(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept();
            return;
        }
        Client c = (Client) key.attachment();
        try {
            if (mode == Mode.ECHO) {
                if (key.isWritable()) {
                    echoWrite(c);
                }
                if (key.isValid() && key.isReadable()) {
                    echoRead(c);
                }
            } else {
                if (key.isWritable()) {
                    flushOutput(c);
                }
                if (!c.closed && key.isReadable()) {
                    broadcastRead(c);
                }
            }
        } catch (IOException e) {
            closeClient(c);
        }
    }

    private void accept() {
        SocketChannel ch;
        try {
            while ((ch = server.accept()) != null) {
                try {
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Client c = new Client(ch, ByteBuffer.allocateDirect(mode == Mode.ECHO ? BUFFER_SIZE : OUTPUT_SIZE));
                    c.key = ch.register(selector, SelectionKey.OP_READ, c);
                    connections++; // only this thread writes
                    if (mode == Mode.BROADCAST) {
                        clients.add(c);
                    }
                } catch (IOException e) {
                    ch.close();
                }
            }
        } catch (IOException e) {
            // EMFILE and the like: the pending connection stays in the backlog; try again on the next event
        }
    }

    // ---- echo ----

    private void echoRead(Client c) throws IOException {
        ByteBuffer buf = c.buffer;
        int n = c.channel.read(buf);
        if (n < 0) {
            closeClient(c);
            return;
        }
        if (n == 0) {
            return;
        }
        buf.flip();
        c.channel.write(buf);
        if (buf.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_WRITE); // and stop reading until the echo is out
        } else {
            buf.clear();
        }
    }

    private void echoWrite(Client c) throws IOException {
        ByteBuffer buf = c.buffer;
        c.channel.write(buf);
        if (!buf.hasRemaining()) {
            buf.clear();
            if (stopping) {
                closeClient(c);
            } else {
                c.key.interestOps(SelectionKey.OP_READ);
            }
        }
    }

    // ---- broadcast ----

    private void broadcastRead(Client from) throws IOException {
        ByteBuffer in = readBuffer;
        in.clear();
        int n = from.channel.read(in);
        if (n < 0) {
            closeClient(from);
            return;
        }
        int lineStart = 0;
        for (int i = 0; i < n; i++) {
            if (in.get(i) != '\n') {
                continue;
            }
            if (from.partial != null && from.partial.position() > 0) {
                if (!appendPartial(from, in, lineStart, i + 1 - lineStart)) {
                    return;
                }
                ByteBuffer p = from.partial;
                fanOut(from, p, 0, p.position());
                p.clear();
            } else {
                fanOut(from, in, lineStart, i + 1 - lineStart);
            }
            lineStart = i + 1;
        }
        if (lineStart < n) {
            appendPartial(from, in, lineStart, n - lineStart);
        }
    }

    private boolean appendPartial(Client c, ByteBuffer src, int offset, int length) {
        ByteBuffer p = c.partial;
        int need = (p == null ? 0 : p.position()) + length;
        if (need > Mode.BROADCAST_MAX_LINE) {
            closeClient(c);
            return false;
        }
        if (p == null || p.capacity() < need) {
            ByteBuffer grown = ByteBuffer.allocate(Math.max(256, Integer.highestOneBit(need - 1) << 1));
            if (p != null) {
                grown.put(p.flip());
            }
            c.partial = p = grown;
        }
        p.put(p.position(), src, offset, length);
        p.position(p.position() + length);
        return true;
    }

    /** Queues {@code src[offset, offset + length)} on every client but {@code from}; sent after this batch of events. */
    private void fanOut(Client from, ByteBuffer src, int offset, int length) {
        for (int i = 0, size = clients.size(); i < size; i++) {
            Client to = clients.get(i);
            if (to == from || to.closed) {
                continue;
            }
            ByteBuffer out = to.buffer;
            int queued = out.position() + length;
            if (queued > Mode.BROADCAST_MAX_PENDING) {
                closeClient(to); // a client too slow to keep
                continue;
            }
            if (out.capacity() < queued) {
                ByteBuffer grown = ByteBuffer.allocateDirect(Integer.highestOneBit(queued - 1) << 1);
                grown.put(out.flip());
                to.buffer = out = grown;
            }
            out.put(out.position(), src, offset, length);
            out.position(queued);
            if (!to.dirty) {
                to.dirty = true;
                if (dirtyCount == dirty.length) {
                    dirty = java.util.Arrays.copyOf(dirty, dirtyCount * 2);
                }
                dirty[dirtyCount++] = to;
            }
        }
    }

    private void flushOutput(Client c) throws IOException {
        ByteBuffer out = c.buffer;
        out.flip();
        try {
            c.channel.write(out);
        } finally {
            out.compact();
        }
        if (out.position() > 0) {
            c.key.interestOps(stopping ? SelectionKey.OP_WRITE : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else if (stopping) {
            closeClient(c);
        } else {
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** Sends what this batch of events queued, then forgets closed clients. */
    private void afterBatch() {
        for (int i = 0; i < dirtyCount; i++) {
            Client c = dirty[i];
            dirty[i] = null;
            c.dirty = false;
            if (!c.closed && (c.key.interestOps() & SelectionKey.OP_WRITE) == 0) {
                try {
                    flushOutput(c);
                } catch (IOException e) {
                    closeClient(c);
                }
            }
        }
        dirtyCount = 0;
        if (anyClosed) {
            anyClosed = false;
            int kept = 0;
            for (int i = 0, size = clients.size(); i < size; i++) {
                Client c = clients.get(i);
                if (!c.closed) {
                    clients.set(kept++, c);
                }
            }
            clients.subList(kept, clients.size()).clear();
        }
    }

    private void closeClient(Client c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        anyClosed = true;
        connections--;
        if (c.key != null) {
            c.key.cancel();
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
