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

    /**
     * Checks the components; prefer the factories, which keep them consistent.
     *
     * @throws NullPointerException when {@code reason} or {@code cause} is null
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    /**
     * The backend can run here.
     *
     * @return the one shared instance with an empty reason and no cause
     */
    public static Availability available() {
        return AVAILABLE;
    }

    /**
     * The backend cannot run here, for a reason found without an exception (such as another
     * operating system or CPU, or a kernel feature missing).
     *
     * @param reason why, in one sentence, such as {@code "epoll needs Linux; this is Windows 11"}
     * @return an unavailable result without a cause
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason, Optional.empty());
    }

    /**
     * The backend cannot run here because a probe failed.
     *
     * @param reason why, in one sentence
     * @param cause  the exception the probe caught, or {@code null}
     * @return an unavailable result carrying {@code cause}
     */
    public static Availability unavailable(String reason, Throwable cause) {
        return new Availability(false, reason, Optional.ofNullable(cause));
    }
}
