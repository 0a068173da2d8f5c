package io.netloop.windows.internal;

import io.netloop.internal.readiness.PollableSocket;

/**
 * A socket an {@link AsyncSelectPoller} watches. Closed on the loop thread, after its selection is
 * cancelled and its registration forgotten: messages still queued for it are then dropped, even
 * once the handle is reused.
 */
abstract class AsyncSelectSocket implements PollableSocket {
    final AsyncSelectPoller poller;
    final long handle;
    /** Loop thread: the current registration, or {@code null}. */
    AsyncSelectPoller.Registration registration;
    /** Error codes reported with FD_CONNECT and FD_CLOSE. */
    int connectError;
    int closeError;
    private boolean closed;

    AsyncSelectSocket(AsyncSelectPoller poller, long handle) {
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
        poller.sockets.close(handle);
    }
}
