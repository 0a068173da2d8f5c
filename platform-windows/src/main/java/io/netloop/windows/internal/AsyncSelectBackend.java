package io.netloop.windows.internal;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code asyncselect}: the readiness core on {@code WSAAsyncSelect}, socket events arriving as
 * window messages to a message-only window of each loop thread. The classic model of Windows GUI
 * programs, kept for comparison and for hosts where it is what works; ranked below {@code iocp},
 * {@code eventselect} and {@code nio}: choose it by id.
 *
 * <p><b>Portability:</b> a thread's message queue holds at most 10,000 posted messages by default;
 * a loop with very many busy sockets could reach it, and Winsock's post of an event would then
 * fail. Each socket has at most one of each event outstanding, so this needs thousands of sockets.
 */
public final class AsyncSelectBackend implements Backend {
    public static final String ID = "asyncselect";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return -10;
    }

    @Override
    public Availability availability() {
        Availability winsock = WindowsProbe.winsock();
        if (!winsock.isAvailable()) {
            return winsock;
        }
        return AsyncSelectPoller.WindowClass.AVAILABILITY;
    }

    /** Called on the loop thread, which creates and owns the poller's window. */
    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new AsyncSelectPoller());
    }
}
