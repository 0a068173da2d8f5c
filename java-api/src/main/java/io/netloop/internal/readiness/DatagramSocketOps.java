package io.netloop.internal.readiness;

import io.netloop.internal.buffer.DatagramQueue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * A non-blocking UDP socket as a readiness backend supplies it ({@link ReadinessPoller#openUdp}):
 * bound, connected when it was opened with a peer, its options applied. The core calls it on the
 * loop thread only, and only while it is readable ({@link #receive}) or writable ({@link #send})
 * as far as it knows; a call that finds nothing to do says so rather than blocking.
 *
 * <p>A backend without batch calls implements both with one datagram per call
 * ({@code recvfrom}/{@code sendto}): {@code receive} fills slot 0 and returns 1, {@code send} sends
 * {@code queue}'s datagram {@code from} and returns 1. That is correct, only slower.
 */
public interface DatagramSocketOps extends PollableSocket {

    /**
     * Takes up to {@link DatagramBatch#slots()} datagrams from the kernel into {@code batch},
     * recording each one's length, truncation and sender with {@link DatagramBatch#set}.
     *
     * @return datagrams received, from slot 0 on; 0 when none is waiting
     * @throws java.net.PortUnreachableException on a connected socket whose peer's port was
     *         reported unreachable (ICMP; {@code ECONNREFUSED}): the socket stays usable
     * @throws IOException for any other failure, which closes the socket
     */
    int receive(DatagramBatch batch) throws IOException;

    /**
     * Sends {@code queue}'s datagrams {@code from} to {@code from + max - 1} (counted from its head),
     * in order, without removing them.
     *
     * @return how many the kernel took, from {@code from} on; 0 when its send buffer is full
     *         ({@code EAGAIN}); fewer than {@code max} when it filled, or the next one failed (which
     *         the next call then reports)
     * @throws IOException when the kernel refused datagram {@code from} itself (too long, no route,
     *         broadcast not allowed, {@link java.net.PortUnreachableException} on a connected
     *         socket): the core drops that one datagram, reports the error and goes on
     */
    int send(DatagramQueue queue, int from, int max) throws IOException;

    /** Joins ({@code join}) or leaves a multicast group on an interface; synchronous. */
    void membership(boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException;

    /**
     * The socket's pending error ({@code SO_ERROR}, which reading clears), for an error event that
     * arrives while the core is not reading; {@code null} when none.
     */
    default IOException pendingError() {
        return null;
    }

    /** The bound address, with the port the kernel picked. */
    InetSocketAddress localAddress();
}
