package io.netloop.windows.internal;

import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadyHandler;

/**
 * A socket a {@link WinSelectPoller} watches, with its registration kept on it: select runs on the
 * loop thread, so a socket is closed only between waits and needs none of the hand-over that
 * {@link EventSelectSocket} makes with its waiter thread. Loop thread only.
 */
abstract class WinSelectSocket implements PollableSocket {
    final WinSelectPoller poller;
    final long handle;

    // Registration state, kept by the poller.
    /** The handler, or {@code null} when not registered. */
    ReadyHandler handler;
    /** READ and/or WRITE. */
    int interest;
    /** Index in the poller's array of watched sockets, or -1. */
    int slot = -1;
    /** Changes with every registration, so a ready entry of an earlier one is recognised as stale. */
    int generation;
    /** The poll round that last found this socket ready, and the operations it found. */
    int readyRound;
    int readyOps;

    private boolean closed;

    WinSelectSocket(WinSelectPoller poller, long handle) {
        this.poller = poller;
        this.handle = handle;
    }

    /** Whether a non-blocking connect is under way: the poller then watches the except set too. */
    boolean connecting() {
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        poller.deregister(this);
        poller.sockets.close(handle);
    }
}
