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

/** A non-blocking listening socket under Winsock select. Loop thread only. */
final class WinSelectListenSocket extends WinSelectSocket implements ListenSocket {
    private final InetSocketAddress local;

    WinSelectListenSocket(WinSelectPoller poller, long handle, InetSocketAddress local) {
        super(poller, handle);
        this.local = local;
    }

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
        // accept() makes an inheritable handle whatever the listener's flags: child processes must not get it.
        Kernel32.SetHandleInformation(calls.state, MemorySegment.ofAddress(child), Kernel32.HANDLE_FLAG_INHERIT, 0);
        try {
            // Said again rather than relied on as inherited from the listener (the C sequence test does the same).
            calls.nonBlocking(child);
        } catch (IOException e) {
            calls.close(child);
            throw e;
        }
        return new WinSelectStreamSocket(poller, calls.configureOrClose(child, options), false);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
