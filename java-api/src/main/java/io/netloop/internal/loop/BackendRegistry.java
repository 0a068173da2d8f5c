package io.netloop.internal.loop;

import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends through {@link ServiceLoader}, the built-in NIO one included (java-api provides
 * it like any platform module, so this package does not depend on it), and chooses one.
 */
public final class BackendRegistry {
    /** System property naming the backend when the builder does not. */
    public static final String PROPERTY = "netloop.backend";

    private static final Logger log = LoggerFactory.getLogger(BackendRegistry.class);

    private BackendRegistry() {
    }

    /** Every backend found, by id, highest priority first. */
    public static Map<String, Backend> all() {
        List<Backend> found = new ArrayList<>();
        ServiceLoader<Backend> loader = ServiceLoader.load(Backend.class, BackendRegistry.class.getClassLoader());
        for (var it = loader.iterator(); ; ) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                log.debug("skipping a backend provider that failed to load", e);
            }
        }
        found.sort(Comparator.comparingInt(Backend::priority).reversed());
        Map<String, Backend> byId = new LinkedHashMap<>();
        for (Backend b : found) {
            byId.putIfAbsent(b.id(), b);
        }
        return byId;
    }

    /**
     * Chooses the backend: {@code requestedId}, else the {@value #PROPERTY} system property, else
     * the available backend of highest priority.
     *
     * @throws IllegalArgumentException for an unknown id
     * @throws IllegalStateException    for a known backend that cannot run here, with the reason
     */
    public static Backend choose(String requestedId) {
        Map<String, Backend> all = all();
        String id = requestedId != null ? requestedId : System.getProperty(PROPERTY);
        if (id != null && !id.isBlank()) {
            Backend b = all.get(id.trim());
            if (b == null) {
                throw new IllegalArgumentException("unknown netloop backend '" + id + "'; known: " + all.keySet());
            }
            Availability a = b.availability();
            if (!a.isAvailable()) {
                throw new IllegalStateException("netloop backend '" + b.id() + "' is not available: " + a.reason(),
                        a.cause().orElse(null));
            }
            return b;
        }
        for (Backend b : all.values()) {
            Availability a = b.availability();
            if (a.isAvailable()) {
                return b;
            }
            log.debug("netloop backend {} is not available: {}", b.id(), a.reason(), a.cause().orElse(null));
        }
        throw new IllegalStateException("no netloop backend is available; known: " + all.keySet());
    }
}
