package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.INVALID_SOCKET;

import io.netloop.SocketOptions;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * A non-blocking listening socket under a Winsock readiness model. Loop thread only.
 *
 * @param <S> the model's record of one socket
 */
final class WinListenSocket<S> extends WinSocket<S> implements ListenSocket {
    private final SocketAddress local;
    /** Whether this is an {@code AF_UNIX} listener: its connections get no TCP options. */
    private final boolean unix;

    WinListenSocket(WinReadinessPoller<S> poller, long handle, SocketAddress local, boolean unix) {
        super(poller, handle);
        this.local = local;
        this.unix = unix;
    }

    /** The event models re-enable FD_ACCEPT with each accept: Winsock posts it again while connections are queued. */
    @Override
    public StreamSocket accept(SocketOptions options) throws IOException {
        WinSocketCalls calls = poller.sockets;
        long child = Ws2_32.accept(calls.state, handle, MemorySegment.NULL, MemorySegment.NULL);
        if (child == INVALID_SOCKET) {
            int e = WinErrors.wsaLastError(calls.state);
            if (e == WinErrors.WSAEWOULDBLOCK) {
                return null;
            }
            throw WinSocketCalls.exception("accept", e);
        }
        poller.prepareAccepted(child);
        return new WinStreamSocket<>(poller, calls.configureOrClose(child, options, unix));
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }
}
