/**
 * The netloop conformance suite: one set of JUnit tests that every backend runs by subclassing
 * {@link io.netloop.conformance.ConformanceSuite} in one line. Shipped as a jar, like Netty's testsuite.
 */
module io.netloop.conformance {
    requires io.netloop;
    requires org.junit.jupiter.api;
    requires org.junit.jupiter.params;
    // Per-thread CPU and allocation counters, used by LimitsConformance.
    requires java.management;
    requires jdk.management;
    // Recordings made and read back by ObservabilityConformance.
    requires jdk.jfr;

    exports io.netloop.conformance;
    opens io.netloop.conformance to org.junit.platform.commons;
}
