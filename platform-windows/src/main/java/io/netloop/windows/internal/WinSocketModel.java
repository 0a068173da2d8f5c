package io.netloop.windows.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * What a Winsock readiness model ({@code eventselect}, {@code winsock-select}, {@code asyncselect})
 * decides for the sockets it watches: the points where {@link WinSocket}, {@link WinStreamSocket}
 * and {@link WinListenSocket} differ between the models. Implemented by each model's poller;
 * loop thread only.
 *
 * @param <S> the model's own record of one socket, made with the socket
 */
interface WinSocketModel<S> {

    /** The loop's synchronous Winsock calls and their scratch memory. */
    WinSocketCalls sockets();

    /** The loop's WSABUF array of {@link io.netloop.internal.readiness.StreamSocket#MAX_GATHER} entries, for writes. */
    MemorySegment wsabufs();

    /** The loop's 4 bytes where a send leaves how much it sent. */
    MemorySegment sent();

    /** A new socket's record, made once per socket. */
    S newState();

    /**
     * Whether a write goes on sending until the socket would block. The event models need it:
     * only a send that fails with WSAEWOULDBLOCK re-enables FD_WRITE, so a short send must be
     * followed by another. Under select, level-triggered, one send per WRITE is enough.
     */
    boolean sendsUntilWouldBlock();

    /** {@link WinStreamSocket#finishConnect()}: each model learns the outcome of a connect its own way. */
    boolean finishConnect(WinStreamSocket<S> socket) throws IOException;

    /**
     * Makes a handle just accepted from a listener of this model ready to be a socket of it (what
     * it inherited from the listener), and not inheritable by child processes; closes it and
     * throws if that fails.
     */
    void prepareAccepted(long child) throws IOException;

    /** {@link WinSocket#close()}, once: stops watching the socket and closes its handle when the model allows. */
    void close(WinSocket<S> socket);
}
