package io.netloop.samples.echo;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The echo sample.
 *
 * <pre>
 * EchoSample demo   [--backend ID] [--messages N]   server and client in one process; exits by itself
 * EchoSample server [--backend ID] [--port P] [--host H]   serves until Ctrl-C; try it with nc
 * </pre>
 */
public final class EchoSample {
    private EchoSample() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "demo";
        String backend = option(args, "--backend", null);
        switch (mode) {
            case "demo" -> demo(backend, Integer.parseInt(option(args, "--messages", "10000")));
            case "server" -> server(backend, option(args, "--host", "127.0.0.1"), Integer.parseInt(option(args, "--port", "7007")));
            default -> {
                System.err.println("usage: EchoSample [demo|server] [--backend ID] [--messages N] [--host H] [--port P]");
                System.exit(2);
            }
        }
    }

    private static void server(String backend, String host, int port) throws IOException {
        EventLoopGroup group = EventLoopGroup.builder().backend(backend).build();
        Listener listener = group.listen(new InetSocketAddress(InetAddress.getByName(host), port), EchoHandler::new);
        System.out.println("echo server on " + listener.localAddress() + " with backend " + group.backendId()
                + "; try: nc " + host + " " + ((InetSocketAddress) listener.localAddress()).getPort() + "   (Ctrl-C stops it)");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            listener.close();
            group.shutdownGracefully(Duration.ofSeconds(5)).join();
        }));
        group.terminationFuture().join();
    }

    /** Ping-pong of {@code messages} round trips over one connection, checked byte for byte. */
    private static void demo(String backend, int messages) throws Exception {
        try (EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(2).build()) {
            Listener listener = group.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), EchoHandler::new);
            PingPong client = new PingPong(messages);
            long start = System.nanoTime();
            group.connect(listener.localAddress(), client).get(10, TimeUnit.SECONDS);
            String result = client.done.get(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("backend %s: %s; %d round trips in %.2f s (%.0f/s)%n",
                    group.backendId(), result, messages, seconds, messages / seconds);
            listener.close();
            group.shutdownGracefully(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            if (!result.equals("all echoes matched")) {
                System.exit(1);
            }
        }
    }

    /** Sends a numbered message, waits for its full echo, checks it, sends the next. */
    private static final class PingPong implements ConnectionHandler {
        private final int messages;
        private final CompletableFuture<String> done = new CompletableFuture<>();
        private byte[] expected;
        private final ByteBuffer received = ByteBuffer.allocate(64);
        private int sent;

        PingPong(int messages) {
            this.messages = messages;
        }

        @Override
        public void onOpen(Connection c) {
            sendNext(c);
        }

        private void sendNext(Connection c) {
            expected = String.format("message %08d of the echo demo%n", sent++).getBytes(StandardCharsets.US_ASCII);
            received.clear();
            c.write(expected);
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            if (data.remaining() > received.remaining()) {
                done.complete("echo longer than sent after " + sent + " messages");
                c.close();
                return;
            }
            received.put(data);
            if (received.position() < expected.length) {
                return;
            }
            if (!Arrays.equals(Arrays.copyOf(received.array(), received.position()), expected)) {
                done.complete("echo " + sent + " differs from what was sent");
                c.close();
            } else if (sent == messages) {
                done.complete("all echoes matched");
                c.close();
            } else {
                sendNext(c);
            }
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            done.complete("connection closed early" + (cause != null ? ": " + cause : ""));
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
