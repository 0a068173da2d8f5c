package io.netloop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Callbacks of one {@link UdpSocket}. All run on the socket's loop thread, one at a time:
 * {@code onOpen}, then any mix of {@code onDatagram} and {@code onError}, then {@code onClose}
 * exactly once.
 *
 * <p>If a callback throws, the socket is closed and {@code onClose} receives the exception.
 * Callbacks must not block.
 *
 * <pre>{@code
 * class UdpEcho implements UdpHandler {
 *     public void onDatagram(UdpSocket s, ByteBuffer data, InetSocketAddress sender, boolean truncated) {
 *         s.send(data, sender);
 *     }
 * }
 * }</pre>
 */
public interface UdpHandler {

    /**
     * The socket is bound (and, when made by {@link EventLoopGroup#connectUdp}, connected);
     * the first callback.
     *
     * @param socket the new socket
     */
    default void onOpen(UdpSocket socket) {
    }

    /**
     * One datagram arrived. {@code data} is owned by the loop and valid only during this call: copy
     * what must outlive it ({@link UdpSocket#send} copies).
     *
     * @param socket    the socket it arrived on
     * @param data      a read-only buffer holding the datagram from its position to its limit; may be
     *                  empty (a datagram of zero bytes is a datagram)
     * @param sender    the address it came from
     * @param truncated {@code true} when the datagram was longer than
     *                  {@link UdpOptions#maxDatagramSize()}: {@code data} then holds only its first
     *                  {@code maxDatagramSize} bytes and the rest is lost. Never cut silently.
     */
    void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender, boolean truncated);

    /**
     * An error that does not close the socket: a datagram the kernel refused to send (too long,
     * no route, broadcast not allowed), or, on a connected socket, the peer's port unreachable (an
     * ICMP message, reported as a {@link java.net.PortUnreachableException}). UDP loses datagrams
     * without telling anyone; this is only what the operating system did report.
     *
     * @param socket the socket, still open
     * @param error  what went wrong; by default ignored
     */
    default void onError(UdpSocket socket, IOException error) {
    }

    /**
     * The socket is closed. {@code cause} is {@code null} after {@link UdpSocket#close()} or the
     * group's shutdown, and otherwise says why (a callback threw, the socket failed).
     *
     * @param socket the closed socket; sends to it return {@code false}
     * @param cause  why it closed, or {@code null}
     */
    default void onClose(UdpSocket socket, Throwable cause) {
    }
}
