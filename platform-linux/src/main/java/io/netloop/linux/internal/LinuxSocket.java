package io.netloop.linux.internal;

import io.netloop.internal.readiness.PollableSocket;

/** A descriptor a {@link LinuxPoller} watches; {@link #token} is generation &lt;&lt; 32 | fd while registered (epoll_data for epoll). */
abstract class LinuxSocket implements PollableSocket {
    final LinuxPoller poller;
    final int fd;
    long token;
    private boolean closed;

    LinuxSocket(LinuxPoller poller, int fd) {
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
