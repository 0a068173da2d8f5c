package io.netloop.linux.internal;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code select}: the readiness core on select(2), descriptors below FD_SETSIZE (1024) only. Chosen only by id: its priority is below every
 * other backend's, nio's included, because epoll does the same work without the per-wait cost.
 */
public final class SelectBackend implements Backend {
    public static final String ID = "select";

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
        return LinuxProbe.select();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new SelectPoller());
    }
}
