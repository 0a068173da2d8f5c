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
import java.net.InetSocketAddress;

/**
 * A connected (or connecting) non-blocking socket under a Winsock readiness model. Loop thread only;
 * uses its model's scratch memory.
 *
 * @param <S> the model's record of one socket
 */
final class WinStreamSocket<S> extends WinSocket<S> implements StreamSocket {

    WinStreamSocket(WinSocketModel<S> model, long handle) {
        super(model, handle);
    }

    @Override
    public int read(ReadBuffer buffer) throws IOException {
        WinSocketCalls calls = model.sockets();
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
     * One gathering send, or, where the model needs it ({@link WinSocketModel#sendsUntilWouldBlock()}),
     * sends until everything gathered is sent or the socket would block.
     */
    @Override
    public long write(WriteQueue queue) throws IOException {
        return model.sendsUntilWouldBlock() ? writeUntilWouldBlock(queue) : writeOnce(queue);
    }

    /** select is level-triggered: what is left waits for the next WRITE. */
    private long writeOnce(WriteQueue queue) throws IOException {
        WinSocketCalls calls = model.sockets();
        MemorySegment sent = model.sent();
        int buffers = WinSocketCalls.fillBuffers(model.wsabufs(), MAX_GATHER, queue, 0);
        if (buffers == 0) {
            return 0;
        }
        int rc = Ws2_32.WSASend(calls.state, handle, model.wsabufs(), buffers, sent, 0,
                MemorySegment.NULL, MemorySegment.NULL);
        if (rc == SOCKET_ERROR) {
            int e = WinErrors.wsaLastError(calls.state);
            if (e == WinErrors.WSAEWOULDBLOCK) {
                return 0;
            }
            throw WinSocketCalls.exception("write", e);
        }
        return sent.get(JAVA_INT, 0);
    }

    /** Only a send that fails with WSAEWOULDBLOCK re-enables FD_WRITE, so a short send must be followed by another. */
    private long writeUntilWouldBlock(WriteQueue queue) throws IOException {
        WinSocketCalls calls = model.sockets();
        MemorySegment sent = model.sent();
        long total = 0;
        while (true) {
            int buffers = WinSocketCalls.fillBuffers(model.wsabufs(), MAX_GATHER, queue, total);
            if (buffers == 0) {
                return total;
            }
            int rc = Ws2_32.WSASend(calls.state, handle, model.wsabufs(), buffers, sent, 0,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc == SOCKET_ERROR) {
                int e = WinErrors.wsaLastError(calls.state);
                if (e == WinErrors.WSAEWOULDBLOCK) {
                    return total;
                }
                throw WinSocketCalls.exception("write", e);
            }
            int n = sent.get(JAVA_INT, 0);
            if (n == 0) {
                return total;
            }
            total += n;
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        return model.finishConnect(this);
    }

    @Override
    public void shutdownOutput() throws IOException {
        model.sockets().shutdownOutput(handle);
    }

    @Override
    public void abort() {
        model.sockets().resetOnClose(handle);
        close();
    }

    /** The error FD_CLOSE came with, if the model reported one, else {@code SO_ERROR}'s. */
    @Override
    public IOException pendingError() {
        if (closeError != 0) {
            return WinSocketCalls.exception("read", closeError);
        }
        try {
            int error = model.sockets().getIntOption(handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
            return error == 0 ? null : WinSocketCalls.exception("read", error);
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return model.sockets().socketName(handle, false);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return model.sockets().socketName(handle, true);
    }
}
