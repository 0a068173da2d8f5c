package io.netloop.linux.internal;

import io.netloop.internal.readiness.PollableSocket;

/** A descriptor an {@link EpollPoller} watches; {@link #token} is its {@code epoll_data} while registered. */
abstract class EpollSocket implements PollableSocket {
    final EpollPoller poller;
    final int fd;
    long token;
    private boolean closed;

    EpollSocket(EpollPoller poller, int fd) {
        this.poller = poller;
        this.fd = fd;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            poller.sockets.close(fd);
        }
    }
}
