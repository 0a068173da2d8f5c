/**
 * netloop's Linux backends: {@code epoll-lt}, {@code epoll-et}, {@code poll} and {@code select}
 * on the readiness core, and {@code io_uring} on the completion core.
 * Exports {@link io.netloop.linux.Epoll}, a thin raw facility for users who want epoll itself.
 */
module io.netloop.linux {
    requires io.netloop;
    requires io.netloop.bindings;
    requires org.slf4j;

    exports io.netloop.linux;

    provides io.netloop.spi.Backend with
            io.netloop.linux.internal.EpollLevelTriggeredBackend,
            io.netloop.linux.internal.EpollEdgeTriggeredBackend,
            io.netloop.linux.internal.IoUringBackend,
            io.netloop.linux.internal.PollBackend,
            io.netloop.linux.internal.SelectBackend;
}
