package io.netloop.internal.loop;

import io.netloop.EventLoopGroup;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import java.util.List;
import java.util.Optional;

/**
 * What the public API asks of the implementation, called by name from {@code io.netloop} (its
 * {@code Implementation} class) so that the API package depends on nothing of this one.
 */
public final class ApiBridge {
    private ApiBridge() {
    }

    public static EventLoopGroup newGroup(String backendId, int threads, int readBufferSize, boolean daemon) {
        return new LoopGroup(backendId, threads, readBufferSize, daemon);
    }

    public static List<String> backendIds() {
        return List.copyOf(BackendRegistry.all().keySet());
    }

    public static Optional<String> unavailabilityCause(String id) {
        Backend b = BackendRegistry.all().get(id);
        if (b == null) {
            return Optional.of("no backend '" + id + "' is installed; installed: " + backendIds());
        }
        Availability a = b.availability();
        return a.isAvailable() ? Optional.empty() : Optional.of(a.reason());
    }

    public static String defaultBackendId() {
        return BackendRegistry.choose(null).id();
    }
}
