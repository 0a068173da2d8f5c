package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Buffer ownership of the completion core on {@code io_uring}; skipped, with the reason, where it is unavailable. */
@BackendUnderTest("io_uring")
class IoUringOwnershipTest extends CompletionOwnershipSuite {
    /** Proves the default reached the loop, so the inherited tests ran on shared receive buffers where the kernel has them. */
    @Test
    void receives_take_shared_buffers_by_default_where_the_kernel_has_them() throws Exception {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        int major = Integer.parseInt(v[0]), minor = Integer.parseInt(v[1]);
        assumeTrue(major > 5 || major == 5 && minor >= 19, "provided-buffer rings need Linux 5.19");
        assertTrue(loopSharesReceiveBuffers(), "the loop's receives take shared buffers");
    }
}
