package io.netloop.consumer;

import io.netloop.Backends;
import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Echo server and client in one process on the default backend: the client sends {@value #MESSAGES}
 * messages of assorted sizes at once and checks every byte that comes back, in order. Prints one
 * line and exits 0; prints {@code FAILED: why} and exits 1 on any failure, including not finishing
 * within {@value #DEADLINE_SECONDS} s.
 *
 * <pre>{@code
 * java --enable-native-access=io.netloop.bindings -p target/lib:target/classes -m io.netloop.consumer/io.netloop.consumer.ConsumerCheck
 * java --enable-native-access=ALL-UNNAMED -cp 'target/lib/*:target/classes' io.netloop.consumer.ConsumerCheck
 * }</pre>
 */
public final class ConsumerCheck {
    private static final int MESSAGES = 1000;
    private static final int DEADLINE_SECONDS = 30;

    private ConsumerCheck() {
    }

    public static void main(String[] args) {
        startDeadline();
        try {
            System.out.println(run());
        } catch (Throwable t) {
            fail(t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t);
        }
        System.exit(0);
    }

    private static String run() throws Exception {
        long start = System.nanoTime();
        // Without an id the group takes the best available backend. With netloop-platform-linux
        // present that is an epoll or io_uring backend on Linux: nio there means the platform
        // module was not found (not on the path, or its provider not bound).
        try (EventLoopGroup group = EventLoopGroup.builder().threads(2).build()) {
            String backend = group.backendId();
            boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
            if (linux && backend.equals("nio")) {
                StringBuilder why = new StringBuilder("the default backend on Linux is nio; installed backends:");
                for (String id : Backends.ids()) {
                    why.append(' ').append(id).append(" (").append(Backends.unavailabilityCause(id).orElse("available")).append(')');
                }
                throw new IllegalStateException(why.append("; is netloop-platform-linux on the path?").toString());
            }

            Listener listener = group.listen(new InetSocketAddress("127.0.0.1", 0), Echo::new);
            Client client = new Client(expectedStream());
            group.connect(listener.localAddress(), client).get(10, TimeUnit.SECONDS);
            client.done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            listener.close();
            group.shutdownGracefully(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            if (group.leakedNativeBytes() != 0) {
                throw new IllegalStateException(group.leakedNativeBytes() + " native bytes still lent out after shutdown");
            }

            Module module = ConsumerCheck.class.getModule();
            String path = module.isNamed() ? "module path (" + module.getName() + " with " + EventLoopGroup.class.getModule().getName() + ")" : "class path";
            return String.format(Locale.ROOT, "netloop consumer: backend %s on the %s: %d messages (%d bytes) echoed and checked in %d ms",
                    backend, path, MESSAGES, client.expected.length, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The messages back to back: message i is 1 to 1500 bytes, each byte a function of i and its offset. */
    private static byte[] expectedStream() {
        int total = 0;
        for (int i = 0; i < MESSAGES; i++) {
            total += length(i);
        }
        byte[] stream = new byte[total];
        int at = 0;
        for (int i = 0; i < MESSAGES; i++) {
            for (int j = 0; j < length(i); j++) {
                stream[at++] = (byte) (i * 31 + j);
            }
        }
        return stream;
    }

    private static int length(int message) {
        return 1 + (message * 397) % 1500;
    }

    private static final class Echo implements ConnectionHandler {
        @Override
        public void onData(Connection c, ByteBuffer data) {
            c.write(data);
        }
    }

    /** Writes every message in {@code onOpen}, then compares each echoed byte with the one sent at its offset. */
    private static final class Client implements ConnectionHandler {
        final byte[] expected;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private int received;

        Client(byte[] expected) {
            this.expected = expected;
        }

        @Override
        public void onOpen(Connection c) {
            int at = 0;
            for (int i = 0; i < MESSAGES; i++) {
                c.write(expected, at, length(i));
                at += length(i);
            }
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            while (data.hasRemaining()) {
                byte b = data.get();
                if (received == expected.length) {
                    done.completeExceptionally(new IllegalStateException("more bytes echoed than the " + expected.length + " sent"));
                    c.abort();
                    return;
                }
                if (b != expected[received]) {
                    done.completeExceptionally(new IllegalStateException(String.format(Locale.ROOT,
                            "echoed byte at offset %d is %d, sent %d", received, b, expected[received])));
                    c.abort();
                    return;
                }
                received++;
            }
            if (received == expected.length) {
                c.close();
            }
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            if (received == expected.length) {
                done.complete(null);
            } else {
                done.completeExceptionally(new IllegalStateException("connection closed after " + received + " of "
                        + expected.length + " bytes" + (cause != null ? ": " + cause : ""), cause));
            }
        }
    }

    /** A loop that never answers must not hang CI: fail at the deadline whatever is running. */
    private static void startDeadline() {
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("FAILED: netloop consumer did not finish within " + DEADLINE_SECONDS + " s");
            Runtime.getRuntime().halt(1);
        }, "deadline");
        deadline.setDaemon(true);
        deadline.start();
    }

    private static void fail(Throwable cause) {
        System.err.println("FAILED: " + cause);
        cause.printStackTrace();
        Runtime.getRuntime().halt(1);
    }
}
