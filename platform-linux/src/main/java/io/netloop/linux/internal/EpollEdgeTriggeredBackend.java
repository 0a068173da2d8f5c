package io.netloop.linux.internal;

/**
 * {@code epoll-et}: edge-triggered epoll; reads until the socket is drained, within a fairness
 * budget that resumes without a new edge. The default on Linux, as in Netty's native transport.
 */
public final class EpollEdgeTriggeredBackend extends EpollBackend {
    public static final String ID = "epoll-et";

    public EpollEdgeTriggeredBackend() {
        super(ID, true, 100);
    }
}
