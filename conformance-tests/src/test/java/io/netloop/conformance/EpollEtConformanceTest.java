package io.netloop.conformance;

/** The whole suite on {@code epoll-et}; each test is skipped, with the reason, where that backend is unavailable. */
@BackendUnderTest("epoll-et")
class EpollEtConformanceTest extends ConformanceSuite {
}
