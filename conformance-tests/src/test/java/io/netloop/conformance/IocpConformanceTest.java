package io.netloop.conformance;

/** The whole suite on {@code iocp} (Windows); each test is skipped, with the reason, where that backend is unavailable. */
@BackendUnderTest("iocp")
class IocpConformanceTest extends ConformanceSuite {
}
