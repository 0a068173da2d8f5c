package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.EventLoopGroup;
import io.netloop.UdpOptions;
import io.netloop.UdpSocket;
import io.netloop.internal.completion.CompletionDriver;
import io.netloop.internal.loop.EventLoopImpl;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the shared UDP suite does not reach on {@code io_uring}: the multishot {@code RECVMSG} that
 * the kernel ends (its socket's buffer ring ran out: {@code ENOBUFS}; a datagram of 0 bytes ends it
 * too) and the core posts again; the multishot receive cancelled by a pause, its datagrams held;
 * and the socket's ring and buffers freed once its last completion is reaped. Each test runs in the
 * backend's three receive configurations: multishot into a ring per socket (the default on 6.0),
 * single-shot receives with buffers of their own because multishot is off, and because shared
 * buffers are off (kernels before 5.19).
 */
@BackendUnderTest("io_uring")
class IoUringUdpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @BeforeEach
    void requireBackend() {
        assumeTrue(Backends.isAvailable("io_uring"), () -> "io_uring is not available here: "
                + Backends.unavailabilityCause("io_uring").orElse(""));
    }

    /** A one-loop io_uring group in {@code configuration}: "multishot", "single-shot" or "own-buffers". */
    private static EventLoopGroup group(String configuration) {
        String property = switch (configuration) {
            case "multishot" -> null;
            case "single-shot" -> "netloop.io_uring.multishotReceive";
            case "own-buffers" -> "netloop.io_uring.sharedReceiveBuffers";
            default -> throw new IllegalArgumentException(configuration);
        };
        if (property != null) {
            System.setProperty(property, "false");
        }
        try {
            return EventLoopGroup.builder().backend("io_uring").threads(1).build();
        } finally {
            if (property != null) {
                System.clearProperty(property);
            }
        }
    }

    private static boolean multishot(String configuration) {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        int major = Integer.parseInt(v[0]), minor = Integer.parseInt(v[1]);
        return configuration.equals("multishot") && major >= 6;
    }

    private static <T> T onLoop(EventLoopImpl loop, Supplier<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(action.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static void awaitPosted(EventLoopImpl loop, CompletionDriver driver, int posted, String what) {
        Await.until(() -> {
            try {
                return onLoop(loop, driver::postedOperations) == posted;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, what);
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[i % 10 == 0 ? 0 : 1 + i % 700]; // every tenth datagram is empty
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(strings = {"multishot", "single-shot", "own-buffers"})
    void a_burst_into_a_one_buffer_ring_and_empty_datagrams_all_arrive_in_order(String configuration) throws Exception {
        EventLoopGroup group = group(configuration);
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            UdpRecorder rec = new UdpRecorder();
            // One buffer: a burst fills it at once, and the multishot receive ends with ENOBUFS
            // (the datagrams wait in the socket); each empty datagram ends it too. The core posts it
            // again each time, so delivery goes on.
            UdpOptions options = UdpOptions.builder().receiveBatch(1).receiveBufferSize(4 << 20).build();
            UdpSocket s = Await.get(group.bindUdp(new InetSocketAddress(LOOPBACK, 0), options, rec), "bindUdp");
            int count = 300;
            for (int i = 0; i < count; i++) {
                byte[] b = payload(i);
                peer.send(new DatagramPacket(b, b.length, s.localAddress()));
            }
            for (int i = 0; i < count; i++) {
                UdpRecorder.Datagram d = rec.next("datagram " + i + " of " + count);
                assertArrayEquals(payload(i), d.data(), "datagram " + i);
                assertFalse(d.truncated());
                assertEquals(peer.getLocalPort(), d.sender().getPort());
            }
            EventLoopImpl loop = (EventLoopImpl) s.loop();
            CompletionDriver driver = (CompletionDriver) loop.driver();
            // Still receiving: one receive posted (the multishot one, or the batch of one).
            awaitPosted(loop, driver, 1, "one receive posted again after the burst");
            assertTrue(rec.errors().isEmpty(), () -> "no errors: " + rec.errors());
            rec.assertContractHeld();
        } finally {
            Await.get(group.shutdownGracefully(Duration.ofSeconds(5)), "shutdown");
        }
    }

    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(strings = {"multishot", "single-shot", "own-buffers"})
    void pausing_stops_receives_holds_what_completed_and_resuming_delivers_it_first(String configuration) throws Exception {
        EventLoopGroup group = group(configuration);
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            UdpRecorder rec = new UdpRecorder();
            UdpOptions options = UdpOptions.builder().receiveBatch(4).build();
            UdpSocket s = Await.get(group.bindUdp(new InetSocketAddress(LOOPBACK, 0), options, rec), "bindUdp");
            EventLoopImpl loop = (EventLoopImpl) s.loop();
            CompletionDriver driver = (CompletionDriver) loop.driver();
            int posted = onLoop(loop, driver::postedOperations);
            assertEquals(multishot(configuration) ? 1 : 4, posted, "receives posted before the pause");

            onLoop(loop, () -> {
                s.pauseReading();
                return null;
            });
            if (multishot(configuration)) {
                // The multishot receive is cancelled rather than left completing.
                awaitPosted(loop, driver, 0, "the multishot receive cancelled by the pause");
            }
            for (int i = 1; i <= 10; i++) {
                byte[] b = payload(i);
                peer.send(new DatagramPacket(b, b.length, s.localAddress()));
            }
            Thread.sleep(200);
            assertEquals(0, rec.received(), "nothing delivered while paused");

            s.resumeReading();
            for (int i = 1; i <= 10; i++) {
                assertArrayEquals(payload(i), rec.next("datagram " + i + " after resume").data(), "datagram " + i);
            }
            rec.assertContractHeld();
        } finally {
            Await.get(group.shutdownGracefully(Duration.ofSeconds(5)), "shutdown");
        }
    }

    @ParameterizedTest(name = "io_uring {0}")
    @ValueSource(strings = {"multishot", "single-shot", "own-buffers"})
    void closing_with_receives_posted_frees_the_ring_and_buffers_after_the_last_completion(String configuration) throws Exception {
        EventLoopGroup group = group(configuration);
        try {
            UdpRecorder rec = new UdpRecorder();
            UdpOptions options = UdpOptions.builder().receiveBatch(8).build(); // 8 buffers of 64 KiB
            UdpSocket s = Await.get(group.bindUdp(new InetSocketAddress(LOOPBACK, 0), options, rec), "bindUdp");
            EventLoopImpl loop = (EventLoopImpl) s.loop();
            CompletionDriver driver = (CompletionDriver) loop.driver();
            long before = onLoop(loop, driver::outstandingNativeBytes);
            assertTrue(before >= 8L * UdpOptions.MAX_DATAGRAM,
                    "the socket's receive buffers (own or its ring) are counted while open: " + before);
            Await.get(s.close(), "close");
            // closeFuture completes in onClose, which runs once the close operation is reaped.
            assertEquals(0L, onLoop(loop, driver::outstandingNativeBytes), "native bytes after close");
            assertEquals(0, onLoop(loop, driver::postedOperations), "operations posted after close");
            assertEquals(0, onLoop(loop, driver::connectionCount), "the socket no longer counts");
            rec.assertContractHeld();
        } finally {
            Await.get(group.shutdownGracefully(Duration.ofSeconds(5)), "shutdown");
        }
    }
}
