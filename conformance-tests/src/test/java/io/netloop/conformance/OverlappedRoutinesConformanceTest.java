package io.netloop.conformance;

/**
 * The whole suite on {@code overlapped-routines} (Windows: completion routines in alertable
 * waits); each test is skipped, with the reason, where that backend is unavailable.
 */
@BackendUnderTest("overlapped-routines")
class OverlappedRoutinesConformanceTest extends ConformanceSuite {
}
