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
     * Switch, on by default: receives of connections whose reads fit {@value #SHARED_BUFFER_SIZE}
     * bytes take their buffer, when data arrives, from a ring of buffers the loop's connections
     * share ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19), so an idle connection holds no receive
     * buffer; a connection whose reads fill a shared buffer receives into buffers of its own, sized
     * to its traffic, until its reads are short again. {@code -Dnetloop.io_uring.sharedReceiveBuffers=false}
     * gives every connection buffers of its own, as kernels without the rings do.
     */
    static final String SHARED_RECEIVE_BUFFERS = "netloop.io_uring.sharedReceiveBuffers";
    /**
     * Switch, on by default: receives into shared buffers are multishot where the kernel has it
     * (6.0); {@code -Dnetloop.io_uring.multishotReceive=false} posts one receive per buffer, as 5.19 does.
     */
    static final String MULTISHOT_RECEIVE = "netloop.io_uring.multishotReceive";
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
        boolean wanted = switchedOn(SHARED_RECEIVE_BUFFERS);
        boolean shared = wanted && features.providedBufferRings();
        boolean multishot = shared && features.multishotReceive() && switchedOn(MULTISHOT_RECEIVE);
        IoUringPort port = new IoUringPort(features, shared ? Math.min(SHARED_BUFFER_SIZE, context.readBufferSize()) : 0, multishot);
        if (LOGGED.compareAndSet(false, true)) {
            log.info("{}; rings set up with flags 0x{}; receive buffers: {}", features.description(),
                    Integer.toHexString(port.setupFlags()),
                    port.sharedReceiveSize() > 0 ? "shared by the loop's connections (own ones while reads fill them), "
                            + (multishot ? "multishot receives" : "a receive per buffer")
                            : wanted ? "one per connection (shared ones were asked for, but this kernel cannot: see above)"
                            : "one per connection (" + SHARED_RECEIVE_BUFFERS + " is false)");
        }
        return new CompletionDriver(context, port);
    }

    /** A switch that is on unless its system property says {@code false}. */
    private static boolean switchedOn(String property) {
        return !"false".equalsIgnoreCase(System.getProperty(property));
    }
}
