package io.netloop.benchmarks.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.function.Consumer;

/**
 * The UDP echo peer as a JDK user writes it: one thread, one non-blocking {@link DatagramChannel}
 * on a {@link Selector}, one direct buffer; on each wake-up it receives until the socket is empty
 * and sends each datagram back to its sender (a send the socket cannot take now is dropped, as
 * UDP does).
 *
 * <pre>{@code
 * PeerServer s = JdkUdpServer.start(0);
 * }</pre>
 */
final class JdkUdpServer implements PeerServer, Runnable {
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Consumer<SelectionKey> onReady = k -> echo();
    private volatile boolean stopping;

    private JdkUdpServer(DatagramChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
        this.thread = new Thread(this, "jdk-udp");
    }

    static JdkUdpServer start(int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        JdkUdpServer s = new JdkUdpServer(channel, selector);
        s.thread.start();
        return s;
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                selector.select(onReady, 100);
            }
        } catch (IOException e) {
            System.err.println("jdk udp: " + e);
        }
    }

    private void echo() {
        try {
            SocketAddress sender;
            while ((sender = channel.receive(buffer.clear())) != null) {
                channel.send(buffer.flip(), sender);
            }
        } catch (IOException e) {
            System.err.println("jdk udp: " + e);
        }
    }

    @Override
    public int port() {
        return channel.socket().getLocalPort();
    }

    @Override
    public List<Thread> ioThreads() {
        return List.of(thread);
    }

    @Override
    public int connections() {
        return 1;
    }

    @Override
    public void close(long timeoutMillis) {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(timeoutMillis);
            channel.close();
            selector.close();
        } catch (InterruptedException | IOException e) {
            System.err.println("jdk udp: close: " + e);
        }
    }
}
