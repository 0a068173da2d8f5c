package io.netloop.conformance;

/** The whole suite on {@code epoll-lt}; each test is skipped, with the reason, where that backend is unavailable. */
@BackendUnderTest("epoll-lt")
class EpollLtConformanceTest extends ConformanceSuite {
}
