package io.netloop.linux.internal;

/** {@code epoll-lt}: level-triggered epoll, reads bounded per event. */
public final class EpollLevelTriggeredBackend extends EpollBackend {
    public static final String ID = "epoll-lt";

    public EpollLevelTriggeredBackend() {
        super(ID, false, 90);
    }
}
