package io.netloop.internal.completion;

import io.netloop.PeerCredentials;
import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.internal.buffer.DatagramQueue;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;

/**
 * What a completion backend supplies to the completion core: one loop's submission and completion
 * machinery (an io_uring instance, an I/O completion port) and the few synchronous socket calls
 * around it. Sockets are the platform's handles (a descriptor, a {@code SOCKET}) as {@code long}s.
 *
 * <p>Every method runs on the loop thread except {@link #wakeup()}. An operation method either
 * starts the operation, which then completes exactly once through {@link #poll} (or, for a
 * multishot accept, until a completion without {@link Completions#MORE}), or throws and starts
 * nothing. Errors arrive as negated codes that {@link #isCancelled} and {@link #exception} interpret.
 */
public interface CompletionPort {

    /**
     * Bytes of native memory one operation of this {@linkplain Operation#kind() kind} needs in
     * {@link Operation#memory}; for {@link Operation#RECEIVE_FROM} and {@link Operation#SEND_TO}
     * what one datagram's receive or send names (header, buffer descriptor, address and its length,
     * flags, and on Windows the {@code OVERLAPPED}).
     */
    long memorySize(int kind);

    // ---- sockets, synchronous ----

    /** A bound, listening socket. */
    long listen(SocketAddress local, SocketOptions options, boolean reusePort) throws IOException;

    /** A new socket ready to {@link #connect} to {@code remote}, with {@code options} applied. */
    long open(SocketAddress remote, SocketOptions options) throws IOException;

    /**
     * On the accepting loop: the socket a completed accept produced ({@code result} is the accept's
     * result), with {@code options} applied. The port closes it itself if this throws.
     */
    long accepted(Operation accept, long result, long listener, SocketOptions options) throws IOException;

    /** An accept completed with an error (or cancelled): releases what the port prepared for it (IOCP's accept socket). */
    void acceptFailed(Operation accept);

    /** On the loop that will own {@code socket} (perhaps not the one that accepted it): binds it to this port. */
    void adopt(long socket) throws IOException;

    /** After a successful connect completion: finishes the socket's setup. */
    void connected(long socket) throws IOException;

    /** The socket's bound address: TCP, Unix-domain or UDP (with the port the kernel picked for port 0). */
    SocketAddress localAddress(long socket);

    /** The peer's address, or {@code null} when not connected. */
    SocketAddress remoteAddress(long socket);

    /** The peer's credentials ({@code SO_PEERCRED}) for an {@code AF_UNIX} socket, or {@code null} where unknown. */
    default PeerCredentials peerCredentials(long socket) {
        return null;
    }

    /** See {@link io.netloop.spi.IoDriver#maxUnixPathBytes()}; 0 where this port opens no Unix-domain sockets. */
    default int maxUnixPathBytes() {
        return 0;
    }

    /** See {@link io.netloop.spi.IoDriver#supportsAbstractUnixAddresses()}. */
    default boolean supportsAbstractUnixAddresses() {
        return false;
    }

    void shutdownOutput(long socket) throws IOException;

    /** The next close resets the connection ({@code SO_LINGER} 0). Never throws. */
    void resetOnClose(long socket);

    /**
     * Frees the listening port at once; posted accepts then complete with an error or cancelled.
     * Never throws.
     *
     * @return whether that closed the socket too (no close operation may follow: its handle value
     *         may already belong to another socket)
     */
    boolean stopListening(long listener);

    /** Closes a socket no operation refers to, synchronously. Never throws. */
    void closeNow(long socket);

    // ---- operations ----

    /** Posts an accept on {@code listener}; returns whether it is multishot (keeps completing). */
    boolean accept(Operation op, long listener) throws IOException;

    void connect(Operation op, long socket, SocketAddress remote) throws IOException;

    /**
     * Receives into {@code buffer} ({@link Operation#buffer()}), at most its capacity; or, where the
     * port {@linkplain #sharedReceiveSize() picks receive buffers}, with {@code buffer} {@code null},
     * into one the port picks when data arrives.
     *
     * @return whether the receive is multishot (only ever with a {@code null} buffer): it stays
     *         posted and completes with {@link Completions#MORE} for each buffer the port fills,
     *         in order, until a completion without it (an error, end of input, cancelled)
     */
    boolean receive(Operation op, long socket, ReadBuffer buffer) throws IOException;

    // ---- receive buffers the port picks (optional) ----

    /**
     * The size of the receive buffers this port picks itself when data arrives, from memory it
     * shares among the loop's connections (io_uring's provided-buffer rings), so that a posted
     * receive with a {@code null} buffer holds no memory of its own and an idle connection costs no
     * receive buffer; 0 (the default) where the port cannot, and then it never sees the other three
     * calls. A port that picks buffers still takes the core's own buffer in any {@link #receive}
     * that passes one (the core does for connections whose reads fill the shared size). A receive
     * that picked a buffer completes with {@link Completions#PORT_BUFFER} in its flags; the core
     * gets that buffer from {@link #receivedBuffer} and gives it back with {@link #releaseBuffer}
     * once the data is delivered (or copied, while reading is paused); and a receive that found
     * every buffer in use completes with an error for which {@link #isOutOfBuffers} is true, and is
     * posted again.
     */
    default int sharedReceiveSize() {
        return 0;
    }

    /** The buffer a receive completion with {@link Completions#PORT_BUFFER} filled; {@code flags} are that completion's. */
    default ReadBuffer receivedBuffer(int flags) {
        throw new UnsupportedOperationException("this port does not pick receive buffers");
    }

    /** Gives back a buffer from {@link #receivedBuffer}; its memory may be written again at once. */
    default void releaseBuffer(ReadBuffer buffer) {
        throw new UnsupportedOperationException("this port does not pick receive buffers");
    }

    /** Whether a receive's error code means only that no picked buffer was free (post it again). */
    default boolean isOutOfBuffers(int error) {
        return false;
    }

    /** Sends the first {@code chunks} chunks of {@code queue} in one gathering operation; called under the queue's lock. */
    void send(Operation op, long socket, WriteQueue queue, int chunks) throws IOException;

    /** Closes {@code socket} as an operation; its completion says the socket is gone. Never throws. */
    void close(Operation op, long socket);

    /** Asks the kernel to cancel a posted operation, which then completes (cancelled, or normally if too late). */
    void cancel(Operation op);

    /**
     * Reads into {@code buffer} what the socket holds now, without waiting and without an
     * operation: the bytes read, 0 when nothing is there (or the port cannot read this way), -1 at
     * end of input. Only while no receive of the socket is posted.
     */
    int receiveNow(long socket, ReadBuffer buffer) throws IOException;

    /** Most chunks one {@link #send} gathers. */
    int maxGather();

    /**
     * Whether {@link #listen} with {@code reusePort} opens one more socket on a port another
     * listener of this process holds, the kernel spreading connections over them
     * ({@code SO_REUSEPORT}). Where it cannot (Windows), one socket accepts for every loop.
     */
    boolean supportsReusePort();

    // ---- UDP sockets ----
    //
    // A UDP socket (CompletionUdpSocket) keeps UdpOptions.receiveBatch() receives posted (or one
    // multishot receive) and up to a bound of sends, one datagram each, in flight. Its operations
    // follow the rules of every operation: the memory they name belongs to the kernel until their
    // completion is reaped, and closing cancels what is posted, then closes the socket with close().

    /**
     * A UDP socket ({@code SOCK_DGRAM}) of {@code local}'s family, bound to {@code local} and, when
     * {@code remote} is not {@code null}, connected to it, ready for this port's operations (IOCP:
     * associated with the completion port). Applies every option of {@code options} before binding:
     * {@code SO_REUSEADDR}, {@code SO_REUSEPORT} where the platform has it, {@code SO_SNDBUF} and
     * {@code SO_RCVBUF} when above 0, {@code SO_BROADCAST}, {@code IPV6_V6ONLY} on an IPv6 socket as
     * {@link UdpOptions#ipv6Only()} says (off: dual-stack whatever the system default), and the
     * multicast TTL/hops, loopback and sending interface of the socket's family. On an unconnected
     * socket, ICMP errors must not fail its receives (Windows: {@code SIO_UDP_CONNRESET} off); on a
     * connected one they must, so that {@link #isPortUnreachable} can report them. Closes the socket
     * again if any step fails.
     *
     * <p>The UDP methods have defaults so that a port can be built without UDP: this one says so,
     * and the others are then never called.
     *
     * @throws java.net.BindException when {@code local} is in use or not an address of this host
     * @throws IOException           with the system's error otherwise
     */
    default long openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options) throws IOException {
        throw new UnsupportedOperationException("this completion port has no UDP sockets");
    }

    /**
     * Joins ({@code join}) or leaves {@code group} on {@code networkInterface}, synchronously
     * ({@code IP_ADD_MEMBERSHIP}/{@code IPV6_JOIN_GROUP} and their drop counterparts; an IPv4 group
     * on a dual-stack IPv6 socket takes the IPv4 option).
     *
     * @throws IOException with the system's error (leaving a group not joined, too)
     */
    default void membership(long socket, boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        throw new UnsupportedOperationException("this completion port has no UDP sockets");
    }

    /**
     * Where the port picks the buffers of a UDP socket's receives itself when datagrams arrive
     * (io_uring: a provided-buffer ring of the socket's own): sets them up, {@code batch} buffers
     * or more, each with room for {@code maxDatagramSize} payload bytes and whatever the port puts
     * before them, and returns them; they are then passed to every {@link #receiveFrom} and
     * {@link #receivedDatagram} of that socket, and the core calls {@link DatagramBuffers#close()}
     * once the socket's last receive completion is reaped. Returns {@code null} (the default) where
     * the port does not pick, and then every {@link #receiveFrom} carries a buffer of the core's.
     */
    default DatagramBuffers datagramBuffers(long socket, int maxDatagramSize, int batch) throws IOException {
        return null;
    }

    /**
     * Posts a receive of one datagram ({@link Operation#RECEIVE_FROM}) on a UDP socket: the payload
     * into {@code buffer} (its capacity is the socket's {@code maxDatagramSize}), the sender's
     * address and whether the datagram was cut into the operation's {@link Operation#memory}
     * ({@code WSARecvFrom}: {@code WSABUF}, {@code sockaddr}, its length, the flags and the
     * {@code OVERLAPPED}; io_uring: a {@code msghdr}, its {@code iovec} and a {@code sockaddr});
     * or, with {@code buffers}, into one of them.
     *
     * <p>The operation completes with the payload bytes the buffer received (a datagram of 0 bytes
     * completes with 0), or with a negated error. A port whose system reports a cut datagram as an
     * error (Winsock: {@code WSAEMSGSIZE}) completes it with the bytes received instead, and says
     * {@link ReceivedDatagram#truncated} in {@link #receivedDatagram}. Cancelled, it completes with
     * an error for which {@link #isCancelled} is true; finding every one of {@code buffers} in use,
     * with one for which {@link #isOutOfBuffers} is true (the core posts it again once it has
     * released some).
     *
     * @param buffer  the core's buffer, or {@code null} when {@code buffers} is given
     * @param buffers the socket's {@link #datagramBuffers}, or {@code null}
     * @return whether the receive is multishot (only ever with {@code buffers}): it stays posted and
     *         completes with {@link Completions#MORE} and {@link Completions#PORT_BUFFER} for each
     *         datagram, in order, until a completion without {@code MORE} (an error, cancelled, or
     *         the kernel ending it); the core then posts it again unless it is pausing or closing
     */
    default boolean receiveFrom(Operation op, long socket, ReadBuffer buffer, DatagramBuffers buffers) throws IOException {
        throw new UnsupportedOperationException("this completion port has no UDP sockets");
    }

    /**
     * Describes the datagram a {@link Operation#RECEIVE_FROM} completion with {@code result >= 0}
     * holds: sets {@link ReceivedDatagram#data} (a read-only view whose position and limit bound
     * the payload, at most {@code maxDatagramSize} bytes: with the core's buffer,
     * {@code op.buffer().userView(n)}), the sender ({@link ReceivedDatagram#sender(java.lang.foreign.MemorySegment,
     * long, int, io.netloop.internal.net.SockAddrCodec)}), {@link ReceivedDatagram#truncated} and,
     * for a buffer the port picked ({@link Completions#PORT_BUFFER} in {@code flags}),
     * {@link ReceivedDatagram#portBuffer}, which the core hands to {@link DatagramBuffers#release}
     * once it has delivered the datagram (while reading is paused, it may keep it until resumed).
     *
     * @param result the completion's result
     * @param flags  the completion's {@link Completions} flags
     */
    default void receivedDatagram(Operation op, long result, int flags, DatagramBuffers buffers, ReceivedDatagram into) {
        throw new UnsupportedOperationException("this completion port has no UDP sockets");
    }

    /**
     * Whether a receive's or send's error code on a connected UDP socket means the peer's port is
     * unreachable (an ICMP message: Linux {@code ECONNREFUSED}, Winsock {@code WSAECONNRESET}); the
     * core reports it as a {@link java.net.PortUnreachableException} and, for a receive, posts it again.
     */
    default boolean isPortUnreachable(int error) {
        throw new UnsupportedOperationException("this completion port has no UDP sockets");
    }

    /**
     * Posts the send of one datagram ({@link Operation#SEND_TO}): the {@code index}-th from the head
     * of {@code queue} ({@link DatagramQueue#address}, {@link DatagramQueue#length}), to
     * {@link DatagramQueue#target} on an unconnected socket ({@code sendmsg}/{@code WSASendTo} with
     * the address, encoded into the operation's {@link Operation#memory}), or to the peer on a
     * {@code connected} one (no address). The datagram's bytes stay where they are until the core
     * removes it, after this operation and every earlier send of the socket completed. Completes
     * with the bytes sent, or with a negated error (the core drops that datagram, reports the error
     * and goes on). The core may post several before the first completes.
     */
    default void sendTo(Operation op, long socket, DatagramQueue queue, int index, boolean connected) throws IOException {
        throw new UnsupportedOperationException("this completion port has no UDP sockets");
    }

    /**
     * The receive buffers a port picks for one UDP socket ({@link #datagramBuffers}). Loop thread only.
     */
    interface DatagramBuffers {
        /** Gives back the buffer {@link ReceivedDatagram#portBuffer} named; the kernel may fill it again at once. */
        void release(int portBuffer);

        /** Native bytes these buffers hold (counted in the loop's outstanding native bytes until closed). */
        long nativeBytes();

        /** Frees the buffers (io_uring: unregisters the ring); only once no receive of the socket is posted. */
        void close();
    }

    // ---- the loop ----

    /**
     * Submits what was posted, waits at most {@code timeoutNanos} (0: do not wait; negative: until
     * woken) for completions, and hands each to {@code sink}; reports each OS wait to {@code waits}.
     */
    void poll(long timeoutNanos, Completions sink, WaitRecorder waits) throws IOException;

    /** Any thread: makes the current or next blocking {@link #poll} return promptly. */
    void wakeup();

    /** Whether the error code of a completion means it was cancelled. */
    boolean isCancelled(int error);

    /** The exception for {@code operation} failing with this error code (from a completion or a call). */
    IOException exception(String operation, int error);

    /** Releases the port. Called when nothing is posted any more, or with what still is reported as leaked. */
    void close();

    /** Where a port delivers completions. */
    interface Completions {
        /** The operation stays posted and will complete again. */
        int MORE = 1;
        /**
         * A receive's data is in a buffer the port picked: see {@link CompletionPort#sharedReceiveSize()}.
         * The port may use the bits above 16 to say which.
         */
        int PORT_BUFFER = 2;

        /** An operation completed: {@code tag} is its {@link Operation#tag()}. */
        void complete(long tag, long result, int flags);
    }
}
