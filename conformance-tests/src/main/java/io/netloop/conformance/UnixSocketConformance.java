package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.AbstractUnixAddress;
import io.netloop.Connection;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.PeerCredentials;
import io.netloop.conformance.RecordingHandler.Event;
import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Unix-domain stream sockets through the same API as TCP: paths ({@link UnixDomainSocketAddress})
 * everywhere they are supported, abstract names ({@link AbstractUnixAddress}) and peer credentials
 * on the Linux native backends, the socket file's life, the errors, and real peers ({@code socat},
 * {@code nc -U}) where they are installed.
 *
 * <p>Where the platform differs the test says so: the overlapped Windows backends refuse Unix-domain
 * sockets (one test checks the refusal, the rest skip saying so); abstract names and peer
 * credentials are checked present on the Linux native backends and refused or empty elsewhere.
 * Paths live in a new directory under {@code /tmp} (or {@code java.io.tmpdir}): {@code sun_path}
 * holds 107 bytes.
 */
public interface UnixSocketConformance extends ConformanceContext {

    /** The backends that have Linux's abstract namespace and {@code SO_PEERCRED}. */
    Set<String> LINUX_NATIVE = Set.of("epoll-et", "epoll-lt", "poll", "select", "io_uring");
    /** The backends that refuse Unix-domain sockets, saying so (see the README's support table). */
    Set<String> NO_UNIX_SOCKETS = Set.of("iocp", "overlapped-events", "overlapped-routines");

    private boolean linuxNative() {
        return LINUX_NATIVE.contains(backendId()) && System.getProperty("os.name").startsWith("Linux");
    }

    private void assumeUnixSockets() {
        assumeTrue(!NO_UNIX_SOCKETS.contains(backendId()), () -> "backend " + backendId()
                + " does not open Unix-domain sockets (AcceptEx/ConnectEx with AF_UNIX are unproven); "
                + "unix_sockets_refused_where_unsupported checks that it says so");
    }

    /** A new, short directory (sun_path holds 107 bytes), removed with what is left in it after the test. */
    private Path socketDir() throws IOException {
        Path tmp = Path.of("/tmp");
        Path base = Files.isDirectory(tmp) && Files.isWritable(tmp) ? tmp : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "nl");
        closeAfterTest(() -> {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        });
        return dir;
    }

    private UnixDomainSocketAddress socketPath() throws IOException {
        return UnixDomainSocketAddress.of(socketDir().resolve("s.sock"));
    }

    @Test
    default void unix_echo_of_large_random_streams_is_byte_exact_on_several_connections() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        UnixDomainSocketAddress path = socketPath();
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(path, echoes);
        assertEquals(path, listener.localAddress(), "the listener's address is its path");
        assertTrue(Files.exists(path.getPath()), "bind made the socket file");

        int connections = 4;
        int size = 3 * 1024 * 1024 + 17;
        List<RecordingHandler> handlers = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        List<Connection> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            RecordingHandler h = new RecordingHandler();
            Connection c = Await.get(client.connect(path, h), "connect to " + path);
            byte[] payload = Payloads.random(size, 1000 + i);
            assertTrue(c.write(payload), "write on an open Unix-domain connection");
            handlers.add(h);
            payloads.add(payload);
            clients.add(c);
        }
        for (int i = 0; i < connections; i++) {
            Payloads.assertSameBytes(payloads.get(i), handlers.get(i).awaitBytes(size), "echo on Unix-domain connection " + i);
        }
        for (int i = 0; i < connections; i++) {
            Connection c = clients.get(i);
            assertEquals(path, c.remoteAddress(), "the client's peer is the listener's path");
            assertEquals(UnixDomainSocketAddress.of(""), c.localAddress(), "an unbound client has no name");
            Connection accepted = echoes.await(i + 1).awaitOpen();
            assertEquals(path, accepted.localAddress(), "an accepted connection's local address is the listener's path");
            assertEquals(UnixDomainSocketAddress.of(""), accepted.remoteAddress(), "the unbound client, seen from the server");
        }
        for (int i = 0; i < connections; i++) {
            Await.get(clients.get(i).close(), "close");
            assertNull(handlers.get(i).awaitClose(), "orderly close");
            handlers.get(i).assertContractHeld();
        }
        for (EchoHandler e : echoes.all()) {
            assertNull(e.awaitClose(), "server side of an orderly close");
            e.assertContractHeld();
        }
    }

    @Test
    default void one_handler_factory_serves_a_tcp_and_a_unix_listener_at_once() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(1);
        UnixDomainSocketAddress path = socketPath();
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener tcp = server.listen(Loopback.anyPort(), echoes);
        Listener unix = server.listen(path, echoes);

        Connection overTcp = EchoSupport.roundTrip(client, tcp.localAddress(), Payloads.random(256 * 1024, 1));
        Connection overUnix = EchoSupport.roundTrip(client, unix.localAddress(), Payloads.random(256 * 1024, 2));
        assertInstanceOf(java.net.InetSocketAddress.class, overTcp.remoteAddress());
        assertEquals(path, overUnix.remoteAddress());
        EchoHandler first = echoes.await(1);
        EchoHandler second = echoes.await(2);
        assertInstanceOf(java.net.InetSocketAddress.class, first.awaitOpen().localAddress(), "the TCP connection, accepted first");
        assertEquals(path, second.awaitOpen().localAddress(), "the Unix-domain connection, from the same factory");
    }

    @Test
    default void listener_removes_its_socket_file_when_closed_and_at_group_shutdown() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        UnixDomainSocketAddress path = socketPath();
        Listener listener = server.listen(path, EchoHandler::new);
        assertTrue(Files.exists(path.getPath()));
        listener.close();
        Await.get(listener.closeFuture(), "listener close");
        assertFalse(Files.exists(path.getPath()), "the socket file is gone once the listener has closed");

        // The same path again: free once the file is gone.
        EventLoopGroup other = newGroup(1);
        Listener again = other.listen(path, EchoHandler::new);
        EchoSupport.roundTrip(newGroup(1), path, Payloads.random(1000, 3));
        Await.get(other.shutdownGracefully(Duration.ZERO), "group shutdown");
        Await.get(again.closeFuture(), "listener closed by its group's shutdown");
        assertFalse(Files.exists(path.getPath()), "the group's shutdown removed the socket file too");
    }

    @Test
    default void stale_socket_file_fails_listen_with_BindException_and_is_left_in_place() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        UnixDomainSocketAddress path = socketPath();
        // A stale socket: bound by a JDK channel that closed without removing its file (the JDK never does).
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(path);
        }
        assertTrue(Files.exists(path.getPath()));

        BindException e = assertThrows(BindException.class, () -> server.listen(path, EchoHandler::new));
        assertTrue(e.getMessage().contains(path.getPath().toString()), "the message names the path: " + e.getMessage());
        assertTrue(Files.exists(path.getPath()), "netloop does not delete a file it did not create");

        RecordingHandler h = new RecordingHandler();
        Throwable refused = Await.failure(client.connect(path, h), "connect to a socket file nobody listens on");
        assertInstanceOf(ConnectException.class, refused, "connect to a stale socket file");
        Await.loopsDrained(client);
        assertEquals(0, h.callbackCount(), "callbacks after a failed connect: " + h.events());
    }

    @Test
    default void connect_to_a_missing_path_fails_with_ConnectException_and_runs_no_callback() throws IOException {
        assumeUnixSockets();
        EventLoopGroup client = newGroup(1);
        UnixDomainSocketAddress missing = socketPath();
        RecordingHandler h = new RecordingHandler();
        Throwable failure = Await.failure(client.connect(missing, h), "connect to a path with no socket file");
        assertInstanceOf(ConnectException.class, failure, "the same type on every backend: " + failure);
        Await.loopsDrained(client);
        assertEquals(0, h.callbackCount(), "callbacks after a failed connect: " + h.events());
    }

    @Test
    default void a_path_longer_than_sun_path_is_refused_before_any_system_call() throws IOException {
        assumeUnixSockets();
        EventLoopGroup group = newGroup(1);
        Path dir = socketDir();
        UnixDomainSocketAddress longest = UnixDomainSocketAddress.of(dir.resolve("x".repeat(200)));
        IllegalArgumentException listen = assertThrows(IllegalArgumentException.class, () -> group.listen(longest, EchoHandler::new));
        assertTrue(listen.getMessage().contains("sun_path"), "the message names the limit: " + listen.getMessage());
        assertThrows(IllegalArgumentException.class, () -> group.connect(longest, new RecordingHandler()));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "nothing was created");
        }
        // Exactly at the limit fits: 107 bytes and the NUL of a 108-byte sun_path (Linux, Windows);
        // the JDK's channels (nio) keep one more byte spare, 106 (102 of macOS's 104).
        String os = System.getProperty("os.name");
        int limit = (os.startsWith("Linux") || os.startsWith("Windows") ? 107 : 103) - (backendId().equals("nio") ? 1 : 0);
        String prefix = dir.toString() + File.separator;
        int room = limit - prefix.getBytes(StandardCharsets.UTF_8).length;
        UnixDomainSocketAddress atLimit = UnixDomainSocketAddress.of(prefix + "y".repeat(room));
        Listener l = group.listen(atLimit, EchoHandler::new);
        EchoSupport.roundTrip(newGroup(1), atLimit, Payloads.random(100, 4));
        assertEquals(atLimit, l.localAddress());
        UnixDomainSocketAddress oneMore = UnixDomainSocketAddress.of(prefix + "y".repeat(room + 1));
        assertThrows(IllegalArgumentException.class, () -> group.listen(oneMore, EchoHandler::new));
    }

    @Test
    default void abstract_names_work_on_linux_native_backends_and_are_refused_elsewhere() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        AbstractUnixAddress name = AbstractUnixAddress.of("netloop-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        if (!linuxNative()) {
            // nio (the JDK binds no abstract names) and Windows (no abstract namespace): refused at once.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.listen(name, EchoHandler::new));
            assertTrue(e.getMessage().contains("abstract"), e.getMessage());
            return;
        }
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener listener = server.listen(name, echoes);
        assertEquals(name, listener.localAddress());
        Connection c = EchoSupport.roundTrip(newGroup(1), name, Payloads.random(64 * 1024, 5));
        assertEquals(name, c.remoteAddress(), "the client's peer is the abstract name");
        assertEquals(name, echoes.awaitFirst().awaitOpen().localAddress());
        assertEquals("@" + name.name(), name.toString());

        BindException inUse = assertThrows(BindException.class, () -> newGroup(1).listen(name, EchoHandler::new));
        assertTrue(inUse.getMessage().contains("EADDRINUSE"), inUse.getMessage());
        listener.close();
        Await.get(listener.closeFuture(), "listener close");
        // The name is free again once the socket is closed: nothing was left in the file system to remove.
        Listener again = newGroup(1).listen(name, EchoHandler::new);
        again.close();

        AbstractUnixAddress tooLong = AbstractUnixAddress.of("n".repeat(108));
        assertThrows(IllegalArgumentException.class, () -> server.listen(tooLong, EchoHandler::new));
    }

    @Test
    default void peer_credentials_name_this_process_on_linux_native_backends() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        Listener unix = server.listen(socketPath(), echoes);
        Listener tcp = server.listen(Loopback.anyPort(), echoes);
        Connection overUnix = Await.get(client.connect(unix.localAddress(), new RecordingHandler()), "connect over Unix");
        Connection acceptedUnix = echoes.await(1).awaitOpen();
        Connection overTcp = Await.get(client.connect(tcp.localAddress(), new RecordingHandler()), "connect over TCP");
        Connection acceptedTcp = echoes.await(2).awaitOpen();

        assertEquals(Optional.empty(), overTcp.peerCredentials(), "TCP has no peer credentials");
        assertEquals(Optional.empty(), acceptedTcp.peerCredentials(), "TCP has no peer credentials");
        if (!linuxNative()) {
            // nio: the JDK gives names only; Windows: a process id only. Both report none.
            assertEquals(Optional.empty(), overUnix.peerCredentials(), backendId() + " reports no peer credentials");
            assertEquals(Optional.empty(), acceptedUnix.peerCredentials(), backendId() + " reports no peer credentials");
            return;
        }
        PeerCredentials expected = new PeerCredentials(ProcessHandle.current().pid(), statusId("Uid:"), statusId("Gid:"));
        assertEquals(Optional.of(expected), acceptedUnix.peerCredentials(), "the server's view of this process");
        assertEquals(Optional.of(expected), overUnix.peerCredentials(), "the client's view of this process");
    }

    /** The effective id on the {@code Uid:} or {@code Gid:} line of {@code /proc/self/status} (real, effective, saved, fs). */
    private static long statusId(String line) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith(line)) {
                return Long.parseLong(l.substring(line.length()).trim().split("\\s+")[1]);
            }
        }
        throw new IOException("no " + line + " line in /proc/self/status");
    }

    @Test
    default void half_close_on_a_unix_socket_delivers_end_of_input_and_the_reply_after_it() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        ServerHandlers<RecordingHandler> replies = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onInputClosed(Connection c) {
                super.onInputClosed(c);
                if (!c.write(("received " + received() + " bytes").getBytes(StandardCharsets.US_ASCII))) {
                    violation("write after end of input returned false");
                }
                c.close();
            }
        }.keepingHalfOpen());
        Listener listener = server.listen(socketPath(), replies);

        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(listener.localAddress(), h), "connect");
        byte[] request = Payloads.random(100_000, 6);
        assertTrue(c.write(request));
        c.shutdownOutput();
        assertFalse(c.write(new byte[] {1}), "write after shutdownOutput");

        byte[] expected = ("received " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII);
        Payloads.assertSameBytes(expected, h.awaitBytes(expected.length), "reply sent after the server's input closed");
        h.awaitInputClosed();
        assertNull(h.awaitClose());
        RecordingHandler s = replies.awaitFirst();
        assertNull(s.awaitClose());
        Payloads.assertSameBytes(request, s.bytes(), "request");
        assertEquals(Event.INPUT_CLOSED, s.events().get(s.events().size() - 2), "end of input before close: " + s.events());
        s.assertContractHeld();
        h.assertContractHeld();
    }

    @Test
    default void abort_on_a_unix_socket_discards_queued_output_and_closes_both_ends() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        EventLoopGroup client = newGroup(1);
        int size = 8 * 1024 * 1024;
        ServerHandlers<RecordingHandler> aborters = new ServerHandlers<>(() -> new RecordingHandler() {
            @Override
            public void onOpen(Connection c) {
                super.onOpen(c);
                c.write(Payloads.random(size, 7));
                c.abort();
            }
        });
        Listener listener = server.listen(socketPath(), aborters);
        // A peer that does not read until the abort is done, so output is still queued when it happens.
        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(listener.localAddress(), h), "connect");
        RecordingHandler s = aborters.awaitFirst();
        s.awaitClose();
        assertFalse(s.awaitOpen().isOpen());
        // Unix-domain sockets have no reset: the peer sees end of input (or ECONNRESET where it had
        // unread data); either way it never gets all the queued bytes.
        h.awaitClose();
        assertTrue(h.received() < size, "after abort() the peer must not get all " + size + " bytes; got " + h.received());
        assertFalse(c.isOpen());
        s.assertContractHeld();
        h.assertContractHeld();

        RecordingHandler aborting = new RecordingHandler();
        Connection c2 = Await.get(client.connect(listener.localAddress(), aborting), "connect");
        c2.abort();
        assertFalse(c2.isOpen(), "isOpen() once abort() was called");
        assertFalse(c2.write(new byte[] {1}), "write after abort()");
        aborting.awaitClose();
        aborters.await(2).awaitClose();
        aborting.assertContractHeld();
    }

    @Test
    default void no_descriptor_leak_after_groups_with_unix_connections_close() throws IOException {
        assumeUnixSockets();
        assumeTrue(Loopback.openDescriptorCount().isPresent(), "/proc/self/fd is not available on this OS");
        Path dir = socketDir();
        connectOverUnixAndShutDown(dir.resolve("warm.sock"), 10);
        int before = Loopback.openDescriptorCount().getAsInt();
        for (int round = 0; round < 2; round++) {
            connectOverUnixAndShutDown(dir.resolve("r" + round + ".sock"), 100);
        }
        OptionalInt after = Loopback.openDescriptorCount();
        assertTrue(after.getAsInt() <= before + 3,
                "open descriptors before: " + before + ", after two rounds of 100 Unix-domain connections: " + after.getAsInt());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "every listener removed its socket file");
        }
    }

    private void connectOverUnixAndShutDown(Path path, int connections) throws IOException {
        EventLoopGroup server = newGroup(2);
        EventLoopGroup client = newGroup(2);
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        server.listen(UnixDomainSocketAddress.of(path), echoes);
        List<Connection> opened = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            opened.add(Await.get(client.connect(UnixDomainSocketAddress.of(path), new RecordingHandler()), "connect"));
        }
        echoes.await(connections);
        for (int i = 0; i < opened.size(); i += 2) {
            opened.get(i).abort();
        }
        Await.get(client.shutdownGracefully(Duration.ofSeconds(1)), "client shutdown");
        Await.get(server.shutdownGracefully(Duration.ofSeconds(1)), "server shutdown");
        assertEquals(0, client.leakedNativeBytes());
        assertEquals(0, server.leakedNativeBytes());
    }

    @Test
    default void unix_sockets_refused_where_unsupported() throws IOException {
        assumeTrue(NO_UNIX_SOCKETS.contains(backendId()), () -> "backend " + backendId() + " opens Unix-domain sockets");
        EventLoopGroup group = newGroup(1);
        UnixDomainSocketAddress path = socketPath();
        IOException e = assertThrows(IOException.class, () -> group.listen(path, EchoHandler::new));
        assertTrue(e.getMessage().contains("Unix-domain"), e.getMessage());
        Throwable connect = Await.failure(group.connect(path, new RecordingHandler()), "connect");
        assertTrue(connect.getMessage().contains("Unix-domain"), connect.getMessage());
    }

    // ---- real peers: socat and nc -U ----

    @Test
    default void socat_and_nc_clients_get_their_bytes_echoed_by_a_unix_listener() throws Exception {
        assumeUnixSockets();
        Path socat = Loopback.onPath("socat");
        Path nc = Loopback.onPath("nc");
        assumeTrue(socat != null || nc != null, "neither socat nor nc is installed (ci/install-deps.sh installs both)");
        EventLoopGroup server = newGroup(1);
        UnixDomainSocketAddress path = socketPath();
        server.listen(path, EchoHandler::new);
        byte[] payload = Payloads.random(512 * 1024, 8);
        if (socat != null) {
            // socat shuts its output down at end of stdin; the echo handler closes after its input ends.
            byte[] echoed = Peers.run(List.of(socat.toString(), "-t", "30", "-", "UNIX-CONNECT:" + path.getPath()), payload);
            Payloads.assertSameBytes(payload, echoed, "socat UNIX-CONNECT through the netloop echo");
        }
        if (nc != null) {
            // -N (OpenBSD nc): shut the socket down at end of stdin, so the server's close ends nc.
            byte[] echoed = Peers.run(List.of(nc.toString(), "-N", "-U", path.getPath().toString()), payload);
            Payloads.assertSameBytes(payload, echoed, "nc -U through the netloop echo");
        }
    }

    @Test
    default void netloop_client_sends_to_and_receives_from_socat_unix_listen() throws Exception {
        assumeUnixSockets();
        Path socat = Loopback.onPath("socat");
        assumeTrue(socat != null, "socat is not installed (ci/install-deps.sh installs it)");
        Path dir = socketDir();
        EventLoopGroup client = newGroup(1);
        // One direction at a time (-u): socat's blocking writes could deadlock an echo through a pipe.
        UnixDomainSocketAddress inbound = UnixDomainSocketAddress.of(dir.resolve("in.sock"));
        Path received = dir.resolve("received.bin");
        Process sink = startSocat(List.of(socat.toString(), "-u", "UNIX-LISTEN:" + inbound.getPath(), "CREATE:" + received), inbound);
        byte[] up = Payloads.random(1024 * 1024, 9);
        RecordingHandler h = new RecordingHandler();
        Connection c = Await.get(client.connect(inbound, h), "connect to socat UNIX-LISTEN");
        assertEquals(inbound, c.remoteAddress());
        assertTrue(c.write(up));
        Await.get(c.close(), "close after sending");
        assertTrue(sink.waitFor(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "socat ends at our end of output");
        Payloads.assertSameBytes(up, Files.readAllBytes(received), "what socat received from netloop");

        UnixDomainSocketAddress outbound = UnixDomainSocketAddress.of(dir.resolve("out.sock"));
        Path toSend = dir.resolve("send.bin");
        byte[] down = Payloads.random(1024 * 1024 + 3, 11);
        Files.write(toSend, down);
        Process source = startSocat(List.of(socat.toString(), "-u", "OPEN:" + toSend, "UNIX-LISTEN:" + outbound.getPath()), outbound);
        RecordingHandler r = new RecordingHandler();
        Await.get(client.connect(outbound, r), "connect to socat UNIX-LISTEN");
        Payloads.assertSameBytes(down, r.awaitBytes(down.length), "what netloop received from socat");
        r.awaitInputClosed();
        assertNull(r.awaitClose());
        r.assertContractHeld();
        assertTrue(source.waitFor(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "socat ends after sending its file");
    }

    /** Starts socat and waits until its {@code UNIX-LISTEN} socket file exists. */
    private Process startSocat(List<String> command, UnixDomainSocketAddress listening) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        closeAfterTest(p::destroyForcibly);
        Await.until(() -> Files.exists(listening.getPath()) || !p.isAlive(), "socat to bind " + listening);
        assertTrue(p.isAlive(), "socat is listening on " + listening);
        return p;
    }

    @Test
    default void socat_abstract_connect_reaches_an_abstract_listener_on_linux_native_backends() throws Exception {
        assumeUnixSockets();
        assumeTrue(linuxNative(), () -> "abstract names are Linux's, on its native backends; " + backendId() + " has none");
        Path socat = Loopback.onPath("socat");
        assumeTrue(socat != null, "socat is not installed (ci/install-deps.sh installs it)");
        AbstractUnixAddress name = AbstractUnixAddress.of("netloop-socat-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        newGroup(1).listen(name, EchoHandler::new);
        byte[] payload = "hello over an abstract name\n".getBytes(StandardCharsets.US_ASCII);
        byte[] echoed = Peers.run(List.of(socat.toString(), "-t", "30", "-", "ABSTRACT-CONNECT:" + name.name()), payload);
        Payloads.assertSameBytes(payload, echoed, "socat ABSTRACT-CONNECT through the netloop echo");
    }

    @Test
    default void a_jdk_unix_channel_is_a_peer_like_any_other() throws IOException {
        assumeUnixSockets();
        EventLoopGroup server = newGroup(1);
        UnixDomainSocketAddress path = socketPath();
        ServerHandlers<EchoHandler> echoes = new ServerHandlers<>(EchoHandler::new);
        server.listen(path, echoes);
        try (SocketChannel ch = SocketChannel.open(path)) {
            byte[] payload = Payloads.random(200_000, 10);
            ch.write(ByteBuffer.wrap(payload));
            ByteBuffer back = ByteBuffer.allocate(payload.length);
            while (back.hasRemaining()) {
                if (ch.read(back) < 0) {
                    break;
                }
            }
            Payloads.assertSameBytes(payload, back.array(), "JDK UNIX channel through the netloop echo");
        }
        assertNull(echoes.awaitFirst().awaitClose());
    }

    /** Runs a peer program to its end with {@code input} as its stdin, and returns its stdout. */
    final class Peers {
        private Peers() {
        }

        static byte[] run(List<String> command, byte[] input) throws IOException, InterruptedException {
            Path in = Files.createTempFile("nl-in", ".bin");
            Path out = Files.createTempFile("nl-out", ".bin");
            try {
                Files.write(in, input);
                Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command + " did not end within " + Await.LIMIT);
                }
                assertEquals(0, p.exitValue(), command + " exit status");
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
            }
        }
    }
}
