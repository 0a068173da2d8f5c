package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.EventLoopGroup;
import io.netloop.UdpHandler;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * UDP sockets ({@link EventLoopGroup#bindUdp}, {@link EventLoopGroup#connectUdp}) on real loopback
 * sockets: boundaries kept, the largest datagrams, truncation reported, many peers, IPv6 and
 * dual-stack, connected sockets and ICMP, bad input, {@code SO_REUSEPORT}, multicast, pausing,
 * closing with datagrams queued, the send queue's limit, no descriptor or native memory left
 * behind, and interop with {@code nc -u} and {@code socat}.
 *
 * <p>UDP may drop datagrams, even on loopback when a receive buffer overflows; the tests keep few
 * datagrams in flight (a window, or one per peer) so that a loss is a bug, not the kernel's right.
 */
public interface UdpConformance extends ConformanceContext {

    /** The largest payload of one IPv4 datagram: 65,535 less the 20-byte IP and 8-byte UDP headers. */
    int MAX_IPV4_PAYLOAD = 65_507;

    /**
     * Whether the backend under test binds several UDP sockets to one port with
     * {@link UdpOptions#reusePort()}: the Linux backends do; a backend that cannot fails the second
     * bind with a {@link BindException} (its test class overrides this to say so).
     */
    default boolean udpReusePortSupported() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    /**
     * The most bytes the loop threads may allocate per echoed datagram once warm; 2 (nothing but a
     * rare allocation outside the path). A backend whose wait itself may allocate overrides it,
     * saying why.
     */
    default double udpAllocationBoundPerDatagram() {
        return 2.0;
    }

    // ---- helpers ----

    private UdpSocket bind(EventLoopGroup group, InetSocketAddress local, UdpOptions options, UdpHandler handler) {
        return Await.get(group.bindUdp(local, options, handler), "bindUdp " + local);
    }

    private static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    private static DatagramSocket jdkSocket(InetAddress address) throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0));
        s.setSoTimeout((int) Await.LIMIT.toMillis());
        s.setReceiveBufferSize(1 << 20);
        return s;
    }

    private static byte[] receive(DatagramSocket s, int max) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[max], max);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            fail("no datagram within " + Await.LIMIT.toSeconds() + " s at " + s.getLocalSocketAddress());
        }
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static Map<ByteBuffer, Integer> multiset(List<byte[]> datagrams) {
        Map<ByteBuffer, Integer> m = new HashMap<>();
        for (byte[] d : datagrams) {
            m.merge(ByteBuffer.wrap(d), 1, Integer::sum);
        }
        return m;
    }

    // ---- boundaries and sizes ----

    @Test
    default void udp_echo_keeps_boundaries_of_many_datagrams_of_random_sizes() {
        EventLoopGroup group = newGroup(2);
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket server = bind(group, Loopback.anyPort(), UdpOptions.defaults(), echo);
        UdpRecorder client = new UdpRecorder();
        UdpSocket c = bind(group, Loopback.anyPort(), UdpOptions.defaults(), client);

        SplittableRandom random = new SplittableRandom(42);
        int window = 16;
        int total = 0;
        for (int round = 0; round < 40; round++) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < window; i++) {
                int size = round == 39 && i < 4 ? new int[] {1473, 8_000, 30_000, 60_000}[i] : random.nextInt(1473);
                byte[] d = Payloads.random(size, round * 1000L + i);
                sent.add(d);
                assertTrue(c.send(buf(d), server.localAddress()), "send #" + total);
                total++;
            }
            List<byte[]> got = new ArrayList<>();
            for (int i = 0; i < window; i++) {
                UdpRecorder.Datagram d = client.next("echo " + i + " of round " + round);
                assertFalse(d.truncated(), "a datagram within maxDatagramSize was marked truncated");
                assertEquals(server.localAddress(), d.sender(), "sender of the echo");
                got.add(d.data());
            }
            assertEquals(multiset(sent), multiset(got), "round " + round + ": the datagrams echoed are not those sent"
                    + " (sizes sent " + sent.stream().map(b -> b.length).toList()
                    + ", received " + got.stream().map(b -> b.length).toList() + ")");
        }
        Await.quietPeriod();
        assertNull(client.poll(0), "more echoes than datagrams sent");
        assertEquals(total, echo.received());
        echo.assertContractHeld();
        client.assertContractHeld();
    }

    @Test
    default void udp_65507_byte_datagram_over_ipv4_both_ways() throws IOException {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));
        peer.setSendBufferSize(1 << 20);

        byte[] big = Payloads.random(MAX_IPV4_PAYLOAD, 7);
        // In: a JDK peer sends the largest IPv4 datagram to netloop.
        peer.send(new DatagramPacket(big, big.length, s.localAddress()));
        UdpRecorder.Datagram d = rec.next("the 65,507-byte datagram");
        assertFalse(d.truncated(), "65,507 bytes fit the default maxDatagramSize");
        Payloads.assertSameBytes(big, d.data(), "65,507-byte datagram received");
        assertEquals(peer.getLocalPort(), d.sender().getPort());

        // Out: netloop sends it back.
        assertTrue(s.send(buf(big), (InetSocketAddress) peer.getLocalSocketAddress()));
        Payloads.assertSameBytes(big, receive(peer, 70_000), "65,507-byte datagram sent");

        // One byte more does not fit an IPv4 datagram: the kernel refuses it and says so (EMSGSIZE).
        byte[] tooBig = new byte[MAX_IPV4_PAYLOAD + 1];
        assertTrue(s.send(buf(tooBig), (InetSocketAddress) peer.getLocalSocketAddress()), "queued; refused by the kernel");
        Await.until(() -> !rec.errors().isEmpty(), "onError for a 65,508-byte IPv4 datagram");
        assertTrue(s.isOpen(), "a refused datagram does not close the socket");
        // The socket goes on: the next datagram is sent.
        assertTrue(s.send(buf(new byte[] {1, 2, 3}), (InetSocketAddress) peer.getLocalSocketAddress()));
        assertArrayEquals(new byte[] {1, 2, 3}, receive(peer, 100));
        // The loop removes a datagram from the queue after the kernel took it, perhaps after the peer has it.
        Await.until(() -> s.pendingSendBytes() == 0, "the queue to empty");
        rec.assertContractHeld();
    }

    @Test
    default void udp_datagram_longer_than_maxDatagramSize_is_reported_truncated_and_the_next_arrives_whole() throws IOException {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.builder().maxDatagramSize(512).build(), rec);
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));

        byte[] long1000 = Payloads.random(1000, 1);
        byte[] exact512 = Payloads.random(512, 2);
        byte[] short300 = Payloads.random(300, 3);
        peer.send(new DatagramPacket(long1000, long1000.length, s.localAddress()));
        peer.send(new DatagramPacket(exact512, exact512.length, s.localAddress()));
        peer.send(new DatagramPacket(short300, short300.length, s.localAddress()));

        UdpRecorder.Datagram cut = rec.next("the 1,000-byte datagram");
        assertTrue(cut.truncated(), "1,000 bytes with maxDatagramSize 512 must be reported truncated");
        assertArrayEquals(Arrays.copyOf(long1000, 512), cut.data(), "the first 512 bytes of the truncated datagram");
        UdpRecorder.Datagram exact = rec.next("the 512-byte datagram");
        assertFalse(exact.truncated(), "exactly maxDatagramSize bytes is not truncated");
        assertArrayEquals(exact512, exact.data());
        UdpRecorder.Datagram whole = rec.next("the 300-byte datagram");
        assertFalse(whole.truncated());
        assertArrayEquals(short300, whole.data());
        rec.assertContractHeld();
    }

    @Test
    default void udp_burst_larger_than_the_receive_budget_is_all_delivered() {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        // 4 per receive: a burst of 150 outlasts any per-event budget, so an edge-triggered poller
        // must come back for the rest without a new edge.
        UdpSocket server = bind(group, Loopback.anyPort(),
                UdpOptions.builder().receiveBatch(4).receiveBufferSize(2 << 20).build(), rec);
        UdpSocket client = bind(group, Loopback.anyPort(), UdpOptions.builder().sendBufferSize(2 << 20).build(), new UdpRecorder());
        int n = 150;
        server.pauseReading(); // the whole burst waits in the kernel, then is read in one go
        Await.loopDrained(server.loop());
        client.loop().execute(() -> {
            for (int i = 0; i < n; i++) {
                client.send(ByteBuffer.wrap(Payloads.random(100, i)), server.localAddress());
            }
        });
        Await.until(() -> client.pendingSendBytes() == 0, "the burst to leave the client");
        Await.loopDrained(client.loop());
        server.resumeReading();
        for (int i = 0; i < n; i++) {
            assertArrayEquals(Payloads.random(100, i), rec.next("datagram " + i + " of the burst").data(), "datagram " + i);
        }
        rec.assertContractHeld();
    }

    /**
     * Bytes allocated on the loop threads per echoed datagram, after warm-up: the receive batch,
     * the handler's views, the senders and the send queue are reused, so the figure is about 0 (on
     * nio too: the JDK reuses its last sender's address). The bound only leaves room for a rare
     * allocation outside the path.
     */
    @Test
    default void udp_echo_allocates_next_to_nothing_per_datagram_on_loop_threads() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not measure per-thread allocation");
        EventLoopGroup group = newGroup(2);
        UdpSocket server = bind(group, Loopback.anyPort(), UdpOptions.defaults(),
                (s, data, sender, truncated) -> s.send(data, sender));
        UdpPingPong pingPong = new UdpPingPong();
        UdpSocket client = bind(group, Loopback.anyPort(), UdpOptions.defaults(), pingPong);
        long[] threads = new long[2];
        for (int i = 0; i < 2; i++) {
            CompletableFuture<Long> id = new CompletableFuture<>();
            group.loops().get(i).execute(() -> id.complete(Thread.currentThread().threadId()));
            threads[i] = Await.get(id, "loop thread id");
        }
        pingPong.run(client, server.localAddress(), 30_000); // warm-up: class loading, JIT
        long before = 0;
        for (long t : threads) {
            before += mx.getThreadAllocatedBytes(t);
        }
        int datagrams = 50_000;
        pingPong.run(client, server.localAddress(), datagrams);
        long after = 0;
        for (long t : threads) {
            after += mx.getThreadAllocatedBytes(t);
        }
        double perDatagram = (after - before) / (double) datagrams;
        assertTrue(perDatagram < udpAllocationBoundPerDatagram(), "loop threads allocated " + perDatagram + " bytes per echoed datagram on "
                + backendId() + " (" + (after - before) + " bytes for " + datagrams + ")");
    }

    /** Sends 64 bytes, sends them again when they come back, {@code n} times; allocates nothing per datagram itself. */
    final class UdpPingPong implements UdpHandler {
        private final ByteBuffer payload = ByteBuffer.allocateDirect(64);
        private volatile CompletableFuture<Void> done;
        private int remaining;

        void run(UdpSocket socket, InetSocketAddress server, int n) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done = f;
            socket.loop().execute(() -> {
                remaining = n;
                socket.send(payload.clear(), server);
            });
            Await.get(f, n + " round trips");
        }

        @Override
        public void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender, boolean truncated) {
            if (--remaining == 0) {
                done.complete(null);
            } else {
                socket.send(data, sender);
            }
        }
    }

    // ---- many peers ----

    @Test
    default void udp_50_peers_each_get_their_own_replies() {
        assumeDescriptors(60);
        EventLoopGroup serverGroup = newGroup(1);
        EventLoopGroup clientGroup = newGroup(2);
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket server = bind(serverGroup, Loopback.anyPort(), UdpOptions.defaults(), echo);
        int peers = 50;
        int rounds = 20;
        List<PingPeer> clients = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            PingPeer p = new PingPeer(i, rounds, server.localAddress());
            clients.add(p);
            bind(clientGroup, Loopback.anyPort(), UdpOptions.defaults(), p);
        }
        for (PingPeer p : clients) {
            p.start();
        }
        for (PingPeer p : clients) {
            Await.get(p.done, "peer " + p.id + "'s " + rounds + " replies");
            assertNull(p.problem, p.problem);
        }
        assertEquals(peers * rounds, echo.received(), "datagrams the echo server received");
        echo.assertContractHeld();
    }

    /** Sends one datagram naming itself and the round, and the next only once the reply came back. */
    final class PingPeer implements UdpHandler {
        final int id;
        final int rounds;
        final InetSocketAddress server;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile String problem;
        volatile UdpSocket socket;
        private int round;

        PingPeer(int id, int rounds, InetSocketAddress server) {
            this.id = id;
            this.rounds = rounds;
            this.server = server;
        }

        @Override
        public void onOpen(UdpSocket s) {
            socket = s;
        }

        void start() {
            socket.loop().execute(this::sendRound);
        }

        private void sendRound() {
            socket.send(ByteBuffer.wrap(("peer " + id + " round " + round).getBytes(StandardCharsets.US_ASCII)), server);
        }

        @Override
        public void onDatagram(UdpSocket s, ByteBuffer data, InetSocketAddress sender, boolean truncated) {
            String text = StandardCharsets.US_ASCII.decode(data).toString();
            String expected = "peer " + id + " round " + round;
            if (!text.equals(expected) || !sender.equals(server)) {
                problem = "peer " + id + " expected \"" + expected + "\" from " + server + ", got \"" + text + "\" from " + sender;
                done.complete(null);
                return;
            }
            if (++round == rounds) {
                done.complete(null);
            } else {
                sendRound();
            }
        }
    }

    // ---- IPv6 and dual stack ----

    @Test
    default void udp_over_ipv6_loopback() {
        assumeTrue(Loopback.ipv6Available(), "IPv6 loopback (::1) is not available here");
        EventLoopGroup group = newGroup(1);
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket server = bind(group, new InetSocketAddress(Loopback.IPV6, 0), UdpOptions.defaults(), echo);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket c = bind(group, new InetSocketAddress(Loopback.IPV6, 0), UdpOptions.defaults(), rec);
        assertEquals(Loopback.IPV6, server.localAddress().getAddress());
        byte[] big = Payloads.random(60_000, 9);
        assertTrue(c.send(buf(big), server.localAddress()));
        UdpRecorder.Datagram d = rec.next("the IPv6 echo");
        Payloads.assertSameBytes(big, d.data(), "IPv6 echo");
        assertEquals(server.localAddress(), d.sender());
        echo.assertContractHeld();
        rec.assertContractHeld();
    }

    @Test
    default void udp_dual_stack_socket_receives_ipv4_and_ipv6_and_replies_to_each() throws IOException {
        assumeTrue(Loopback.ipv6Available(), "IPv6 loopback (::1) is not available here");
        EventLoopGroup group = newGroup(1);
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket server = bind(group, new InetSocketAddress(InetAddress.getByName("::"), 0), UdpOptions.defaults(), echo);
        int port = server.localAddress().getPort();

        DatagramSocket v4 = closeAfterTest(jdkSocket(Loopback.IPV4));
        v4.send(new DatagramPacket(new byte[] {4}, 1, new InetSocketAddress(Loopback.IPV4, port)));
        assertArrayEquals(new byte[] {4}, receive(v4, 10), "reply to the IPv4 peer");
        UdpRecorder.Datagram d4 = echo.next("the IPv4 datagram");
        assertInstanceOf(Inet4Address.class, d4.sender().getAddress(), "an IPv4 sender on a dual-stack socket is an IPv4 address");
        assertEquals(v4.getLocalPort(), d4.sender().getPort());

        DatagramSocket v6 = closeAfterTest(jdkSocket(Loopback.IPV6));
        v6.send(new DatagramPacket(new byte[] {6}, 1, new InetSocketAddress(Loopback.IPV6, port)));
        assertArrayEquals(new byte[] {6}, receive(v6, 10), "reply to the IPv6 peer");
        assertEquals(Loopback.IPV6, echo.next("the IPv6 datagram").sender().getAddress());
        echo.assertContractHeld();
    }

    @Test
    default void udp_ipv6Only_socket_does_not_receive_ipv4() throws IOException {
        assumeTrue(Loopback.ipv6Available(), "IPv6 loopback (::1) is not available here");
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, new InetSocketAddress(InetAddress.getByName("::"), 0),
                UdpOptions.builder().ipv6Only(true).build(), rec);
        DatagramSocket v4 = closeAfterTest(jdkSocket(Loopback.IPV4));
        v4.send(new DatagramPacket(new byte[] {4}, 1, new InetSocketAddress(Loopback.IPV4, s.localAddress().getPort())));
        DatagramSocket v6 = closeAfterTest(jdkSocket(Loopback.IPV6));
        v6.send(new DatagramPacket(new byte[] {6}, 1, new InetSocketAddress(Loopback.IPV6, s.localAddress().getPort())));
        assertArrayEquals(new byte[] {6}, rec.next("the IPv6 datagram").data());
        Await.quietPeriod();
        assertNull(rec.poll(0), "an ipv6Only socket received an IPv4 datagram");
    }

    // ---- connected sockets ----

    @Test
    default void udp_connected_socket_sends_without_target_and_receives_only_from_its_peer() throws IOException {
        EventLoopGroup group = newGroup(1);
        UdpRecorder serverRec = new UdpRecorder().echoing();
        UdpSocket server = bind(group, Loopback.anyPort(), UdpOptions.defaults(), serverRec);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket c = Await.get(group.connectUdp(server.localAddress(), UdpOptions.defaults(), rec), "connectUdp");
        assertEquals(server.localAddress(), c.remoteAddress());
        assertNotNull(c.localAddress());
        assertTrue(c.localAddress().getPort() > 0, "a connected socket has a bound port: " + c.localAddress());

        assertTrue(c.send(buf(new byte[] {1, 2})));
        UdpRecorder.Datagram atServer = serverRec.next("the connected socket's datagram");
        assertEquals(c.localAddress().getPort(), atServer.sender().getPort());
        UdpRecorder.Datagram reply = rec.next("the reply from the peer");
        assertArrayEquals(new byte[] {1, 2}, reply.data());
        assertEquals(server.localAddress(), reply.sender());

        // Datagrams from anyone else are filtered by the kernel.
        DatagramSocket stranger = closeAfterTest(jdkSocket(Loopback.IPV4));
        stranger.send(new DatagramPacket(new byte[] {9}, 1, new InetSocketAddress(Loopback.IPV4, c.localAddress().getPort())));
        // The peer's again, after the stranger's: it arrives, the stranger's does not.
        assertTrue(c.send(buf(new byte[] {3})));
        assertArrayEquals(new byte[] {3}, rec.next("the second reply").data());
        Await.quietPeriod();
        assertNull(rec.poll(0), "a connected socket delivered a datagram from another sender");

        InetSocketAddress other = (InetSocketAddress) stranger.getLocalSocketAddress();
        ByteBuffer data = buf(new byte[] {5});
        assertThrows(IllegalArgumentException.class, () -> c.send(data, other), "send to another target on a connected socket");
        assertEquals(0, data.position(), "a refused send leaves the buffer untouched");
        assertTrue(c.send(buf(new byte[] {6}), server.localAddress()), "send naming the connected peer is allowed");
        assertArrayEquals(new byte[] {6}, rec.next("reply to a send naming the peer").data());
        assertThrows(IllegalStateException.class, () -> server.send(buf(new byte[1])), "send(data) on an unconnected socket");
        rec.assertContractHeld();
    }

    @Test
    default void udp_connected_socket_reports_port_unreachable_and_stays_open() throws IOException {
        InetSocketAddress nobody;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress(Loopback.IPV4, 0))) {
            nobody = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket c = Await.get(group.connectUdp(nobody, UdpOptions.defaults(), rec), "connectUdp");
        // Each send draws an ICMP port-unreachable; sent again in case the first raced anything.
        long deadline = System.nanoTime() + Await.LIMIT.toNanos();
        while (rec.errors().isEmpty() && System.nanoTime() < deadline) {
            assertTrue(c.send(buf(new byte[] {1})));
            Await.sleep(java.time.Duration.ofMillis(50));
        }
        assertFalse(rec.errors().isEmpty(), "no onError after sending to a closed port on a connected socket");
        assertInstanceOf(PortUnreachableException.class, rec.errors().get(0), "the error for ICMP port unreachable");
        assertTrue(c.isOpen(), "port unreachable does not close the socket");
        assertFalse(rec.isClosed());

        // The socket goes on working once the peer is there.
        UdpRecorder.Datagram d;
        try (DatagramSocket back = new DatagramSocket(null)) {
            back.setReuseAddress(true);
            try {
                back.bind(nobody);
            } catch (SocketException taken) {
                return; // another process took the port meanwhile; the error part was proven
            }
            back.setSoTimeout((int) Await.LIMIT.toMillis());
            assertTrue(c.send(buf(new byte[] {7})));
            assertArrayEquals(new byte[] {7}, receive(back, 10), "a datagram sent after the port-unreachable");
            back.send(new DatagramPacket(new byte[] {8}, 1, new InetSocketAddress(Loopback.IPV4, c.localAddress().getPort())));
            d = rec.next("a datagram after the port-unreachable");
        }
        assertArrayEquals(new byte[] {8}, d.data());
        rec.assertContractHeld();
    }

    // ---- bad input ----

    @Test
    default void udp_bad_targets_and_oversized_datagrams_throw_IllegalArgumentException_and_queue_nothing() throws IOException {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        ByteBuffer data = buf(new byte[] {1, 2, 3});

        assertThrows(IllegalArgumentException.class, () -> s.send(data, InetSocketAddress.createUnresolved("localhost", 9)),
                "unresolved target");
        assertThrows(IllegalArgumentException.class, () -> s.send(data, new InetSocketAddress(Loopback.IPV6, 9)),
                "IPv6 target from an IPv4 socket");
        assertThrows(IllegalArgumentException.class, () -> s.send(ByteBuffer.allocate(65_536), s.localAddress()),
                "a datagram of 65,536 bytes");
        assertThrows(IllegalArgumentException.class, () -> group.bindUdp(InetSocketAddress.createUnresolved("localhost", 0),
                UdpOptions.defaults(), rec), "bind to an unresolved address");
        assertEquals(0, data.position(), "refused sends leave the buffer untouched");
        assertEquals(0, s.pendingSendBytes(), "refused sends queue nothing");

        // Nothing was lost: the socket still works.
        assertTrue(s.send(data, s.localAddress()));
        assertArrayEquals(new byte[] {1, 2, 3}, rec.next("a datagram to itself").data());
        assertTrue(rec.errors().isEmpty(), "errors: " + rec.errors());
        rec.assertContractHeld();
    }

    @Test
    default void udp_bind_to_a_port_in_use_fails_with_BindException_and_runs_no_callback() throws IOException {
        DatagramSocket taken = closeAfterTest(jdkSocket(Loopback.IPV4));
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        Throwable failure = Await.failure(group.bindUdp(taken.getLocalSocketAddress(), UdpOptions.defaults(), rec),
                "bindUdp to a port in use");
        assertInstanceOf(BindException.class, failure, "bind failure type");
        Await.loopsDrained(group);
        assertNull(rec.poll(0));
        assertFalse(rec.isClosed(), "onClose ran for a socket that never opened");
        assertEquals(0, rec.received());
    }

    // ---- SO_REUSEPORT ----

    @Test
    default void udp_reusePort_binds_one_port_per_loop_and_each_datagram_reaches_exactly_one() throws IOException {
        EventLoopGroup group = newGroup(2);
        UdpOptions reuse = UdpOptions.builder().reusePort(true).build();
        UdpRecorder first = new UdpRecorder();
        UdpSocket a = bind(group, Loopback.anyPort(), reuse, first);
        UdpRecorder second = new UdpRecorder();
        CompletableFuture<UdpSocket> bindB = group.bindUdp(a.localAddress(), reuse, second);
        if (!udpReusePortSupported()) {
            assertInstanceOf(BindException.class, Await.failure(bindB, "second bind without SO_REUSEPORT support"));
            return;
        }
        UdpSocket b = Await.get(bindB, "second bind with reusePort");
        assertEquals(a.localAddress(), b.localAddress());
        assertTrue(a.loop() != b.loop(), "bindUdp spreads sockets over the loops");

        int senders = 32;
        for (int i = 0; i < senders; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(Loopback.IPV4, 0))) {
                s.send(new DatagramPacket(new byte[] {(byte) i}, 1, a.localAddress()));
            }
        }
        Await.until(() -> first.received() + second.received() >= senders,
                () -> "datagrams from " + senders + " senders; got " + first.received() + " + " + second.received());
        Await.quietPeriod();
        assertEquals(senders, first.received() + second.received(), "each datagram reaches exactly one socket");
        // The kernel spreads by sender: 32 senders all hashed to one socket is a 1 in 2^31 chance.
        assertTrue(first.received() > 0 && second.received() > 0,
                "both sockets receive: " + first.received() + " and " + second.received());
        first.assertContractHeld();
        second.assertContractHeld();
    }

    // ---- multicast ----

    @Test
    default void udp_multicast_datagram_arrives_after_join_and_not_after_leave() throws IOException {
        NetworkInterface ni = UdpConformanceSupport.multicastInterface();
        assumeTrue(ni != null, "no up interface with multicast and an IPv4 address (lo has no MULTICAST flag in many containers)");
        InetAddress group4 = InetAddress.getByName("239.255.77." + (1 + new SplittableRandom().nextInt(250)));
        EventLoopGroup group = newGroup(1);
        UdpOptions opts = UdpOptions.builder().reuseAddress(true).multicastInterface(ni).multicastLoopback(true).build();
        UdpRecorder member = new UdpRecorder();
        UdpSocket m = bind(group, new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), opts, member);
        UdpRecorder senderRec = new UdpRecorder();
        UdpSocket sender = bind(group, new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), opts, senderRec);
        InetSocketAddress to = new InetSocketAddress(group4, m.localAddress().getPort());

        Await.get(m.joinGroup(group4, ni), "join " + group4 + " on " + ni.getName());
        assertTrue(sender.send(buf(new byte[] {1}), to));
        UdpRecorder.Datagram d = member.poll(5_000);
        assumeTrue(d != null, () -> "multicast to " + to + " on " + ni.getName() + " did not loop back here (no multicast route?); errors "
                        + senderRec.errors());
        assertArrayEquals(new byte[] {1}, d.data());

        Await.get(m.leaveGroup(group4, ni), "leave " + group4);
        assertTrue(sender.send(buf(new byte[] {2}), to));
        Await.quietPeriod();
        assertNull(member.poll(0), "a datagram to the group arrived after leaveGroup");
        assertTrue(m.isOpen());

        // Leaving a group not joined is an error, and the socket stays open.
        Throwable notJoined = Await.failure(m.leaveGroup(group4, ni), "leaving a group not joined");
        assertInstanceOf(IOException.class, notJoined);
        assertThrows(IllegalArgumentException.class, () -> m.joinGroup(Loopback.IPV4, ni), "join a unicast address");
        assertTrue(m.isOpen());
        member.assertContractHeld();
    }

    @Test
    default void udp_dual_stack_socket_joins_an_ipv4_group() throws IOException {
        assumeTrue(Loopback.ipv6Available(), "IPv6 is not available here");
        NetworkInterface ni = UdpConformanceSupport.multicastInterface();
        assumeTrue(ni != null, "no up interface with multicast and an IPv4 address");
        InetAddress group4 = InetAddress.getByName("239.255.78." + (1 + new SplittableRandom().nextInt(250)));
        assertMulticastJoinAndLeave(InetAddress.getByName("::"), group4, ni);
    }

    @Test
    default void udp_ipv6_socket_joins_an_ipv6_group() throws IOException {
        assumeTrue(Loopback.ipv6Available(), "IPv6 is not available here");
        NetworkInterface ni = UdpConformanceSupport.multicastInterface6();
        assumeTrue(ni != null, "no up interface with multicast and an IPv6 address");
        InetAddress group6 = InetAddress.getByName("ff12::7:" + Integer.toHexString(1 + new SplittableRandom().nextInt(0xfff0)));
        assertMulticastJoinAndLeave(InetAddress.getByName("::"), group6, ni);
    }

    /** A member bound to {@code any} receives a datagram to {@code group} after joining, none after leaving. */
    private void assertMulticastJoinAndLeave(InetAddress any, InetAddress group, NetworkInterface ni) throws IOException {
        EventLoopGroup loops = newGroup(1);
        UdpOptions opts = UdpOptions.builder().reuseAddress(true).multicastInterface(ni).multicastLoopback(true).build();
        UdpRecorder member = new UdpRecorder();
        UdpSocket m = bind(loops, new InetSocketAddress(any, 0), opts, member);
        UdpRecorder senderRec = new UdpRecorder();
        UdpSocket sender = bind(loops, new InetSocketAddress(any, 0), opts, senderRec);
        InetSocketAddress to = new InetSocketAddress(group, m.localAddress().getPort());
        Await.get(m.joinGroup(group, ni), "join " + group.getHostAddress() + " on " + ni.getName());
        assertTrue(sender.send(buf(new byte[] {1}), to));
        UdpRecorder.Datagram d = member.poll(5_000);
        assumeTrue(d != null, () -> "multicast to " + to + " on " + ni.getName() + " did not loop back here; errors "
                + senderRec.errors());
        assertArrayEquals(new byte[] {1}, d.data());
        Await.get(m.leaveGroup(group, ni), "leave " + group.getHostAddress());
        assertTrue(sender.send(buf(new byte[] {2}), to));
        Await.quietPeriod();
        assertNull(member.poll(0), "a datagram to the group arrived after leaveGroup");
        member.assertContractHeld();
        senderRec.assertContractHeld();
    }

    // ---- flow ----

    @Test
    default void udp_pauseReading_holds_datagrams_until_resumeReading() throws IOException {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        s.pauseReading();
        Await.loopDrained(s.loop());
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));
        for (int i = 0; i < 5; i++) {
            peer.send(new DatagramPacket(new byte[] {(byte) i}, 1, s.localAddress()));
        }
        Await.quietPeriod();
        assertEquals(0, rec.received(), "datagrams delivered while paused");
        s.resumeReading();
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(new byte[] {(byte) i}, rec.next("datagram " + i + " after resume").data());
        }
        rec.assertContractHeld();
    }

    @Test
    default void udp_close_sends_queued_datagrams_first() throws IOException {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));
        InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
        int n = 50;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        // Queued and closed in one task: nothing is sent before close() is called.
        s.loop().execute(() -> {
            for (int i = 0; i < n; i++) {
                s.send(ByteBuffer.wrap(Payloads.random(100, i)), to);
            }
            s.close().thenRun(() -> closed.complete(null));
        });
        for (int i = 0; i < n; i++) {
            assertArrayEquals(Payloads.random(100, i), receive(peer, 200), "datagram " + i + " queued before close");
        }
        Await.get(closed, "close");
        assertNull(rec.awaitClosed(), "a close() ends with a null cause");
        assertFalse(s.isOpen());
        assertFalse(s.send(buf(new byte[1]), to), "send after close");
        assertEquals(0, s.pendingSendBytes());
        rec.assertContractHeld();
    }

    @Test
    default void udp_send_returns_false_when_the_queue_is_at_sendQueueLimit() throws Exception {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.builder().sendQueueLimit(65_535).build(), rec);
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));
        InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
        // The loop is held, so nothing queued can be sent while the queue fills.
        CountDownLatch release = new CountDownLatch(1);
        s.loop().execute(() -> {
            try {
                release.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int accepted = 0;
        ByteBuffer refused = null;
        try {
            for (int i = 0; i < 100; i++) {
                ByteBuffer d = ByteBuffer.wrap(Payloads.random(1000, i));
                if (!s.send(d, to)) {
                    refused = d;
                    break;
                }
                accepted++;
            }
            assertNotNull(refused, "100 datagrams of 1,000 bytes all accepted with a 65,535-byte queue limit");
            assertEquals(0, refused.position(), "a refused datagram's buffer is untouched");
            assertTrue(accepted >= 60 && accepted <= 65, "accepted " + accepted + " datagrams of 1,000 bytes");
            assertEquals(accepted * 1000L, s.pendingSendBytes());
        } finally {
            release.countDown();
        }
        for (int i = 0; i < accepted; i++) {
            assertArrayEquals(Payloads.random(1000, i), receive(peer, 2000), "queued datagram " + i);
        }
        Await.until(() -> s.pendingSendBytes() == 0, "the queue to drain");
        assertTrue(s.send(buf(new byte[] {1}), to), "send once the queue drained");
        assertArrayEquals(new byte[] {1}, receive(peer, 10));
        rec.assertContractHeld();
    }

    @Test
    default void udp_callback_that_throws_closes_the_socket_with_the_exception() throws IOException {
        EventLoopGroup group = newGroup(1);
        RuntimeException boom = new IllegalStateException("boom");
        UdpRecorder rec = new UdpRecorder() {
            @Override
            public void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender, boolean truncated) {
                super.onDatagram(socket, data, sender, truncated);
                throw boom;
            }
        };
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));
        peer.send(new DatagramPacket(new byte[] {1}, 1, s.localAddress()));
        peer.send(new DatagramPacket(new byte[] {2}, 1, s.localAddress()));
        assertEquals(boom, rec.awaitClosed());
        assertFalse(s.isOpen());
        Await.quietPeriod();
        assertEquals(1, rec.received(), "no datagram delivered after the callback threw");
        rec.assertContractHeld();
    }

    // ---- resources ----

    @Test
    default void udp_no_descriptor_or_native_memory_leak_after_sockets_close_in_every_way() throws IOException {
        assumeTrue(Loopback.openDescriptorCount().isPresent(), "/proc/self/fd is not available on this OS");
        openAndClose(10); // class loading and what the JDK opens once
        int before = Loopback.openDescriptorCount().getAsInt();
        for (int round = 0; round < 2; round++) {
            openAndClose(100);
        }
        OptionalInt after = Loopback.openDescriptorCount();
        assertTrue(after.getAsInt() <= before + 3,
                "open descriptors before: " + before + ", after two rounds of 100 UDP sockets: " + after.getAsInt());
    }

    /**
     * Opens {@code n} sockets, each with a datagram queued from another thread, and ends them three
     * ways: close, a callback that throws, the group's shutdown.
     */
    private void openAndClose(int n) throws IOException {
        EventLoopGroup group = newGroup(2);
        DatagramSocket sink = jdkSocket(Loopback.IPV4);
        try {
            List<UdpSocket> sockets = new ArrayList<>();
            List<UdpRecorder> recs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                UdpRecorder r = i % 3 == 1 ? new UdpRecorder() {
                    @Override
                    public void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender, boolean truncated) {
                        throw new IllegalStateException("closing by throwing");
                    }
                } : new UdpRecorder();
                recs.add(r);
                UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), r);
                sockets.add(s);
                assertTrue(s.send(ByteBuffer.wrap(new byte[1000]), (InetSocketAddress) sink.getLocalSocketAddress()));
            }
            for (int i = 0; i < n; i++) {
                UdpSocket s = sockets.get(i);
                switch (i % 3) {
                    case 0 -> s.close();
                    case 1 -> s.send(ByteBuffer.wrap(new byte[1]), s.localAddress());
                    default -> { } // left to the shutdown
                }
            }
            for (int i = 0; i < n; i += 3) {
                recs.get(i).awaitClosed();
            }
            Await.get(group.shutdownGracefully(Await.LIMIT), "group shutdown");
            assertEquals(0, group.leakedNativeBytes(), "native bytes lent out after the group with UDP sockets ended");
            for (UdpRecorder r : recs) {
                assertEquals(1, r.closeCount(), "onClose ran once for every socket");
                r.assertContractHeld();
            }
            for (UdpSocket s : sockets) {
                assertFalse(s.isOpen());
                assertEquals(0, s.pendingSendBytes());
            }
        } finally {
            sink.close();
        }
    }

    @Test
    default void udp_group_shutdown_closes_sockets_and_frees_queued_datagrams() throws Exception {
        EventLoopGroup group = newGroup(1);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        DatagramSocket peer = closeAfterTest(jdkSocket(Loopback.IPV4));
        CountDownLatch release = new CountDownLatch(1);
        s.loop().execute(() -> {
            try {
                release.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 10; i++) {
            assertTrue(s.send(ByteBuffer.wrap(new byte[500]), (InetSocketAddress) peer.getLocalSocketAddress()));
        }
        CompletableFuture<Void> down = group.shutdownGracefully(Await.LIMIT);
        release.countDown();
        Await.get(down, "shutdown");
        assertNull(rec.awaitClosed());
        assertEquals(0, group.leakedNativeBytes());
        assertFalse(s.send(buf(new byte[1]), (InetSocketAddress) peer.getLocalSocketAddress()), "send after shutdown");
        // A graceful shutdown sends what was queued.
        for (int i = 0; i < 10; i++) {
            assertEquals(500, receive(peer, 1000).length, "queued datagram " + i);
        }
        rec.assertContractHeld();
    }

    // ---- interop ----

    @Test
    default void udp_nc_sends_to_netloop_echo_and_reads_the_reply() throws Exception {
        Path nc = UdpConformanceSupport.tool("nc");
        assumeTrue(nc != null, "nc (netcat-openbsd) is not installed");
        EventLoopGroup group = newGroup(1);
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), echo);
        String out = UdpConformanceSupport.run(List.of(nc.toString(), "-u", "-W", "1", "-w", "10", "127.0.0.1",
                String.valueOf(s.localAddress().getPort())), "hello from nc\n");
        assertEquals("hello from nc\n", out, "what nc printed: the echo of its line");
        assertArrayEquals("hello from nc\n".getBytes(StandardCharsets.US_ASCII), echo.next("nc's datagram").data());
    }

    @Test
    default void udp_socat_both_ways() throws Exception {
        Path socat = UdpConformanceSupport.tool("socat");
        assumeTrue(socat != null, "socat is not installed (ci/install-deps.sh installs it)");
        EventLoopGroup group = newGroup(1);
        // socat -> netloop echo -> socat.
        UdpRecorder echo = new UdpRecorder().echoing();
        UdpSocket s = bind(group, Loopback.anyPort(), UdpOptions.defaults(), echo);
        String out = UdpConformanceSupport.run(List.of(socat.toString(), "-T", "10", "-",
                "UDP4:127.0.0.1:" + s.localAddress().getPort()), "to netloop\n");
        assertEquals("to netloop\n", out, "what socat printed: netloop's echo");

        // netloop -> socat echo (UDP4-RECVFROM ... PIPE) -> netloop.
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(Loopback.IPV4, 0))) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(socat.toString(), "UDP4-RECVFROM:" + port + ",bind=127.0.0.1,fork", "PIPE")
                .redirectErrorStream(true).start();
        closeAfterTest(p::destroyForcibly);
        UdpRecorder rec = new UdpRecorder();
        UdpSocket c = bind(group, Loopback.anyPort(), UdpOptions.defaults(), rec);
        InetSocketAddress socatAddress = new InetSocketAddress(Loopback.IPV4, port);
        UdpRecorder.Datagram reply = null;
        for (long deadline = System.nanoTime() + Await.LIMIT.toNanos(); reply == null && System.nanoTime() < deadline; ) {
            assertTrue(c.send(buf("to socat".getBytes(StandardCharsets.US_ASCII)), socatAddress));
            reply = rec.poll(200); // until socat has bound its port
        }
        assertNotNull(reply, "no echo from socat at " + socatAddress);
        assertEquals("to socat", new String(reply.data(), StandardCharsets.US_ASCII));
        assertEquals(socatAddress, reply.sender());
    }
}
