package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import java.net.SocketAddress;
import java.net.InetSocketAddress;

/** Shared steps of the echo tests. */
final class EchoSupport {
    private EchoSupport() {
    }

    /**
     * Connects from {@code client}, sends {@code payload} from the test thread, checks the echo
     * byte for byte, closes, and checks the client's callbacks. Returns the closed connection.
     */
    static Connection roundTrip(EventLoopGroup client, SocketAddress server, byte[] payload) {
        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(server, h), "connect to " + server);
        assertTrue(h.isOpened(), "onOpen ran before the connect future completed");
        assertTrue(c.write(payload), "write on an open connection");
        byte[] echoed = h.awaitBytes(payload.length);
        Payloads.assertSameBytes(payload, echoed, "echo of " + payload.length + " bytes");
        Await.get(c.close(), "close");
        assertNull(h.awaitClose(), "orderly close has no cause");
        h.assertContractHeld();
        return c;
    }
}
