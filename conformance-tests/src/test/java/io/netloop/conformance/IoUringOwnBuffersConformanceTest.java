package io.netloop.conformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole suite on {@code io_uring} with a receive buffer of its own for every connection
 * ({@code -Dnetloop.io_uring.sharedReceiveBuffers=false}), as on kernels without provided-buffer
 * rings; the plain run shares them where the kernel can. Sets a system property, so it relies on
 * test classes running one at a time.
 */
@BackendUnderTest("io_uring")
class IoUringOwnBuffersConformanceTest extends ConformanceSuite {
    @BeforeAll
    static void ownReceiveBuffers() {
        System.setProperty("netloop.io_uring.sharedReceiveBuffers", "false");
    }

    @AfterAll
    static void shareAgain() {
        System.clearProperty("netloop.io_uring.sharedReceiveBuffers");
    }
}
