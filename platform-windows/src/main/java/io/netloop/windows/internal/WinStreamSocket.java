package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.SOCKET_ERROR;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * A connected (or connecting) non-blocking socket under a Winsock readiness model. Loop thread only;
 * uses its poller's scratch memory.
 *
 * @param <S> the model's record of one socket
 */
final class WinStreamSocket<S> extends WinSocket<S> implements StreamSocket {

    WinStreamSocket(WinReadinessPoller<S> poller, long handle) {
        super(poller, handle);
    }

    @Override
    public int read(ReadBuffer buffer) throws IOException {
        WinSocketCalls calls = poller.sockets;
        int n = Ws2_32.recv(calls.state, handle, buffer.segment(), buffer.capacity(), 0);
        if (n > 0) {
            return n;
        }
        if (n == 0) {
            return -1;
        }
        int e = WinErrors.wsaLastError(calls.state);
        if (e == WinErrors.WSAEWOULDBLOCK) {
            return 0;
        }
        throw WinSocketCalls.exception("read", e);
    }

    /**
     * Gathering sends. Under select, level-triggered, one send per WRITE: what is left waits for the
     * next. Under the event models ({@link WinReadinessPoller#sendsUntilWouldBlock}), sends until
     * everything gathered is sent or the socket would block: only a send that fails with
     * WSAEWOULDBLOCK re-enables FD_WRITE, so a short send must be followed by another.
     */
    @Override
    public long write(WriteQueue queue) throws IOException {
        WinSocketCalls calls = poller.sockets;
        long total = 0;
        while (true) {
            int buffers = WinSocketCalls.fillBuffers(poller.wsabufs, MAX_GATHER, queue, total);
            if (buffers == 0) {
                return total;
            }
            int rc = Ws2_32.WSASend(calls.state, handle, poller.wsabufs, buffers, poller.sent, 0,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc == SOCKET_ERROR) {
                int e = WinErrors.wsaLastError(calls.state);
                if (e == WinErrors.WSAEWOULDBLOCK) {
                    return total;
                }
                throw WinSocketCalls.exception("write", e);
            }
            int n = poller.sent.get(JAVA_INT, 0);
            if (n == 0 || !poller.sendsUntilWouldBlock) {
                return total + n;
            }
            total += n;
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        return poller.finishConnect(this);
    }

    @Override
    public void shutdownOutput() throws IOException {
        poller.sockets.shutdownOutput(handle);
    }

    @Override
    public void abort() {
        poller.sockets.resetOnClose(handle);
        close();
    }

    /** The error FD_CLOSE came with, if the model reported one, else {@code SO_ERROR}'s. */
    @Override
    public IOException pendingError() {
        if (closeError != 0) {
            return WinSocketCalls.exception("read", closeError);
        }
        try {
            int error = poller.sockets.getIntOption(handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
            return error == 0 ? null : WinSocketCalls.exception("read", error);
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public SocketAddress localAddress() {
        return poller.sockets.socketName(handle, false);
    }

    @Override
    public SocketAddress remoteAddress() {
        return poller.sockets.socketName(handle, true);
    }
}
