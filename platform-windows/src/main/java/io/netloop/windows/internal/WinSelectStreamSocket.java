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
import java.net.ConnectException;
import java.net.InetSocketAddress;

/** A connected (or connecting) non-blocking socket under Winsock select. Loop thread only; uses its poller's scratch memory. */
final class WinSelectStreamSocket extends WinSelectSocket implements StreamSocket {
    private boolean connecting;
    /** Loop thread: the poller found the socket in the except set while it was connecting. */
    boolean connectFailed;

    WinSelectStreamSocket(WinSelectPoller poller, long handle, boolean connecting) {
        super(poller, handle);
        this.connecting = connecting;
    }

    @Override
    boolean connecting() {
        return connecting;
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

    /** One gathering send: select is level-triggered, so what is left waits for the next WRITE. */
    @Override
    public long write(WriteQueue queue) throws IOException {
        WinSocketCalls calls = poller.sockets;
        int buffers = poller.fillBuffers(queue);
        if (buffers == 0) {
            return 0;
        }
        int rc = Ws2_32.WSASend(calls.state, handle, poller.wsabufs, buffers, poller.sent, 0,
                MemorySegment.NULL, MemorySegment.NULL);
        if (rc == SOCKET_ERROR) {
            int e = WinErrors.wsaLastError(calls.state);
            if (e == WinErrors.WSAEWOULDBLOCK) {
                return 0;
            }
            throw WinSocketCalls.exception("write", e);
        }
        return poller.sent.get(JAVA_INT, 0);
    }

    /**
     * Winsock reports a failed non-blocking connect in the except set, with the cause in
     * {@code SO_ERROR}; a successful one in the write set. {@code SO_ERROR} is also 0 while the
     * handshake is under way: only a peer name says it is done.
     */
    @Override
    public boolean finishConnect() throws IOException {
        int error = poller.sockets.getIntOption(handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
        if (error != 0) {
            connecting = false;
            throw WinSocketCalls.exception("connect", error);
        }
        if (remoteAddress() == null) {
            if (connectFailed) {
                connecting = false;
                throw new ConnectException("connect failed: select reported it in the except set with no SO_ERROR");
            }
            return false;
        }
        connecting = false;
        return true;
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

    @Override
    public IOException pendingError() {
        try {
            int error = poller.sockets.getIntOption(handle, Ws2_32.SOL_SOCKET, Ws2_32.SO_ERROR);
            return error == 0 ? null : WinSocketCalls.exception("read", error);
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return poller.sockets.socketName(handle, false);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return poller.sockets.socketName(handle, true);
    }
}
