package io.netloop.conformance;

/** The whole suite on {@code io_uring}; each test is skipped, with the reason, where that backend is unavailable. */
@BackendUnderTest("io_uring")
class IoUringConformanceTest extends ConformanceSuite {
}
