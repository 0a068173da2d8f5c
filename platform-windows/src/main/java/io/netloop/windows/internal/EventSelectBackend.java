package io.netloop.windows.internal;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code eventselect}: the readiness core on {@code WSAEventSelect}, sharded over waiter threads of
 * at most 63 sockets each. Ranked below {@code iocp}; choose it by id.
 */
public final class EventSelectBackend implements Backend {
    public static final String ID = "eventselect";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Availability availability() {
        return WindowsProbe.winsock();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new EventSelectPoller());
    }
}
