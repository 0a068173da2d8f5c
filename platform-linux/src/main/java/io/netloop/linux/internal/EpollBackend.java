package io.netloop.linux.internal;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/** The epoll backends: the readiness core on an {@link EpollPoller} in one trigger mode. */
abstract class EpollBackend implements Backend {
    private final String id;
    private final boolean edgeTriggered;
    private final int priority;

    EpollBackend(String id, boolean edgeTriggered, int priority) {
        this.id = id;
        this.edgeTriggered = edgeTriggered;
        this.priority = priority;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public Availability availability() {
        return LinuxProbe.epoll();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new EpollPoller(edgeTriggered));
    }
}
