package io.netloop.windows.internal;

import io.netloop.internal.readiness.PollableSocket;

/**
 * A non-blocking Winsock socket that a readiness model watches: its handle, its model, and the
 * model's record of it. The model ({@link WinSocketModel}) decides how the socket is closed.
 * Loop thread only.
 *
 * @param <S> the model's record of one socket
 */
abstract sealed class WinSocket<S> implements PollableSocket permits WinStreamSocket, WinListenSocket {
    final WinSocketModel<S> model;
    final long handle;
    /** Loop thread: the model's record of this socket, kept by its poller. */
    final S state;
    /** Error codes reported with FD_CONNECT and FD_CLOSE by the event models; always 0 under select. */
    int connectError;
    int closeError;
    private boolean closed;

    WinSocket(WinSocketModel<S> model, long handle) {
        this.model = model;
        this.handle = handle;
        this.state = model.newState();
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close(this);
    }
}
