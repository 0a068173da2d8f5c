package io.netloop.conformance;

/**
 * The whole suite on {@code overlapped-events} (Windows: overlapped I/O signalled by event
 * objects); each test is skipped, with the reason, where that backend is unavailable.
 */
@BackendUnderTest("overlapped-events")
class OverlappedEventsConformanceTest extends ConformanceSuite {
}
