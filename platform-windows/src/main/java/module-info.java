/**
 * netloop's Windows backends: {@code iocp} (I/O completion ports), {@code overlapped-events}
 * (overlapped I/O signalled by event objects) and {@code overlapped-routines} (completion
 * routines) on the completion core; {@code eventselect} ({@code WSAEventSelect}),
 * {@code winsock-select} (Winsock's {@code select}) and {@code asyncselect}
 * ({@code WSAAsyncSelect}, events as window messages) on the readiness core. Thin adapters from
 * those cores to Winsock, kernel32 and user32; on any other OS they report themselves unavailable.
 */
module io.netloop.windows {
    requires io.netloop;
    requires io.netloop.bindings;
    requires org.slf4j;

    provides io.netloop.spi.Backend with
            io.netloop.windows.internal.IocpBackend,
            io.netloop.windows.internal.EventSelectBackend,
            io.netloop.windows.internal.WinSelectBackend,
            io.netloop.windows.internal.OverlappedEventsBackend,
            io.netloop.windows.internal.OverlappedRoutinesBackend,
            io.netloop.windows.internal.AsyncSelectBackend;
}
