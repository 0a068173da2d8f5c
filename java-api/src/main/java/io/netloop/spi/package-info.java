/**
 * The backend SPI: what a transport supplies so that the generic event loop can drive it.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A {@link io.netloop.spi.Backend} is found through {@link java.util.ServiceLoader}. Its
 *       {@link io.netloop.spi.Backend#availability()} never throws and never fails class loading:
 *       it tests the operating system and the kernel's features once and says why the backend is
 *       unavailable where it is. Only after it reports available may native classes be touched.</li>
 *   <li>{@link io.netloop.spi.Backend#newDriver} is called on the loop thread; the driver it
 *       returns belongs to that thread. Every {@link io.netloop.spi.IoDriver} method is called
 *       on it, except {@link io.netloop.spi.IoDriver#wakeup()}, which any thread may call.</li>
 *   <li>The loop alternates: {@code poll(timeout)} (wait for I/O at most that long, dispatch every
 *       completed or ready event to connection callbacks), expired timers, queued tasks, then
 *       {@code afterTasks()} (send what those tasks wrote). A driver that still has work it could
 *       do without waiting (for example reads cut short by a fairness budget) polls without blocking.</li>
 *   <li>{@code wakeup()} makes the current or the next blocking {@code poll} return promptly.
 *       Spurious wakeups are allowed; lost ones are not.</li>
 *   <li>Every OS wait {@code poll} makes is reported to {@link io.netloop.spi.DriverContext#waits()}
 *       ({@code beforeWait}, then {@code afterWait} with the events it returned), so the loop's
 *       metrics and JFR events can tell time blocked in the kernel from time spent working.</li>
 *   <li>Expected outcomes (would-block, interrupted call) are never thrown. Failures are
 *       {@link java.io.IOException}s built by {@link io.netloop.spi.IoErrors}, so every backend
 *       reports the same JDK types for the same condition.</li>
 *   <li>If an operation that takes a callback or a future fails to start, its callback is never
 *       invoked: only the future (or the thrown exception) reports the failure.</li>
 *   <li>Native memory the kernel may still read or write stays reachable, and is not reused,
 *       until the operation that lent it has completed. On {@code close()} the driver reports
 *       what it still has lent out through {@link io.netloop.spi.IoDriver#outstandingNativeBytes()}.</li>
 * </ul>
 *
 * <p>Two shared cores implement {@code IoDriver} so that backends stay thin: the readiness core
 * (epoll, NIO's {@code Selector}, WSAEventSelect) on a poller, and the completion core (io_uring,
 * IOCP) on a completion port. In the completion core, an operation lends the kernel its buffers
 * and a closing connection cancels what it has posted; the connection, its buffers and the
 * operations are reclaimed only when the last completion has been reaped.
 */
package io.netloop.spi;
