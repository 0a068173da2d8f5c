package io.netloop.windows.internal;

import io.netloop.internal.completion.CompletionDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code overlapped-events}: the completion core on overlapped AcceptEx, ConnectEx, WSARecv and
 * WSASend signalled by an event object per operation, waited on by threads of at most 63 events
 * each ({@code WSAWaitForMultipleEvents}) and read with {@code WSAGetOverlappedResult}. Ranked
 * below {@code nio}: choose it by id.
 */
public final class OverlappedEventsBackend implements Backend {
    public static final String ID = "overlapped-events";

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
        return OverlappedPort.ExtensionFunctions.Shared.AVAILABILITY;
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new CompletionDriver(context, new OverlappedEventsPort(OverlappedPort.ExtensionFunctions.Shared.FUNCTIONS));
    }
}
