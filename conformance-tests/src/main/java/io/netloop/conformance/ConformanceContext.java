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

    /** Closes {@code resource} after the test (before the groups), and returns it. */
    <T extends AutoCloseable> T closeAfterTest(T resource);
}
