package io.netloop.internal.loop;

/**
 * A task that is its own queue node, so that a task queued again and again (a connection's flush
 * from other threads) costs no allocation. A node may be queued once at a time.
 */
public abstract class LoopTask implements Runnable {
    volatile LoopTask next;

    /** Wraps a plain {@link Runnable}. */
    static LoopTask of(Runnable r) {
        return r instanceof LoopTask t ? t : new Wrapped(r);
    }

    private static final class Wrapped extends LoopTask {
        private final Runnable delegate;

        Wrapped(Runnable delegate) {
            this.delegate = delegate;
        }

        @Override
        public void run() {
            delegate.run();
        }
    }
}
