package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.EventLoopGroup;
import io.netloop.internal.completion.CompletionDriver;
import io.netloop.internal.loop.EventLoopImpl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Buffer ownership of the completion core on {@code io_uring} with a receive buffer of its own for
 * every connection ({@code -Dnetloop.io_uring.sharedReceiveBuffers=false}), as on kernels without
 * provided-buffer rings. Sets a system property, so it relies on test classes running one at a time.
 */
@BackendUnderTest("io_uring")
class IoUringOwnBuffersOwnershipTest extends CompletionOwnershipSuite {
    @BeforeAll
    static void ownReceiveBuffers() {
        System.setProperty("netloop.io_uring.sharedReceiveBuffers", "false");
    }

    /** Proves the switch reached the loop, so the inherited tests ran on buffers of each connection's own. */
    @Test
    void the_switch_turns_shared_buffers_off() throws Exception {
        assumeTrue(Backends.isAvailable("io_uring"), "io_uring is not available here");
        EventLoopGroup group = EventLoopGroup.builder().backend("io_uring").threads(1).build();
        try {
            EventLoopImpl loop = (EventLoopImpl) group.loops().get(0);
            CompletableFuture<Boolean> shared = new CompletableFuture<>();
            loop.execute(() -> shared.complete(((CompletionDriver) loop.driver()).portSelectsReceiveBuffers()));
            assertFalse(shared.get(10, TimeUnit.SECONDS), "the loop's receives take buffers of their own");
        } finally {
            group.shutdownGracefully(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void shareAgain() {
        System.clearProperty("netloop.io_uring.sharedReceiveBuffers");
    }
}
