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

    /**
     * The id used in {@code -Dnetloop.backend=}, in builders and in test names.
     *
     * @return a constant, unique among installed backends, such as {@code "epoll-lt"}; of two
     *         providers with one id, the one of higher priority is used
     */
    String id();

    /**
     * Preference when the backend is chosen automatically: among available backends the highest
     * wins. The pure-JDK NIO backend has 0; a native backend for the running OS should be higher.
     *
     * @return a constant; ties keep the order {@link java.util.ServiceLoader} found the backends in
     */
    int priority();

    /**
     * Whether this backend can run here. Never throws; cheap after the first call.
     *
     * @return available, or unavailable with the reason; may be asked from any thread
     */
    Availability availability();

    /**
     * Creates the driver for one event loop. Called on that loop's thread, only when
     * {@link #availability()} said available.
     *
     * @param context the loop the driver serves, and its settings
     * @return a driver owned by the calling loop thread
     * @throws IOException when the driver's native resources cannot be set up; the group then
     *         fails to start with an {@link java.io.UncheckedIOException}
     */
    IoDriver newDriver(DriverContext context) throws IOException;
}
