package io.netloop.windows.internal;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code winsock-select}: the readiness core on Winsock's {@code select}, with {@code fd_set}s
 * sized for every socket watched (no limit of 64). Spelled {@code winsock-select} because
 * backend ids are global and the Linux backend owns {@code select}. Chosen only by id: its
 * priority is below every other backend's, nio's included, because each wait hands every socket
 * to the kernel.
 *
 * <pre>{@code
 * EventLoopGroup group = EventLoopGroup.builder().backend("winsock-select").build();
 * }</pre>
 */
public final class WinSelectBackend implements Backend {
    public static final String ID = "winsock-select";

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
        return WindowsProbe.winsock();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new WinSelectPoller());
    }
}
