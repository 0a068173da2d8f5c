package io.netloop.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a backend can run here, and if not, why.
 *
 * <pre>{@code
 * Availability a = backend.availability();
 * if (!a.isAvailable()) System.err.println(a.reason());
 * }</pre>
 *
 * @param isAvailable whether the backend can be used
 * @param reason      why it cannot, in one sentence; empty when available
 * @param cause       the exception behind {@code reason}, if any
 */
public record Availability(boolean isAvailable, String reason, Optional<Throwable> cause) {
    private static final Availability AVAILABLE = new Availability(true, "", Optional.empty());

    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    public static Availability available() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason, Optional.empty());
    }

    public static Availability unavailable(String reason, Throwable cause) {
        return new Availability(false, reason, Optional.ofNullable(cause));
    }
}
