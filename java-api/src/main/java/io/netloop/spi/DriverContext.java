package io.netloop.spi;

import io.netloop.EventLoop;

/**
 * What the generic loop gives a driver: its loop, the group's settings, and its sibling loops.
 */
public interface DriverContext {

    /** The loop this driver runs on. */
    EventLoop loop();

    /** The driver of this loop, once created. */
    IoDriver driver();

    /** Bytes read per read call into the loop's receive buffer. */
    int readBufferSize();

    /**
     * The context of the loop that should own the next connection accepted by a listener that is
     * not per-loop (round robin over the group). May be this context.
     */
    DriverContext nextForAccept();
}
