package io.netloop.benchmarks.servers;

import io.netloop.EventLoopGroup;
import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The UDP echo peer on netloop's public API: one UDP socket per loop on one port
 * ({@code SO_REUSEPORT} when there are several loops), each datagram sent back to its sender from
 * the callback.
 *
 * <pre>{@code
 * PeerServer s = NetloopUdpServer.start("epoll-et", 0, 1);
 * }</pre>
 */
final class NetloopUdpServer implements PeerServer {
    private final EventLoopGroup group;
    private final List<UdpSocket> sockets;

    private NetloopUdpServer(EventLoopGroup group, List<UdpSocket> sockets) {
        this.group = group;
        this.sockets = sockets;
    }

    static NetloopUdpServer start(String backend, int port, int threads) throws Exception {
        EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(threads).build();
        // A large receive buffer, as a UDP server under load is given: the kernel drops what arrives while it is full.
        UdpOptions options = UdpOptions.builder().reusePort(threads > 1).receiveBufferSize(4 << 20).build();
        UdpHandler echo = (socket, data, sender, truncated) -> socket.send(data, sender);
        List<UdpSocket> sockets = new ArrayList<>();
        try {
            UdpSocket first = group.bindUdp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), options, echo)
                    .get(10, TimeUnit.SECONDS);
            sockets.add(first);
            for (int i = 1; i < threads; i++) { // round robin: one socket on each further loop
                sockets.add(group.bindUdp(first.localAddress(), options, echo).get(10, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            group.close();
            throw e;
        }
        System.err.println("netloop udp: backend " + group.backendId() + ", " + threads + " socket(s)");
        return new NetloopUdpServer(group, sockets);
    }

    @Override
    public int port() {
        return sockets.get(0).localAddress().getPort();
    }

    @Override
    public List<Thread> ioThreads() {
        return BenchServer.threadsNamed("netloop-");
    }

    @Override
    public int connections() {
        return sockets.size();
    }

    @Override
    public void close(long timeoutMillis) {
        for (UdpSocket s : sockets) {
            s.close();
        }
        try {
            group.shutdownGracefully(Duration.ofMillis(timeoutMillis)).get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            System.err.println("netloop udp: shutdown: " + e);
        }
    }
}
