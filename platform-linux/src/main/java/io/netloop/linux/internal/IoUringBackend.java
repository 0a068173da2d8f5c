package io.netloop.linux.internal;

import io.netloop.internal.completion.CompletionDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code io_uring}: the completion core on one io_uring instance per loop, through the raw system
 * calls. Ranked below epoll until the benchmarks say otherwise; choose it by id.
 */
public final class IoUringBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(IoUringBackend.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();
    public static final String ID = "io_uring";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 80;
    }

    @Override
    public Availability availability() {
        return LinuxProbe.ioUring();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        IoUringFeatures features = LinuxProbe.ioUringFeatures();
        IoUringPort port = new IoUringPort(features);
        if (LOGGED.compareAndSet(false, true)) {
            log.info("{}; rings set up with flags 0x{}", features.description(), Integer.toHexString(port.setupFlags()));
        }
        return new CompletionDriver(context, port);
    }
}
