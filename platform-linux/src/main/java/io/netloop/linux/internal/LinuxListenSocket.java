package io.netloop.linux.internal;

import io.netloop.SocketOptions;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

final class LinuxListenSocket extends LinuxSocket implements ListenSocket {
    private final InetSocketAddress local;

    LinuxListenSocket(LinuxPoller poller, int fd, InetSocketAddress local) {
        super(poller, fd);
        this.local = local;
    }

    @Override
    public StreamSocket accept(SocketOptions options) throws IOException {
        while (true) {
            int child = Sockets.accept4(poller.errno, fd, MemorySegment.NULL, MemorySegment.NULL,
                    Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
            if (child >= 0) {
                return new LinuxStreamSocket(poller, poller.sockets.configureOrClose(child, options));
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
    public InetSocketAddress localAddress() {
        return local;
    }
}
