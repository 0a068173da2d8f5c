package io.netloop.benchmarks.servers;

import java.util.List;

/** A running peer server, as {@link BenchServer} sees it. */
interface PeerServer {

    /** The bound port (the actual one when port 0 was asked for). */
    int port();

    /** The threads that do the server's I/O, whose allocation {@code STATS} reports. */
    List<Thread> ioThreads();

    /** Connections currently open. */
    int connections();

    /**
     * Stops accepting, closes every connection after sending what is queued, and ends the I/O
     * threads; waits at most about {@code timeoutMillis}, then gives up on what is left.
     */
    void close(long timeoutMillis);
}
