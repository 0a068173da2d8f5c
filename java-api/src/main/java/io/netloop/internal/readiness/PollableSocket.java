package io.netloop.internal.readiness;

/** A socket a {@link ReadinessPoller} can watch. */
public interface PollableSocket {
    /** Closes the socket; never throws. */
    void close();
}
