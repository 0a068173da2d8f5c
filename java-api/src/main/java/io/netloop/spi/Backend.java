package io.netloop.spi;

import java.io.IOException;

/**
 * A transport that event loops can run on: a provider registered with
 * {@code provides io.netloop.spi.Backend with ...} (or {@code META-INF/services}).
 *
 * <pre>{@code
 * public final class EpollBackend implements Backend {
 *     public String id() { return "epoll-lt"; }
 *     ...
 * }
 * }</pre>
 */
public interface Backend {

    /** The id used in {@code -Dnetloop.backend=}, in builders and in test names, such as {@code "epoll-lt"}. */
    String id();

    /**
     * Preference when the backend is chosen automatically: among available backends the highest
     * wins. The pure-JDK NIO backend has 0; a native backend for the running OS should be higher.
     */
    int priority();

    /** Whether this backend can run here. Never throws; cheap after the first call. */
    Availability availability();

    /**
     * Creates the driver for one event loop. Called on that loop's thread, only when
     * {@link #availability()} said available.
     */
    IoDriver newDriver(DriverContext context) throws IOException;
}
