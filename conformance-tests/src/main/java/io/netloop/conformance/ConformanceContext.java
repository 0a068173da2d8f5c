package io.netloop.conformance;

import io.netloop.EventLoopGroup;

/**
 * What every theme of the suite needs from the class that runs it: the backend under test and
 * groups and peers that are cleaned up after each test, whether it passed or not.
 */
public interface ConformanceContext {

    /** The backend under test, such as {@code "epoll-et"}. */
    String backendId();

    /** A new group on {@code backendId} with {@code threads} loops, closed after the test. */
    EventLoopGroup newGroup(String backendId, int threads);

    /** A new group on the backend under test, closed after the test. */
    default EventLoopGroup newGroup(int threads) {
        return newGroup(backendId(), threads);
    }

    /**
     * The highest descriptor number the backend under test can watch, exclusive: unlimited but for
     * {@code select}, whose {@code fd_set} stops at FD_SETSIZE (1024).
     */
    default int descriptorLimit() {
        return Integer.MAX_VALUE;
    }

    /**
     * Skips the test, saying why, where it needs about {@code descriptors} more descriptors than the
     * process has open and the backend cannot watch that many.
     */
    default void assumeDescriptors(int descriptors) {
        int open = Loopback.openDescriptorCount().orElse(64);
        org.junit.jupiter.api.Assumptions.assumeTrue(open + descriptors < descriptorLimit(), () -> "needs about "
                + descriptors + " descriptors beside the " + open + " open, and " + backendId()
                + " watches descriptors below " + descriptorLimit() + " only");
    }

    /** Closes {@code resource} after the test (before the groups), and returns it. */
    <T extends AutoCloseable> T closeAfterTest(T resource);
}
