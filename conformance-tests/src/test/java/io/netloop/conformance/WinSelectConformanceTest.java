package io.netloop.conformance;

/**
 * The whole suite on {@code winsock-select} (Windows, Winsock's select on the readiness core; the
 * id is not {@code select}, which the Linux backend owns); each test is skipped, with the reason,
 * where that backend is unavailable. Its fd_sets grow with the sockets watched, so it keeps the
 * suite's default descriptor limit.
 */
@BackendUnderTest("winsock-select")
class WinSelectConformanceTest extends ConformanceSuite {
}
