package io.netloop.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** What the probe finds in the running kernel's io_uring, against its version. */
class IoUringFeaturesTest {
    @Test
    void the_probe_reports_what_this_kernel_version_offers() {
        assumeTrue(LinuxProbe.ioUring().isAvailable(), () -> "io_uring is not available here: " + LinuxProbe.ioUring());
        IoUringFeatures f = LinuxProbe.ioUringFeatures();
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]), minor = Integer.parseInt(v[1]);
        boolean at519 = major > 5 || major == 5 && minor >= 19;
        assertEquals(at519, f.multishotAccept(), f.description());
        assertEquals(at519, f.providedBufferRings(), f.description());
        assertEquals(major >= 6, f.multishotReceive(), f.description());
        assertTrue(f.description().contains("multishot receive " + (major >= 6 ? "yes" : "no")), f.description());
    }
}
