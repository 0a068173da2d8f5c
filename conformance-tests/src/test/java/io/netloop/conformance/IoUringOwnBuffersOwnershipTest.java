package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;

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
        assertFalse(loopSharesReceiveBuffers(), "the loop's receives take buffers of their own");
    }

    @AfterAll
    static void shareAgain() {
        System.clearProperty("netloop.io_uring.sharedReceiveBuffers");
    }
}
