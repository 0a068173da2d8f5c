package io.netloop.internal.completion;

import io.netloop.PeerCredentials;
import io.netloop.SocketOptions;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import java.io.IOException;
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

    /** Bytes of native memory one operation of this {@linkplain Operation#kind() kind} needs in {@link Operation#memory}. */
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

    // ---- the loop ----

    /**
     * Submits what was posted, waits at most {@code timeoutNanos} (0: do not wait; negative: until
     * woken) for completions, and hands each to {@code sink}.
     */
    void poll(long timeoutNanos, Completions sink) throws IOException;

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
