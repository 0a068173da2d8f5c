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

    /**
     * Ids of every installed backend, available here or not, the preferred first.
     *
     * @return an immutable list, highest {@linkplain io.netloop.spi.Backend#priority() priority}
     *         first; {@code "nio"} is always among them
     */
    public static List<String> ids() {
        return Implementation.backendIds();
    }

    /**
     * Whether backend {@code id} is installed and can run here.
     *
     * @param id a backend id, such as {@code "epoll-et"}
     * @return {@code true} when the backend is installed and its probe found what it needs here;
     *         {@link #unavailabilityCause} says why not
     */
    public static boolean isAvailable(String id) {
        return unavailabilityCause(id).isEmpty();
    }

    /**
     * Why backend {@code id} cannot run here, or that it is not installed.
     *
     * @param id a backend id, such as {@code "io_uring"}
     * @return the reason in one sentence (for an unknown id, naming the installed ones); empty when
     *         the backend can run here
     */
    public static Optional<String> unavailabilityCause(String id) {
        return Implementation.unavailabilityCause(id);
    }

    /**
     * The backend a group built without an explicit id would use here.
     *
     * @return the id named by the system property {@code netloop.backend}, else the available
     *         backend of highest priority
     * @throws IllegalArgumentException when {@code netloop.backend} names no installed backend
     * @throws IllegalStateException    when the backend it names cannot run here
     */
    public static String defaultId() {
        return Implementation.defaultBackendId();
    }
}
