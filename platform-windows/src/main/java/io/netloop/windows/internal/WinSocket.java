package io.netloop.windows.internal;

import io.netloop.internal.readiness.PollableSocket;

/**
 * A non-blocking Winsock socket that a readiness model watches: its handle, its poller, and its
 * model's record of it. Its poller ({@link WinReadinessPoller}) decides how the socket is closed.
 * Loop thread only.
 *
 * @param <S> the model's record of one socket
 */
abstract sealed class WinSocket<S> implements PollableSocket permits WinStreamSocket, WinListenSocket, WinDatagramSocket {
    final WinReadinessPoller<S> poller;
    final long handle;
    /** Loop thread: the model's record of this socket, kept by its poller. */
    final S state;
    /** Error codes reported with FD_CONNECT and FD_CLOSE by the event models; always 0 under select. */
    int connectError;
    int closeError;
    private boolean closed;

    WinSocket(WinReadinessPoller<S> poller, long handle) {
        this.poller = poller;
        this.handle = handle;
        this.state = poller.newState();
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.closeSocket(this);
    }
}
