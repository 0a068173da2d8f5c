package io.netloop.internal.readiness;

/** The core's object behind a registered socket: a connection or an acceptor. */
public interface ReadyHandler {
    /** Loop thread: {@code readyOps} is a mix of {@link ReadinessPoller}'s bits. */
    void onReady(int readyOps);
}
