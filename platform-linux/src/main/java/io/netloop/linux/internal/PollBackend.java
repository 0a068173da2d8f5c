package io.netloop.linux.internal;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/**
 * {@code poll}: the readiness core on poll(2), every registered descriptor handed to the kernel on each wait. Chosen only by id: its priority is below every
 * other backend's, nio's included, because epoll does the same work without the per-wait cost.
 */
public final class PollBackend implements Backend {
    public static final String ID = "poll";

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
        return LinuxProbe.poll();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new PollPoller());
    }
}
