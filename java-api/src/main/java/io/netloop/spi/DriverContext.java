package io.netloop.spi;

import io.netloop.EventLoop;

/**
 * What the generic loop gives a driver: its loop, the group's settings, and its sibling loops.
 * The generic loop implements it; backends only use it. Loop thread only, like the driver.
 *
 * <pre>{@code
 * public IoDriver newDriver(DriverContext context) throws IOException {
 *     return new ReadinessDriver(context, new EpollPoller(edgeTriggered));
 * }
 * }</pre>
 */
public interface DriverContext {

    /**
     * The loop this driver runs on.
     *
     * @return the loop whose thread calls the driver
     */
    EventLoop loop();

    /**
     * The driver of this loop, once created.
     *
     * @return the driver {@link Backend#newDriver} returned; {@code null} while it runs
     */
    IoDriver driver();

    /**
     * Bytes read per read call into the loop's receive buffer.
     *
     * @return the group's {@link io.netloop.EventLoopGroup.Builder#readBufferSize(int) read buffer
     *         size}, the most one {@code onData} may carry
     */
    int readBufferSize();

    /**
     * The context of the loop that should own the next connection accepted by a listener that is
     * not per-loop (round robin over the group). May be this context.
     *
     * @return a context of this group; each call advances the round robin, so call it once per
     *         accepted connection
     */
    DriverContext nextForAccept();

    /**
     * Where the driver reports each OS wait it makes; see {@link WaitRecorder}.
     *
     * @return this loop's recorder, the same object on every call
     */
    WaitRecorder waits();
}
