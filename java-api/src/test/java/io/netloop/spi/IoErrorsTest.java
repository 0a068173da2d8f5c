package io.netloop.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.ConnectionResetException;
import io.netloop.NativeIOException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import org.junit.jupiter.api.Test;

/**
 * The one error table: the same condition gives the same JDK type whichever OS named it, and the
 * native code and name stay in the cause. Pure Java, so the Windows names are checked on every OS.
 */
class IoErrorsTest {

    @Test
    void posix_and_winsock_names_of_one_condition_give_one_type() {
        IOException linux = IoErrors.exception("connect", 111, "ECONNREFUSED", "Connection refused");
        IOException windows = IoErrors.exception("connect", 10061, "WSAECONNREFUSED", "No connection could be made");
        assertInstanceOf(ConnectException.class, linux);
        assertInstanceOf(ConnectException.class, windows);
        NativeIOException cause = assertInstanceOf(NativeIOException.class, windows.getCause());
        assertEquals(10061, cause.code());
        assertEquals("WSAECONNREFUSED", cause.symbolicName());
        assertTrue(windows.getMessage().contains("WSAECONNREFUSED (10061)"), windows.getMessage());

        assertInstanceOf(ConnectionResetException.class, IoErrors.exception("read", 10054, "WSAECONNRESET", ""));
        assertInstanceOf(BindException.class, IoErrors.exception("bind", 10048, "WSAEADDRINUSE", ""));
        assertInstanceOf(NoRouteToHostException.class, IoErrors.exception("connect", 10065, "WSAEHOSTUNREACH", ""));
    }

    @Test
    void win32_codes_of_overlapped_operations_map_to_what_they_mean() {
        assertInstanceOf(ConnectException.class, IoErrors.exception("connect", 1225, "ERROR_CONNECTION_REFUSED", ""));
        assertInstanceOf(ConnectionResetException.class, IoErrors.exception("read", 64, "ERROR_NETNAME_DELETED", ""));
        assertInstanceOf(ConnectionResetException.class, IoErrors.exception("write", 1236, "ERROR_CONNECTION_ABORTED", ""));
    }

    @Test
    void other_codes_stay_native_and_resource_exhaustion_is_recognised() {
        IOException e = IoErrors.exception("accept", 10024, "WSAEMFILE", "Too many open sockets");
        NativeIOException n = assertInstanceOf(NativeIOException.class, e);
        assertSame(n, e);
        assertTrue(IoErrors.isResourceExhaustion(e));
        assertTrue(IoErrors.isResourceExhaustion(IoErrors.exception("accept", 24, "EMFILE", "")));
        assertFalse(IoErrors.isResourceExhaustion(IoErrors.exception("accept", 10022, "WSAEINVAL", "")));
    }
}
