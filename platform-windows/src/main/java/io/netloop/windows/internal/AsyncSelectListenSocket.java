package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.INVALID_SOCKET;

import io.netloop.SocketOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

final class AsyncSelectListenSocket extends AsyncSelectSocket implements ListenSocket {
    private final InetSocketAddress local;

    AsyncSelectListenSocket(AsyncSelectPoller poller, long handle, InetSocketAddress local) {
        super(poller, handle);
        this.local = local;
    }

    /** Each accept re-enables FD_ACCEPT: Winsock posts it again while connections are queued. */
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
        // An accepted socket inherits the listener's selection (its message number, FD_ACCEPT):
        // cancel it; the core registers the socket with its own. It stays non-blocking.
        Ws2_32.WSAAsyncSelect(calls.state, child, poller.window, 0, 0);
        // accept() makes an inheritable handle whatever the listener's flags: child processes must not get it.
        Kernel32.SetHandleInformation(calls.state, MemorySegment.ofAddress(child), Kernel32.HANDLE_FLAG_INHERIT, 0);
        return new AsyncSelectStreamSocket(poller, calls.configureOrClose(child, options));
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
