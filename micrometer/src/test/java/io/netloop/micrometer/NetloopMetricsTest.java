package io.netloop.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The meters against real traffic: an echo server group and a client group on the default backend,
 * two loops each, over loopback. The meters of a group, summed over its loops, must equal what the
 * test sent and how many connections it made.
 */
@Timeout(120)
class NetloopMetricsTest {
    private static final int CONNECTIONS = 8;
    private static final int BYTES_EACH = 64 * 1024 + 17;
    /** Only separates "never happens" from "happens"; says nothing about speed. */
    private static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Every meter of a loop, with the name Micrometer's Prometheus registry gives it (as documented). */
    private static final List<String> METERS = List.of(
            "netloop.connections.accepted", "netloop.connections.connected", "netloop.connections.closed",
            "netloop.connections.open", "netloop.bytes.read", "netloop.bytes.written", "netloop.write.pending",
            "netloop.datagrams.received", "netloop.datagrams.sent", "netloop.tasks", "netloop.wakeups",
            "netloop.iterations", "netloop.io.events", "netloop.wait.time", "netloop.run.time");
    private static final List<String> PROMETHEUS_NAMES = List.of(
            "netloop_connections_accepted_total", "netloop_connections_connected_total",
            "netloop_connections_closed_total", "netloop_connections_open", "netloop_bytes_read_bytes_total",
            "netloop_bytes_written_bytes_total", "netloop_write_pending_bytes", "netloop_datagrams_received_total",
            "netloop_datagrams_sent_total", "netloop_tasks_total", "netloop_wakeups_total", "netloop_iterations_total",
            "netloop_io_events_total", "netloop_wait_time_seconds_total", "netloop_run_time_seconds_total");

    private EventLoopGroup server;
    private EventLoopGroup client;
    private Listener listener;

    @BeforeEach
    void start() throws IOException {
        server = EventLoopGroup.builder().threads(2).build();
        client = EventLoopGroup.builder().threads(2).build();
        listener = server.listen(new InetSocketAddress("127.0.0.1", 0), () -> (c, data) -> c.write(data));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
        if (client != null) {
            client.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void metersSummedOverLoopsEqualTheTrafficSentAndTheConnectionsMade() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetloopMetrics.of(server).bindTo(registry);
        NetloopMetrics.of(client).bindTo(registry);
        Set<String> serverLoops = loopNames(server);
        Set<String> clientLoops = loopNames(client);

        List<Connection> connections = echoRounds(CONNECTIONS, BYTES_EACH);
        // Every connection open at both ends: the gauges count them on whichever loop owns them.
        awaitValue(registry, "netloop.connections.open", serverLoops, CONNECTIONS);
        awaitValue(registry, "netloop.connections.open", clientLoops, CONNECTIONS);

        for (Connection c : connections) {
            c.close();
        }
        awaitValue(registry, "netloop.connections.closed", serverLoops, CONNECTIONS);
        awaitValue(registry, "netloop.connections.closed", clientLoops, CONNECTIONS);

        long bytes = (long) CONNECTIONS * BYTES_EACH;
        assertEquals(CONNECTIONS, sum(registry, "netloop.connections.accepted", serverLoops), "server accepted");
        assertEquals(0, sum(registry, "netloop.connections.connected", serverLoops), "server connected");
        assertEquals(bytes, sum(registry, "netloop.bytes.read", serverLoops), "server bytes read");
        assertEquals(bytes, sum(registry, "netloop.bytes.written", serverLoops), "server bytes written");
        assertEquals(0, sum(registry, "netloop.connections.open", serverLoops), "server connections open after close");
        assertEquals(0, sum(registry, "netloop.write.pending", serverLoops), "server bytes pending after close");

        assertEquals(0, sum(registry, "netloop.connections.accepted", clientLoops), "client accepted");
        assertEquals(CONNECTIONS, sum(registry, "netloop.connections.connected", clientLoops), "client connected");
        assertEquals(bytes, sum(registry, "netloop.bytes.read", clientLoops), "client bytes read");
        assertEquals(bytes, sum(registry, "netloop.bytes.written", clientLoops), "client bytes written");
        assertEquals(0, sum(registry, "netloop.connections.open", clientLoops), "client connections open after close");
        assertEquals(0, sum(registry, "netloop.write.pending", clientLoops), "client bytes pending after close");

        Set<String> allLoops = new HashSet<>(serverLoops);
        allLoops.addAll(clientLoops);
        assertEquals(0, sum(registry, "netloop.datagrams.received", allLoops), "no UDP in this test");
        assertEquals(0, sum(registry, "netloop.datagrams.sent", allLoops), "no UDP in this test");
        assertTrue(sum(registry, "netloop.io.events", serverLoops) >= CONNECTIONS, "server I/O events");
        assertTrue(sum(registry, "netloop.iterations", serverLoops) > 0, "server iterations");
        // Writes from this thread reach the client loops as tasks, and wake them.
        assertTrue(sum(registry, "netloop.tasks", clientLoops) >= CONNECTIONS, "client tasks");
        assertTrue(sum(registry, "netloop.wakeups", clientLoops) > 0, "client wakeups");
    }

    @Test
    void timeCountersAreSecondsThatOnlyGrowAndWaitIsPartOfRun() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetloopMetrics.of(server).bindTo(registry);
        echoRounds(1, 1000).forEach(Connection::close);
        for (EventLoop loop : server.loops()) {
            FunctionCounter wait = counter(registry, "netloop.wait.time", loop);
            FunctionCounter run = counter(registry, "netloop.run.time", loop);
            assertEquals("seconds", wait.getId().getBaseUnit());
            assertEquals("seconds", run.getId().getBaseUnit());
            double wait0 = wait.count(), run0 = run.count();
            double run1 = run.count(), wait1 = wait.count();
            assertTrue(run0 > 0, () -> loop + " has run: " + run0);
            // Read wait before run: then wait <= run whatever the loop does in between.
            assertTrue(wait0 <= run1, () -> loop + " waited " + wait0 + " s of " + run1 + " s");
            assertTrue(wait1 >= wait0 && run1 >= run0, () -> loop + " time went back");
            // Seconds, not nanoseconds: the loop started during this test.
            assertTrue(run1 < 600, () -> loop + " ran " + run1 + " s");
            assertEquals(loop.metrics().runNanos() / 1e9, run.count(), 1.0, "run.time is runNanos in seconds");
        }
    }

    @Test
    void pendingWriteGaugeShowsBytesAPeerHasNotReadAndReturnsToZero() throws Exception {
        int total = 32 * 1024 * 1024;
        try (EventLoopGroup writer = EventLoopGroup.builder().threads(2).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            NetloopMetrics.of(writer).bindTo(registry);
            Set<String> loops = loopNames(writer);
            // The server writes everything on open; the peer reads nothing until the gauge shows the backlog.
            Listener big = writer.listen(new InetSocketAddress("127.0.0.1", 0), () -> new ConnectionHandler() {
                @Override
                public void onOpen(Connection c) {
                    c.write(new byte[total]);
                }

                @Override
                public void onData(Connection c, ByteBuffer data) {
                }
            });
            try (Socket peer = new Socket()) {
                peer.connect(big.localAddress());
                await(() -> sum(registry, "netloop.write.pending", loops) > 0, () -> "bytes pending: "
                        + sum(registry, "netloop.write.pending", loops));
                InputStream in = peer.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long read = 0;
                while (read < total) {
                    int n = in.read(buf);
                    if (n < 0) {
                        fail("peer saw end of stream after " + read + " bytes");
                    }
                    read += n;
                }
                await(() -> sum(registry, "netloop.write.pending", loops) == 0, () -> "bytes pending: "
                        + sum(registry, "netloop.write.pending", loops));
                assertEquals(total, sum(registry, "netloop.bytes.written", loops), "bytes written");
                assertEquals(1, sum(registry, "netloop.connections.open", loops), "connections open");
            }
            writer.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
    }

    @Test
    void everyMeterCarriesLoopBackendAndUserTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetloopMetrics.of(server).tags("app", "test").tags(List.of(Tag.of("role", "server")))
                .bindTo(registry);
        Set<String> loops = loopNames(server);
        assertEquals(2, loops.size(), "two loops with distinct names: " + loops);
        assertEquals(METERS.size() * loops.size(), registry.getMeters().size(), "one of each meter per loop");
        Set<String> seenLoops = new HashSet<>();
        for (Meter m : registry.getMeters()) {
            Meter.Id id = m.getId();
            assertTrue(METERS.contains(id.getName()), () -> "unexpected meter " + id);
            assertEquals(server.backendId(), id.getTag("backend"), () -> id.toString());
            assertEquals("test", id.getTag("app"), () -> id.toString());
            assertEquals("server", id.getTag("role"), () -> id.toString());
            assertTrue(loops.contains(id.getTag("loop")), () -> id + " names a loop of the group");
            assertEquals(id.getName().endsWith(".open") || id.getName().endsWith(".pending"), m instanceof Gauge,
                    () -> id + " is a " + m.getClass().getSimpleName());
            seenLoops.add(id.getTag("loop"));
        }
        assertEquals(loops, seenLoops, "every loop has meters");
    }

    @Test
    void netloopsLoopAndBackendTagsWinOverUserTagsOfTheSameName() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetloopMetrics.of(server).tags("loop", "mine", "backend", "mine").bindTo(registry);
        for (Meter m : registry.getMeters()) {
            assertTrue(loopNames(server).contains(m.getId().getTag("loop")), () -> m.getId().toString());
            assertEquals(server.backendId(), m.getId().getTag("backend"));
        }
    }

    @Test
    void twoGroupsBoundToOneRegistryStayApart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetloopMetrics.of(server).tags("role", "server").bindTo(registry);
        NetloopMetrics.of(client).tags("role", "client").bindTo(registry);
        Set<String> serverLoops = loopNames(server);
        Set<String> clientLoops = loopNames(client);
        assertTrue(serverLoops.stream().noneMatch(clientLoops::contains), () -> serverLoops + " vs " + clientLoops);
        assertEquals(METERS.size() * 4, registry.getMeters().size(), "15 meters for each of 4 loops");

        echoRounds(3, 5000).forEach(Connection::close);
        awaitValue(registry, "netloop.connections.closed", serverLoops, 3);
        awaitValue(registry, "netloop.connections.closed", clientLoops, 3);
        // Each group's loops carry its own role, and its own traffic only.
        assertEquals(3, sumWhere(registry, "netloop.connections.accepted", "role", "server"));
        assertEquals(0, sumWhere(registry, "netloop.connections.accepted", "role", "client"));
        assertEquals(3, sumWhere(registry, "netloop.connections.connected", "role", "client"));
        assertEquals(0, sumWhere(registry, "netloop.connections.connected", "role", "server"));
        assertEquals(15000, sumWhere(registry, "netloop.bytes.read", "role", "server"));
        assertEquals(15000, sumWhere(registry, "netloop.bytes.read", "role", "client"));
    }

    @Test
    void bindingTheSameGroupTwiceToOneRegistryRegistersNothingNew() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetloopMetrics.of(server).bindTo(registry);
        NetloopMetrics.of(server).bindTo(registry);
        assertEquals(METERS.size() * 2, registry.getMeters().size());
    }

    @Test
    void closeRemovesTheMetersFromEveryRegistryAndLeavesOthers() {
        SimpleMeterRegistry one = new SimpleMeterRegistry();
        SimpleMeterRegistry two = new SimpleMeterRegistry();
        one.counter("app.other").increment();
        NetloopMetrics binder = NetloopMetrics.of(server);
        binder.bindTo(one);
        binder.bindTo(two);
        NetloopMetrics.of(client).bindTo(two);
        binder.close();
        assertEquals(List.of("app.other"), one.getMeters().stream().map(m -> m.getId().getName()).toList());
        assertEquals(loopNames(client), two.getMeters().stream().map(m -> m.getId().getTag("loop")).collect(Collectors.toSet()),
                "only the client group's meters are left");
        binder.close();
        binder.bindTo(one);
        assertEquals(METERS.size() * 2 + 1, one.getMeters().size(), "bound again after close");
    }

    @Test
    void metersOfAShutDownAndDroppedGroupKeepTheirFinalValues() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Set<String> loops = trafficOnAGroupThenDropIt(registry, 5000);
        // The loop threads hold their loops until they end, a little after the group's termination.
        await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> loops.contains(t.getName())),
                () -> "loop threads " + loops + " to end");
        // A weakly held view would be collected here: gauges would read NaN and counters freeze at
        // whatever the last read saw (none was made before).
        System.gc();
        assertEquals(5000, sum(registry, "netloop.bytes.read", loops), "bytes read after shutdown");
        assertEquals(1, sum(registry, "netloop.connections.closed", loops), "connections closed after shutdown");
        assertEquals(0, sum(registry, "netloop.connections.open", loops), "open connections after shutdown");
        assertEquals(0, sum(registry, "netloop.write.pending", loops), "pending bytes after shutdown");
    }

    /** Runs one echo exchange on a group of its own, shuts it down, and keeps nothing of it but its loop names. */
    private Set<String> trafficOnAGroupThenDropIt(MeterRegistry registry, int bytes) {
        EventLoopGroup group = EventLoopGroup.builder().threads(2).build();
        NetloopMetrics.of(group).bindTo(registry);
        Set<String> loops = loopNames(group);
        try {
            Listener l = group.listen(new InetSocketAddress("127.0.0.1", 0), () -> (c, data) -> c.write(data));
            Connection c = exchange(client, l, bytes);
            c.close().join();
            await(() -> group.metrics().connectionsClosed() == 1, () -> "closed: " + group.metrics().connectionsClosed());
        } catch (IOException e) {
            fail(e);
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).join();
        }
        return loops;
    }

    @Test
    void prometheusScrapeHasTheDocumentedNamesWithTheTrafficsValues() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NetloopMetrics.of(server).tags("app", "test").bindTo(registry);
        echoRounds(2, 3000).forEach(Connection::close);
        awaitValue(registry, "netloop.connections.closed", loopNames(server), 2);

        String scrape = registry.scrape();
        for (String name : PROMETHEUS_NAMES) {
            assertTrue(scrape.contains("\n" + name + "{"), () -> name + " missing from the scrape:\n" + scrape);
        }
        // One sample per loop, tagged; the values add up to the bytes sent.
        Pattern line = Pattern.compile("^netloop_bytes_read_bytes_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        double total = 0;
        int samples = 0;
        while (m.find()) {
            String labels = m.group(1);
            assertTrue(labels.contains("app=\"test\"") && labels.contains("backend=\"" + server.backendId() + "\"")
                    && labels.contains("loop=\"netloop-"), () -> "labels: " + labels);
            total += Double.parseDouble(m.group(2));
            samples++;
        }
        assertEquals(2, samples, () -> "one sample per loop:\n" + scrape);
        assertEquals(6000, total, 0.0, "bytes read over the loops");
    }

    // ---- helpers ----

    /** Opens {@code count} connections from the client group, each echoing {@code bytes} back; returns them open. */
    private List<Connection> echoRounds(int count, int bytes) {
        List<Connection> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            open.add(exchange(client, listener, bytes));
        }
        return open;
    }

    /** Connects, writes {@code bytes} from this thread and waits until they have all come back. */
    private static Connection exchange(EventLoopGroup from, Listener to, int bytes) {
        AtomicLong received = new AtomicLong();
        CompletableFuture<Void> echoed = new CompletableFuture<>();
        Connection c = from.connect(to.localAddress(), (conn, data) -> {
            if (received.addAndGet(data.remaining()) >= bytes) {
                echoed.complete(null);
            }
        }).join();
        byte[] payload = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            payload[i] = (byte) i;
        }
        assertTrue(c.write(payload), "write to an open connection");
        await(echoed::isDone, () -> "echo of " + bytes + " bytes: " + received.get() + " so far");
        assertEquals(bytes, received.get(), "echoed bytes");
        return c;
    }

    private static Set<String> loopNames(EventLoopGroup group) {
        return group.loops().stream().map(EventLoop::toString).collect(Collectors.toSet());
    }

    /** The meter {@code name}'s values summed over the loops named. */
    private static long sum(MeterRegistry registry, String name, Set<String> loops) {
        double total = 0;
        for (Meter m : registry.find(name).meters()) {
            if (loops.contains(m.getId().getTag("loop"))) {
                total += value(m);
            }
        }
        return exact(total, name);
    }

    private static long sumWhere(MeterRegistry registry, String name, String tag, String value) {
        double total = 0;
        for (Meter m : registry.find(name).tag(tag, value).meters()) {
            total += value(m);
        }
        return exact(total, name);
    }

    private static double value(Meter m) {
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        if (m instanceof Gauge g) {
            return g.value();
        }
        return fail("not a function counter or a gauge: " + m.getId());
    }

    private static long exact(double total, String name) {
        assertFalse(Double.isNaN(total), () -> name + " reads NaN");
        assertEquals(Math.rint(total), total, 0.0, () -> name + " is a whole number");
        return (long) total;
    }

    private static FunctionCounter counter(MeterRegistry registry, String name, EventLoop loop) {
        return registry.get(name).tag("loop", loop.toString()).functionCounter();
    }

    /** Waits until the meter summed over {@code loops} reaches {@code expected}, then asserts it is exactly that. */
    private static void awaitValue(MeterRegistry registry, String name, Set<String> loops, long expected) {
        await(() -> sum(registry, name, loops) >= expected, () -> name + " = " + sum(registry, name, loops)
                + ", waiting for " + expected);
        assertEquals(expected, sum(registry, name, loops), name);
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("never happened: " + what.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what.get());
            }
        }
    }
}
