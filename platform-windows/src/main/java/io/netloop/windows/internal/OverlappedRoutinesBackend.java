package io.netloop.windows.internal;

import io.netloop.internal.completion.CompletionDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code overlapped-routines}: the completion core on overlapped WSARecv and WSASend completed by
 * completion routines, run in the loop thread's alertable {@code SleepEx}; AcceptEx and ConnectEx,
 * which take no routine, are signalled by events watched by waiter threads, which wake the loop
 * with {@code QueueUserAPC} as other threads do. Ranked below {@code nio}: choose it by id.
 */
public final class OverlappedRoutinesBackend implements Backend {
    public static final String ID = "overlapped-routines";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return -20;
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
        return new CompletionDriver(context, new OverlappedRoutinesPort(OverlappedPort.ExtensionFunctions.Shared.FUNCTIONS));
    }
}
