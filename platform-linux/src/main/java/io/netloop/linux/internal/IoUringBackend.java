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
    /**
     * Switch, off by default: {@code -Dnetloop.io_uring.sharedReceiveBuffers=true} makes receives
     * take their buffers, when data arrives, from a ring of buffers the loop's connections share
     * ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19), so an idle connection holds no receive buffer.
     * Off by default because it is not yet measured beyond the conformance suite and the idle
     * scenario: every receive then gets one buffer size (4 KiB, or the read buffer size if smaller)
     * where the per-connection buffers grow with the traffic, and it does not use multishot receive.
     */
    static final String SHARED_RECEIVE_BUFFERS = "netloop.io_uring.sharedReceiveBuffers";
    private static final int SHARED_BUFFER_SIZE = 4096;

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
        boolean wanted = Boolean.getBoolean(SHARED_RECEIVE_BUFFERS);
        boolean shared = wanted && features.providedBufferRings();
        IoUringPort port = new IoUringPort(features, shared ? Math.min(SHARED_BUFFER_SIZE, context.readBufferSize()) : 0);
        if (LOGGED.compareAndSet(false, true)) {
            log.info("{}; rings set up with flags 0x{}; receive buffers: {}", features.description(),
                    Integer.toHexString(port.setupFlags()),
                    port.selectsReceiveBuffers() ? "shared by the loop's connections"
                            : wanted ? "one per connection (shared ones were asked for, but this kernel cannot: see above)"
                            : "one per connection (" + SHARED_RECEIVE_BUFFERS + " is off)");
        }
        return new CompletionDriver(context, port);
    }
}
