package io.netloop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One UDP socket, owned by one {@link EventLoop}; made by {@link EventLoopGroup#bindUdp}.
 *
 * <p>Every method may be called from any thread. A send copies the datagram before it returns and
 * queues it; the loop sends queued datagrams in order, in batches where the operating system can
 * ({@code sendmmsg} on Linux). Each datagram is sent whole or not at all: its boundaries are kept
 * from send to {@link UdpHandler#onDatagram}.
 *
 * <pre>{@code
 * UdpSocket s = group.bindUdp(new InetSocketAddress("127.0.0.1", 0), UdpOptions.defaults(), handler).join();
 * s.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), serverAddress);
 * }</pre>
 */
public interface UdpSocket {

    /**
     * The loop that owns this socket and runs its callbacks.
     *
     * @return the same loop for the socket's whole life
     */
    EventLoop loop();

    /**
     * The bound address.
     *
     * @return the local address, with the port the kernel picked when port 0 was asked for
     */
    InetSocketAddress localAddress();

    /**
     * The peer of a connected socket.
     *
     * @return the address given to {@link EventLoopGroup#connectUdp}, or {@code null} when the
     *         socket is not connected
     */
    InetSocketAddress remoteAddress();

    /**
     * Queues one datagram to {@code target}: the remaining bytes of {@code data}, whose position
     * then advances to its limit.
     *
     * @param data   the datagram, heap or direct, copied before this returns; may be empty
     * @param target a resolved address; must be the connected peer on a connected socket
     * @return {@code false}, with nothing queued and {@code data} untouched, when the socket is
     *         closed or its queue already holds {@link UdpOptions#sendQueueLimit()} bytes
     * @throws IllegalArgumentException when the datagram is longer than 65,535 bytes, or
     *         {@code target} is unresolved or of the wrong family for this socket
     */
    boolean send(ByteBuffer data, InetSocketAddress target);

    /**
     * Queues one datagram to the connected peer; see {@link #send(ByteBuffer, InetSocketAddress)}.
     *
     * @param data the datagram, copied before this returns
     * @return {@code false}, with nothing queued, when the socket is closed or its queue is full
     * @throws IllegalStateException when the socket is not connected
     */
    boolean send(ByteBuffer data);

    /**
     * Bytes queued and not yet handed to the kernel.
     *
     * @return the queue's size in bytes at the moment of the call
     */
    long pendingSendBytes();

    /**
     * Joins the multicast {@code group} on {@code networkInterface}; datagrams sent to the group
     * and to this socket's port then arrive at {@link UdpHandler#onDatagram}.
     *
     * @param group            a multicast address of this socket's family (an IPv4 group on an
     *                         IPv4 socket; on a dual-stack IPv6 socket, either)
     * @param networkInterface the interface to join on
     * @return completed once joined, or exceptionally with the operating system's error
     * @throws IllegalArgumentException when {@code group} is not a multicast address
     */
    CompletableFuture<Void> joinGroup(InetAddress group, NetworkInterface networkInterface);

    /**
     * Leaves a group joined with {@link #joinGroup}.
     *
     * @param group            the group
     * @param networkInterface the interface it was joined on
     * @return completed once left, or exceptionally (for a group not joined, too)
     */
    CompletableFuture<Void> leaveGroup(InetAddress group, NetworkInterface networkInterface);

    /**
     * Stops delivering {@link UdpHandler#onDatagram}; arriving datagrams wait in the kernel's
     * receive buffer, and are dropped by the kernel once it is full. Called on the loop thread it
     * takes effect at once.
     */
    void pauseReading();

    /** Resumes delivering datagrams after {@link #pauseReading()}. */
    void resumeReading();

    /**
     * Closes the socket: queued datagrams are sent first, unless the group is aborting. Idempotent.
     *
     * @return {@link #closeFuture()}
     */
    CompletableFuture<Void> close();

    /**
     * Completed once the socket is closed, right after {@link UdpHandler#onClose}.
     *
     * @return a future completed with {@code null}, never exceptionally
     */
    CompletableFuture<Void> closeFuture();

    /**
     * Whether the socket is open and not closing.
     *
     * @return {@code false} once {@link #close()} was called or the loop began closing it
     */
    boolean isOpen();
}
