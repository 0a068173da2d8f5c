package io.netloop.conformance;

/** The whole suite on the {@code select} backend (Linux select(2), readiness core). */
@BackendUnderTest("select")
class SelectConformanceTest extends ConformanceSuite {

    /** select(2)'s fd_set holds descriptors below FD_SETSIZE: the tests that need more skip, saying so. */
    @Override
    public int descriptorLimit() {
        return 1024;
    }
}
