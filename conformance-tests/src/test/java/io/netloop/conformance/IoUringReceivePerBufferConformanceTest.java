package io.netloop.conformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole suite on {@code io_uring} with shared receive buffers but one receive posted per buffer
 * ({@code -Dnetloop.io_uring.multishotReceive=false}), as on Linux 5.19 where multishot receive is
 * missing; the plain run uses multishot receives where the kernel has them (6.0). Sets a system
 * property, so it relies on test classes running one at a time.
 */
@BackendUnderTest("io_uring")
class IoUringReceivePerBufferConformanceTest extends ConformanceSuite {
    @BeforeAll
    static void receivePerBuffer() {
        System.setProperty("netloop.io_uring.multishotReceive", "false");
    }

    @AfterAll
    static void multishotAgain() {
        System.clearProperty("netloop.io_uring.multishotReceive");
    }
}
