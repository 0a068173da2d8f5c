package io.netloop;

import io.netloop.internal.loop.BackendRegistry;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import java.util.List;
import java.util.Optional;

/**
 * Which backends are installed, and which can run here.
 *
 * <pre>{@code
 * for (String id : Backends.ids()) {
 *     System.out.println(id + ": " + Backends.unavailabilityCause(id).orElse("available"));
 * }
 * }</pre>
 */
public final class Backends {
    private Backends() {
    }

    /** Ids of every installed backend, the preferred first. */
    public static List<String> ids() {
        return List.copyOf(BackendRegistry.all().keySet());
    }

    /** Whether backend {@code id} is installed and can run here. */
    public static boolean isAvailable(String id) {
        Backend b = BackendRegistry.all().get(id);
        return b != null && b.availability().isAvailable();
    }

    /** Why backend {@code id} cannot run here; empty when it can. */
    public static Optional<String> unavailabilityCause(String id) {
        Backend b = BackendRegistry.all().get(id);
        if (b == null) {
            return Optional.of("no backend '" + id + "' is installed; installed: " + ids());
        }
        Availability a = b.availability();
        return a.isAvailable() ? Optional.empty() : Optional.of(a.reason());
    }

    /** The backend a group built without an explicit id would use here. */
    public static String defaultId() {
        return BackendRegistry.choose(null).id();
    }
}
