package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.FD_ACCEPT;
import static io.netloop.bindings.windows.Ws2_32.FD_CLOSE;
import static io.netloop.bindings.windows.Ws2_32.FD_CONNECT;
import static io.netloop.bindings.windows.Ws2_32.FD_OOB;
import static io.netloop.bindings.windows.Ws2_32.FD_READ;
import static io.netloop.bindings.windows.Ws2_32.FD_WRITE;
import static io.netloop.internal.readiness.ReadinessPoller.ERROR;
import static io.netloop.internal.readiness.ReadinessPoller.HANGUP;
import static io.netloop.internal.readiness.ReadinessPoller.READ;
import static io.netloop.internal.readiness.ReadinessPoller.READ_HANGUP;
import static io.netloop.internal.readiness.ReadinessPoller.WRITE;

/** The network events ({@code FD_*}) of {@code WSAEventSelect} and {@code WSAAsyncSelect}, as the readiness core's operations. */
final class NetworkEvents {
    private NetworkEvents() {
    }

    /** The FD_* events to select for {@code interest}: FD_CLOSE always, FD_ACCEPT rather than FD_READ on a listener. */
    static int mask(WinSocket<?> socket, int interest) {
        int m = FD_CLOSE;
        if ((interest & READ) != 0) {
            m |= socket instanceof WinListenSocket ? FD_ACCEPT : FD_READ;
        }
        if ((interest & WRITE) != 0) {
            m |= FD_WRITE | FD_CONNECT;
        }
        return m;
    }

    /**
     * The operations of the FD_* {@code bits} reported for {@code socket}. The error codes that came
     * with FD_CONNECT and FD_CLOSE are recorded on the socket, for {@code finishConnect} and
     * {@code pendingError}. {@code closeSeen}: FD_CLOSE came, in {@code bits} or before; it comes
     * only once, so every dispatch after it reads on to the end. Loop thread.
     */
    static int readyOps(WinSocket<?> socket, int bits, int connectError, int closeError, boolean closeSeen) {
        int ops = 0;
        if ((bits & (FD_READ | FD_ACCEPT | FD_OOB)) != 0) {
            ops |= READ;
        }
        if ((bits & (FD_WRITE | FD_CONNECT)) != 0) {
            ops |= WRITE;
        }
        if ((bits & FD_CONNECT) != 0 && connectError != 0) {
            socket.connectError = connectError;
            ops |= ERROR;
        }
        if ((bits & FD_CLOSE) != 0 && closeError != 0) {
            socket.closeError = closeError;
            ops |= ERROR | HANGUP;
        }
        if (closeSeen) {
            ops |= READ | READ_HANGUP;
        }
        return ops;
    }
}
