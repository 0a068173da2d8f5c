package io.netloop.conformance;

/** The whole suite on the {@code poll} backend (Linux poll(2), readiness core). */
@BackendUnderTest("poll")
class PollConformanceTest extends ConformanceSuite {
}
