package io.netloop.conformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole suite on {@code io_uring} with receive buffers shared by the loop's connections
 * ({@code netloop.io_uring.sharedReceiveBuffers}, off by default); where the kernel has no
 * provided-buffer rings the backend falls back to a buffer per connection and this repeats the
 * plain run. Sets a system property, so it relies on test classes running one at a time.
 */
@BackendUnderTest("io_uring")
class IoUringSharedBuffersConformanceTest extends ConformanceSuite {
    @BeforeAll
    static void shareReceiveBuffers() {
        System.setProperty("netloop.io_uring.sharedReceiveBuffers", "true");
    }

    @AfterAll
    static void stopSharing() {
        System.clearProperty("netloop.io_uring.sharedReceiveBuffers");
    }
}
