package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Nothing outlives a group: descriptors and native memory are all given back, however connections ended. */
public interface ResourceConformance extends ConformanceContext {

    @Test
    default void no_descriptor_leak_after_group_with_200_connections_closes() throws IOException {
        assumeTrue(Loopback.openDescriptorCount().isPresent(), "/proc/self/fd is not available on this OS");
        // A first small round loads classes and lets the JDK open what it opens lazily, once.
        connectAndShutDown(20);
        int before = Loopback.openDescriptorCount().getAsInt();
        for (int round = 0; round < 2; round++) {
            connectAndShutDown(200);
        }
        OptionalInt after = Loopback.openDescriptorCount();
        // Two rounds of four groups and 800 sockets: a leak of one descriptor per group already shows.
        int slack = 3;
        assertTrue(after.getAsInt() <= before + slack,
                "open descriptors before: " + before + ", after two rounds of 200 connections: " + after.getAsInt());
    }

    @Test
    default void no_native_memory_outstanding_after_shutdown_with_queued_data() throws IOException {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(1);
        SocketOptions small = SocketOptions.builder().sendBufferSize(16 * 1024).build();
        byte[] big = Payloads.random(2 * 1024 * 1024, 17);
        ServerHandlers<RecordingHandler> handlers = new ServerHandlers<>(() -> new RecordingHandler().sendingOnOpen(big));
        Listener listener = server.listen(Loopback.anyPort(), small, handlers);

        // Three peers that never read: each server connection keeps most of 2 MiB queued.
        for (int i = 0; i < 3; i++) {
            closeAfterTest(BlockingPeer.connect(listener.localAddress(), 8 * 1024));
        }
        List<Connection> server3 = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Connection c = handlers.await(i).awaitOpen();
            Await.loopDrained(c.loop());
            assertTrue(c.pendingWriteBytes() > 0, "output still queued on server connection " + i);
            server3.add(c);
        }
        server3.get(0).close();  // graceful: cannot finish while the peer does not read
        server3.get(1).abort();  // abortive: discards the queue at once
        // the third stays open until the group shuts down

        // A client connection with output queued from a non-loop thread, to a peer that never reads.
        ServerSocket silent = closeAfterTest(new ServerSocket(0, 5, Loopback.IPV4));
        silent.setReceiveBufferSize(8 * 1024);
        RecordingHandler clientHandler = new RecordingHandler();
        Connection c = Await.get(client.connect(new java.net.InetSocketAddress(Loopback.IPV4, silent.getLocalPort()),
                small, clientHandler), "connect");
        Socket accepted = closeAfterTest(silent.accept());
        assertTrue(accepted.isConnected());
        assertTrue(c.write(big));
        Await.loopDrained(c.loop());
        assertTrue(c.pendingWriteBytes() > 0, "output still queued on the client connection");

        CompletableFuture<Void> serverDown = server.shutdownGracefully(Duration.ofMillis(500));
        CompletableFuture<Void> clientDown = client.shutdownGracefully(Duration.ofMillis(500));
        Await.get(serverDown, "server shutdown");
        Await.get(clientDown, "client shutdown");

        assertEquals(0, server.leakedNativeBytes(), "server native bytes still lent out");
        assertEquals(0, client.leakedNativeBytes(), "client native bytes still lent out");
        for (Connection s : server3) {
            assertFalse(s.isOpen());
            assertEquals(0, s.pendingWriteBytes());
            assertFalse(s.write(big), "write after the group ended");
        }
        assertFalse(c.write(big), "write after the group ended");
        assertEquals(0, c.pendingWriteBytes());
        for (int i = 1; i <= 3; i++) {
            assertEquals(1, handlers.await(i).closeCount());
            handlers.await(i).assertContractHeld();
        }
        clientHandler.assertContractHeld();
    }

    /**
     * Opens a server and a client group, connects {@code n} clients with an echo each, ends them
     * in three ways (client close, client abort, group shutdown) and shuts both groups down.
     */
    private void connectAndShutDown(int n) throws IOException {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(Loopback.anyPort(), echoes);
        List<RecordingHandler> handlers = new ArrayList<>();
        List<CompletableFuture<Connection>> connects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordingHandler h = new RecordingHandler().sendingOnOpen(new byte[] {(byte) i});
            handlers.add(h);
            connects.add(client.connect(listener.localAddress(), h));
        }
        for (int i = 0; i < n; i++) {
            Connection c = Await.get(connects.get(i), "connect #" + i);
            handlers.get(i).awaitReceived(1);
            switch (i % 3) {
                case 0 -> c.close();
                case 1 -> c.abort();
                default -> { } // left to the shutdown
            }
        }
        Await.get(client.shutdownGracefully(Await.LIMIT), "client group shutdown");
        Await.get(server.shutdownGracefully(Await.LIMIT), "server group shutdown");
        assertEquals(0, client.leakedNativeBytes());
        assertEquals(0, server.leakedNativeBytes());
        for (RecordingHandler h : handlers) {
            assertEquals(1, h.closeCount());
        }
    }
}
