package io.netloop.internal.nio;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/** The pure-JDK backend ({@code nio}): the readiness core on a {@link java.nio.channels.Selector}. Runs everywhere. */
public final class NioBackend implements Backend {
    public static final String ID = "nio";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new NioPoller());
    }
}
