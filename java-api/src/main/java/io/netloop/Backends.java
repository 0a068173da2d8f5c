package io.netloop;

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
        return Implementation.backendIds();
    }

    /** Whether backend {@code id} is installed and can run here. */
    public static boolean isAvailable(String id) {
        return unavailabilityCause(id).isEmpty();
    }

    /** Why backend {@code id} cannot run here (or is not installed); empty when it can run. */
    public static Optional<String> unavailabilityCause(String id) {
        return Implementation.unavailabilityCause(id);
    }

    /** The backend a group built without an explicit id would use here. */
    public static String defaultId() {
        return Implementation.defaultBackendId();
    }
}
