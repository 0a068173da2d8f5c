package io.netloop.windows.internal;

import io.netloop.internal.readiness.PollableSocket;

/**
 * A socket an {@link EventSelectPoller} watches. Once a waiter has known it, the socket is closed
 * by that waiter after it stopped waiting on it, so that a waiter never reads the events of a
 * socket handle that was closed and reused meanwhile.
 */
abstract class EventSelectSocket implements PollableSocket {
    final EventSelectPoller poller;
    final long handle;
    /** Loop thread: the current registration, or {@code null}. */
    EventSelectPoller.Registration registration;
    /** Loop thread: the waiter of the last registration, which closes the socket. */
    EventSelectWaiter lastWaiter;
    /** Error codes reported with FD_CONNECT and FD_CLOSE. */
    int connectError;
    int closeError;
    private boolean closed;

    EventSelectSocket(EventSelectPoller poller, long handle) {
        this.poller = poller;
        this.handle = handle;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            poller.deregister(this);
        }
        if (lastWaiter != null) {
            lastWaiter.closeSocket(handle);
        } else {
            poller.sockets.close(handle);
        }
    }
}
