package io.netloop.windows.internal;

import io.netloop.internal.completion.CompletionDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code iocp}: the completion core on one I/O completion port per loop, with AcceptEx, ConnectEx,
 * WSARecv and WSASend. The default on Windows.
 */
public final class IocpBackend implements Backend {
    public static final String ID = "iocp";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        Availability winsock = WindowsProbe.winsock();
        if (!winsock.isAvailable()) {
            return winsock;
        }
        return OverlappedPort.ExtensionFunctions.Shared.AVAILABILITY;
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new CompletionDriver(context, new IocpPort(OverlappedPort.ExtensionFunctions.Shared.FUNCTIONS));
    }
}
