package io.netloop.conformance;

/** The whole suite on {@code eventselect} (Windows); each test is skipped, with the reason, where that backend is unavailable. */
@BackendUnderTest("eventselect")
class EventSelectConformanceTest extends ConformanceSuite {
}
