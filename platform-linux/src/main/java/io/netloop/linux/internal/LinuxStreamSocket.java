package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.PeerCredentials;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/** A connected non-blocking stream socket (TCP or {@code AF_UNIX}). Loop thread only; uses its poller's scratch memory. */
final class LinuxStreamSocket extends LinuxSocket implements StreamSocket {
    private static final long IOV_SIZE = Sockets.IOVEC.byteSize();

    LinuxStreamSocket(LinuxPoller poller, int fd) {
        super(poller, fd);
    }

    @Override
    public int read(ReadBuffer buffer) throws IOException {
        return poller.sockets.receiveNow(fd, buffer);
    }

    @Override
    public long write(WriteQueue queue) throws IOException {
        MemorySegment iov = poller.iovecs;
        int count = Math.min(queue.chunkCount(), MAX_GATHER);
        for (int i = 0; i < count; i++) {
            Chunk c = queue.chunk(i);
            long at = i * IOV_SIZE;
            // iov_base and iov_len are both 8 bytes on the 64-bit CPUs the probe admits.
            iov.set(JAVA_LONG, at + Sockets.IOVEC_IOV_BASE_OFFSET, c.segment().address() + c.readIndex());
            iov.set(JAVA_LONG, at + Sockets.IOVEC_IOV_LEN_OFFSET, c.readable());
        }
        MemorySegment errno = poller.errno;
        while (true) {
            long n = Sockets.writev(errno, fd, iov, count);
            if (n >= 0) {
                return n;
            }
            int e = Errno.errno(errno);
            if (e == Errno.EAGAIN) {
                return 0;
            }
            if (e != Errno.EINTR) {
                throw LinuxErrors.exception("write", e);
            }
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        int error = poller.sockets.getIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
        if (error != 0) {
            throw LinuxErrors.exception("connect", error);
        }
        // SO_ERROR is also 0 while the handshake is still under way: only a peer name says it is done.
        return remoteAddress() != null;
    }

    @Override
    public void shutdownOutput() throws IOException {
        poller.sockets.shutdownOutput(fd);
    }

    @Override
    public void abort() {
        poller.sockets.resetOnClose(fd);
        close();
    }

    @Override
    public IOException pendingError() {
        try {
            int error = poller.sockets.getIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
            return error == 0 ? null : LinuxErrors.exception("read", error);
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public SocketAddress localAddress() {
        return poller.sockets.socketName(fd, false);
    }

    @Override
    public SocketAddress remoteAddress() {
        return poller.sockets.socketName(fd, true);
    }

    @Override
    public PeerCredentials peerCredentials() {
        return poller.sockets.peerCredentials(fd);
    }
}
