/**
 * netloop's Windows backends: {@code iocp} (I/O completion ports) on the completion core,
 * {@code eventselect} ({@code WSAEventSelect}) and {@code asyncselect} ({@code WSAAsyncSelect},
 * events as window messages) on the readiness core. Thin adapters from those
 * cores to Winsock and kernel32; on any other OS they report themselves unavailable.
 */
module io.netloop.windows {
    requires io.netloop;
    requires io.netloop.bindings;
    requires org.slf4j;

    provides io.netloop.spi.Backend with
            io.netloop.windows.internal.IocpBackend,
            io.netloop.windows.internal.EventSelectBackend,
            io.netloop.windows.internal.AsyncSelectBackend;
}
