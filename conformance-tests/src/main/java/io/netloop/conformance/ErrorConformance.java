package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Failures reach the caller as the JDK's exception types, and a failed operation never runs the
 * handler it was given.
 */
public interface ErrorConformance extends ConformanceContext {

    @Test
    default void connection_refused_fails_connect_future_with_ConnectException_and_runs_no_callback() {
        EventLoopGroup client = newGroup(1);
        InetSocketAddress nobody = Loopback.unusedPort();
        RecordingHandler h = new RecordingHandler();

        Throwable failure = Await.failure(client.connect(nobody, h), "connect to a port nobody listens on");

        assertInstanceOf(ConnectException.class, failure, "connect failure type");
        Await.loopsDrained(client);
        assertEquals(0, h.callbackCount(), "handler callbacks after a failed connect: " + h.events());
    }

    @Test
    default void listen_on_address_in_use_throws_BindException() throws IOException {
        EventLoopGroup server = newGroup(1);
        EventLoopGroup other = newGroup(1);
        AtomicInteger handlersMade = new AtomicInteger();
        Listener listener = server.listen(Loopback.anyPort(), EchoHandler::new);

        assertThrows(BindException.class, () -> server.listen(listener.localAddress(), () -> {
            handlersMade.incrementAndGet();
            return new EchoHandler();
        }), "second listener on the same address, same group");
        assertThrows(BindException.class, () -> other.listen(listener.localAddress(), EchoHandler::new),
                "second listener on the same address, another group");

        try (ServerSocket jdk = new ServerSocket(0, 50, Loopback.IPV4)) {
            InetSocketAddress taken = new InetSocketAddress(Loopback.IPV4, jdk.getLocalPort());
            assertThrows(BindException.class, () -> server.listen(taken, EchoHandler::new),
                    "listener on an address a JDK server socket holds");
        }
        assertEquals(0, handlersMade.get(), "handler factory calls of a listener that failed to bind");

        // The first listener is unharmed.
        try (BlockingPeer peer = BlockingPeer.connect(listener.localAddress())) {
            peer.write(new byte[] {7});
            assertEquals(7, peer.read());
        }
    }

    @Test
    default void connect_timeout_fails_with_SocketTimeoutException_and_runs_no_callback() throws IOException {
        // Only loopback is allowed, so the unanswered connect comes from a listener whose accept
        // queue is full. Linux drops the SYN then (the client retries until it gives up); other
        // systems refuse at once, and there the timeout cannot be provoked: skip.
        ServerSocket full = closeAfterTest(new ServerSocket());
        full.bind(new InetSocketAddress(Loopback.IPV4, 0), 1);
        InetSocketAddress address = new InetSocketAddress(Loopback.IPV4, full.getLocalPort());
        boolean dropsWhenFull = false;
        for (int i = 0; i < 16 && !dropsWhenFull; i++) {
            Socket filler = closeAfterTest(new Socket());
            try {
                filler.connect(address, 1000);
            } catch (SocketTimeoutException e) {
                dropsWhenFull = true;
            } catch (IOException refused) {
                break;
            }
        }
        assumeTrue(dropsWhenFull, "this OS refuses rather than ignores connections to a full backlog;"
                + " no unanswered connect can be made on loopback");

        EventLoopGroup client = newGroup(1);
        RecordingHandler h = new RecordingHandler();
        SocketOptions options = SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build();
        Throwable failure = Await.failure(client.connect(address, options, h), "connect to a full backlog");

        assertInstanceOf(SocketTimeoutException.class, failure, "connect timeout failure type");
        Await.loopsDrained(client);
        assertEquals(0, h.callbackCount(), "handler callbacks after a failed connect: " + h.events());
    }
}
