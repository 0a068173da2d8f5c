/**
 * netloop's Windows backends: {@code iocp} (I/O completion ports), {@code overlapped-events}
 * (overlapped I/O signalled by event objects) and {@code overlapped-routines} (completion
 * routines) on the completion core, and {@code eventselect} ({@code WSAEventSelect}) and
 * {@code winsock-select} (Winsock's {@code select}) on the readiness core. Thin adapters from
 * those cores to Winsock and kernel32; on any other OS they report themselves unavailable.
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
            io.netloop.windows.internal.OverlappedRoutinesBackend;
}
