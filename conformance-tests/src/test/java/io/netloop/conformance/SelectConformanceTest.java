package io.netloop.conformance;

/** The whole suite on the {@code select} backend (Linux select(2), readiness core). */
@BackendUnderTest("select")
class SelectConformanceTest extends ConformanceSuite {

    /** select(2)'s fd_set holds descriptors below FD_SETSIZE: the tests that need more skip, saying so. */
    @Override
    public int descriptorLimit() {
        return 1024;
    }

    /**
     * The loop's {@code select(2)} captures errno, and the JDK slices the capture segment on every
     * call; where C2 does not remove the slice it costs 40 bytes per wait, and a UDP ping-pong waits
     * once per datagram on each of its two loops (JFR: under {@code Select.select} only, beside the UDP path shared with epoll, which stays under 2 B; measured
     * 0 to 9 B). epoll's wait has a form without errno for this reason; select's does not yet.
     */
    @Override
    public double udpAllocationBoundPerDatagram() {
        return 81;
    }
}
