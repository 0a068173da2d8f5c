package io.netloop.conformance;

/** The whole suite on the {@code poll} backend (Linux poll(2), readiness core). */
@BackendUnderTest("poll")
class PollConformanceTest extends ConformanceSuite {

    /**
     * The loop's {@code poll(2)} captures errno, and the JDK slices the capture segment on every
     * call; where C2 does not remove the slice it costs 40 bytes per wait, and a UDP ping-pong waits
     * once per datagram on each of its two loops (JFR found it under {@code Select.select} on select; poll measured
     * 2 to 9 B). epoll's wait has a form without errno for this reason; poll's does not yet.
     */
    @Override
    public double udpAllocationBoundPerDatagram() {
        return 81;
    }
}
