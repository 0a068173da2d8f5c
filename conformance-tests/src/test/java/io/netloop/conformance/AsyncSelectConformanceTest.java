package io.netloop.conformance;

/** The whole suite on {@code asyncselect} (Windows); each test is skipped, with the reason, where that backend is unavailable. */
@BackendUnderTest("asyncselect")
class AsyncSelectConformanceTest extends ConformanceSuite {
}
