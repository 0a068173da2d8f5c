package io.netloop.conformance;

/** The whole suite on the pure-JDK {@code nio} backend, which runs everywhere. */
@BackendUnderTest("nio")
class NioConformanceTest extends ConformanceSuite {
}
