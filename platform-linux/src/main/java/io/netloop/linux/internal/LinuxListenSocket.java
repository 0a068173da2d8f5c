package io.netloop.linux.internal;

import io.netloop.SocketOptions;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

final class LinuxListenSocket extends LinuxSocket implements ListenSocket {
    private final SocketAddress local;
    /** Whether this is an {@code AF_UNIX} listener: its connections get no TCP options. */
    private final boolean unix;

    LinuxListenSocket(LinuxPoller poller, int fd, SocketAddress local, boolean unix) {
        super(poller, fd);
        this.local = local;
        this.unix = unix;
    }

    @Override
    public StreamSocket accept(SocketOptions options) throws IOException {
        while (true) {
            int child = Sockets.accept4(poller.errno, fd, MemorySegment.NULL, MemorySegment.NULL,
                    Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
            if (child >= 0) {
                return new LinuxStreamSocket(poller, poller.sockets.configureOrClose(child, options, unix));
            }
            int e = Errno.errno(poller.errno);
            if (e == Errno.EAGAIN) {
                return null;
            }
            if (e != Errno.EINTR) {
                throw LinuxErrors.exception("accept", e);
            }
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }
}
