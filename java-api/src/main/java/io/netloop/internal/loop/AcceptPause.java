package io.netloop.internal.loop;

import io.netloop.Timer;
import io.netloop.spi.IoErrors;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's pause after accepting failed (descriptors ran out, or an unexpected error): rather
 * than spin on a socket that stays ready, it stops until a connection of its loop closes and frees
 * a descriptor, or for a short while. Shared by the readiness and completion acceptors. Loop thread only.
 */
public final class AcceptPause {
    private static final Logger log = LoggerFactory.getLogger(AcceptPause.class);
    private static final Duration PAUSE = Duration.ofMillis(100);

    private final EventLoopImpl loop;
    private final SocketAddress listener;
    private final Runnable resume;
    private boolean paused;
    private Timer timer;

    /** @param resume runs when the pause ends, to accept again */
    public AcceptPause(EventLoopImpl loop, SocketAddress listener, Runnable resume) {
        this.loop = loop;
        this.listener = listener;
        this.resume = resume;
    }

    public boolean isPaused() {
        return paused;
    }

    /** Starts a pause because of {@code e}; does nothing while one is under way. */
    public void pause(IOException e) {
        if (paused) {
            return;
        }
        if (IoErrors.isResourceExhaustion(e)) {
            log.warn("listener {} pauses accepting: {}", listener, e.getMessage());
        } else {
            log.warn("listener {} pauses accepting after an unexpected error", listener, e);
        }
        paused = true;
        timer = loop.schedule(this::end, PAUSE);
    }

    /** A connection of this loop closed: a descriptor is free, so the pause ends now. */
    public void descriptorFreed() {
        if (paused) {
            end();
        }
    }

    /** The listener is closing: no resume will run. */
    public void cancel() {
        paused = false;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void end() {
        if (!paused) {
            return;
        }
        cancel();
        resume.run();
    }
}
