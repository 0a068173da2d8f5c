package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.netloop.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Timeout;

/**
 * The netloop conformance suite. A backend runs all of it by subclassing this class in one line:
 *
 * <pre>{@code
 * @BackendUnderTest("epoll-et")
 * class EpollEtConformanceTest extends ConformanceSuite {}
 * }</pre>
 *
 * <p>The tests live in one interface per theme ({@link EchoConformance}, {@link FlowControlConformance},
 * {@link CloseConformance}, {@link ErrorConformance}, {@link LoopConformance},
 * {@link ResourceConformance}, {@link LimitsConformance}, {@link TlsConformance},
 * {@link TlsInteropConformance}, {@link UnixSocketConformance}, {@link UdpConformance},
 * {@link ObservabilityConformance}); this class supplies the backend and cleans up after each test:
 * every group a test made is closed and must then report no native memory still lent out.
 *
 * <p>Every test uses real sockets on loopback, its own groups, and bounded waits
 * ({@link Await#LIMIT}); the class-level timeout is only the backstop for a test that hangs
 * where no wait was bounded. No test asserts on speed.
 */
@DisplayNameGeneration(BackendDisplayNames.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class ConformanceSuite implements EchoConformance, FlowControlConformance, CloseConformance,
        ErrorConformance, LoopConformance, ResourceConformance, LimitsConformance, TlsConformance, TlsInteropConformance,
        UnixSocketConformance, UdpConformance, ObservabilityConformance {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<EventLoopGroup> groups = new ArrayList<>();

    /** For subclasses, one per backend. */
    protected ConformanceSuite() {
    }

    /** The id from {@link BackendUnderTest} on the subclass. */
    @Override
    public String backendId() {
        BackendUnderTest b = getClass().getAnnotation(BackendUnderTest.class);
        if (b == null) {
            throw new IllegalStateException(getClass().getName() + " must be annotated @BackendUnderTest(\"<backend id>\")");
        }
        return b.value();
    }

    /** The backend id a test class names, for display names; the class name when it names none. */
    static String backendIdOf(Class<?> testClass) {
        BackendUnderTest b = testClass.getAnnotation(BackendUnderTest.class);
        return b != null ? b.value() : testClass.getSimpleName();
    }

    /**
     * Skips each test, with the reason, where the backend cannot run. Per test rather than in
     * {@code @BeforeAll}: Maven Surefire reports a class aborted there as zero tests and drops the reason.
     */
    @BeforeEach
    void requireBackend() {
        String id = backendId();
        assumeTrue(Backends.isAvailable(id), () -> "backend " + id + " is not available here: "
                + Backends.unavailabilityCause(id).orElse(""));
    }

    @Override
    public synchronized EventLoopGroup newGroup(String backendId, int threads) {
        // Daemon loops: a group a failed test could not close must not keep the test JVM alive.
        EventLoopGroup g = EventLoopGroup.builder().backend(backendId).threads(threads).daemon(true).build();
        groups.add(g);
        return g;
    }

    @Override
    public synchronized <T extends AutoCloseable> T closeAfterTest(T resource) {
        resources.add(resource);
        return resource;
    }

    @AfterEach
    void closeGroupsAndPeers() throws Exception {
        List<AutoCloseable> peers;
        List<EventLoopGroup> made;
        synchronized (this) {
            peers = new ArrayList<>(resources);
            made = new ArrayList<>(groups);
        }
        Exception first = null;
        // Peers first: a blocked JDK reader or writer must not hold a graceful shutdown open.
        for (int i = peers.size() - 1; i >= 0; i--) {
            try {
                peers.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        for (EventLoopGroup g : made) {
            g.shutdownGracefully(Duration.ZERO).get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : made) {
            assertEquals(0, g.leakedNativeBytes(), "native bytes still lent out after the " + g.backendId() + " group closed");
        }
        if (first != null) {
            throw first;
        }
    }
}
