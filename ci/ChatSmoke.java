import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The chat sample's smoke test, run by {@code ci/smoke-sample.sh} as a single-file program
 * ({@code java ci/ChatSmoke.java JAR [SERVER FLAG...]}) so that it needs nothing but the JDK on
 * Linux, macOS and Windows alike.
 *
 * <p>Starts {@code java --enable-native-access=ALL-UNNAMED -jar JAR server --port 0} on this
 * JDK (port 0: the server picks a free port and prints it), then two plain-mode users, as
 * {@code nc} users would: alice and bob choose nicknames, bob says a line and alice must receive
 * it, bob quits. Then it stops the server with {@link Process#destroy()}: SIGTERM where the OS has
 * a polite termination (alice must then get the shutdown notice), TerminateProcess on Windows.
 * Fails, with what it saw, when any of that does not happen in time.
 */
public class ChatSmoke {

    static final long DEADLINE_SECONDS = 120;
    static final int READ_TIMEOUT_MS = 15_000;
    /** {@code "  nc 127.0.0.1 6667      or an IRC client ..."}: the server's ready line. */
    static final Pattern LISTENING = Pattern.compile("^\\s*nc (\\S+) (\\d+)\\b");
    /** {@code "netloop chat on /127.0.0.1:6667 (backend epoll-et). Join with:"} */
    static final Pattern BACKEND = Pattern.compile("\\(backend ([^)]+)\\)");

    static volatile Process server;

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw fail("usage: java ChatSmoke.java JAR [SERVER FLAG...]");
        }
        if (Runtime.version().feature() < 22) {
            throw fail("the chat server needs a JDK 22 or newer; this is " + Runtime.version());
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
                fail("no result after " + DEADLINE_SECONDS + " s");
            } catch (InterruptedException done) {
                // finished in time
            }
        }, "deadline");
        watchdog.setDaemon(true);
        watchdog.start();

        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path java = Files.exists(bin.resolve("java.exe")) ? bin.resolve("java.exe") : bin.resolve("java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-jar", args[0], "server", "--port", "0"));
        command.addAll(Arrays.asList(args).subList(1, args.length));
        say("starting the server: " + String.join(" ", command));
        server = new ProcessBuilder(command).redirectErrorStream(true).start();

        CompletableFuture<String[]> ready = new CompletableFuture<>(); // host, port, backend
        Thread output = new Thread(() -> {
            String backend = "?";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("  server | " + line);
                    Matcher b = BACKEND.matcher(line);
                    if (b.find()) backend = b.group(1);
                    Matcher l = LISTENING.matcher(line);
                    if (l.find()) ready.complete(new String[] {l.group(1), l.group(2), backend});
                }
            } catch (IOException e) {
                // the server is gone; said below
            }
            ready.completeExceptionally(new IOException("its output ended before it said where it listens"));
        }, "server-output");
        output.setDaemon(true);
        output.start();

        String[] where;
        try {
            where = ready.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw fail("the server did not say where it listens within 60 s");
        } catch (ExecutionException e) {
            boolean exited = server.waitFor(5, TimeUnit.SECONDS);
            throw fail("the server did not start: " + e.getCause().getMessage()
                    + (exited ? " (exit code " + server.exitValue() + ")" : ""));
        }
        String host = where[0];
        int port = Integer.parseInt(where[1]);
        String backend = where[2];
        say("the server listens on " + host + ":" + port + " with backend " + backend);

        String notice;
        try (Peer alice = new Peer("alice", host, port); Peer bob = new Peer("bob", host, port)) {
            alice.send("alice");
            alice.expect("alice's welcome", l -> l.startsWith("*** Hello alice. You are in #lobby"));
            bob.send("bob");
            bob.expect("bob's welcome with alice in the room",
                    l -> l.startsWith("*** Hello bob. You are in #lobby with 1 other."));
            alice.expect("bob's arrival", l -> l.equals("*** bob joined"));
            bob.send("hello from ci");
            alice.expect("bob's message", l -> l.equals("<bob> hello from ci"));
            bob.send("/quit smoke test done");
            bob.expect("the server's goodbye", l -> l.equals("*** Bye"));
            bob.expectEnd();
            alice.expect("bob's departure", l -> l.equals("*** bob left (Quit: smoke test done)"));

            boolean polite = server.supportsNormalTermination();
            say("stopping the server (" + (polite ? "SIGTERM" : "forcibly: no polite termination on this OS") + ")");
            long stopping = System.nanoTime();
            server.destroy();
            if (polite) {
                alice.expect("the shutdown notice", l -> l.equals("*** Server shutting down"));
                alice.expectEnd();
                notice = ", alice got the shutdown notice";
            } else {
                alice.drain();
                notice = "";
            }
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                throw fail("the server was still running 15 s after it was told to stop");
            }
            notice = " stopped in " + (System.nanoTime() - stopping) / 1_000_000 + " ms (exit code "
                    + server.exitValue() + ")" + notice;
        }
        watchdog.interrupt();
        say("OK: backend " + backend + " on " + host + ":" + port + ": alice and bob joined, bob's line reached alice,"
                + " /quit was answered, the server" + notice);
    }

    /** One plain-mode user on a real socket, reading lines with a timeout. */
    static final class Peer implements Closeable {
        final String name;
        final Socket socket = new Socket();
        final BufferedReader in;
        final Writer out;

        Peer(String name, String host, int port) throws IOException {
            this.name = name;
            socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            out = new OutputStreamWriter(socket.getOutputStream(), UTF_8);
        }

        void send(String line) throws IOException {
            say(name + " > " + line);
            out.write(line + "\n");
            out.flush();
        }

        /** Reads lines until one matches; other lines (such as the nickname prompt) are shown and passed over. */
        String expect(String what, Predicate<String> wanted) throws IOException {
            List<String> others = new ArrayList<>();
            while (true) {
                String line = read(what, others);
                if (line == null) {
                    throw fail(name + ": the server closed the connection before " + what + "; got " + others);
                }
                say(name + " < " + line);
                if (wanted.test(line)) return line;
                others.add(line);
            }
        }

        void expectEnd() throws IOException {
            List<String> others = new ArrayList<>();
            String line = read("the end of the stream", others);
            if (line != null) {
                throw fail(name + ": expected the server to close the connection, got " + line);
            }
        }

        /** Reads to the end of the stream, a reset included, as when the server was killed. */
        void drain() throws IOException {
            try {
                for (String line; (line = in.readLine()) != null; ) say(name + " < " + line);
            } catch (SocketException reset) {
                say(name + ": " + reset.getMessage());
            } catch (SocketTimeoutException e) {
                throw fail(name + ": the connection stayed open " + READ_TIMEOUT_MS / 1000 + " s after the server was stopped");
            }
        }

        private String read(String what, List<String> others) throws IOException {
            try {
                return in.readLine();
            } catch (SocketTimeoutException e) {
                throw fail(name + " waited " + READ_TIMEOUT_MS / 1000 + " s for " + what + "; got " + others);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static void say(String message) {
        System.out.println("chat smoke: " + message);
    }

    /** Reports the failure, kills the server and exits 1; declared to return so that callers can {@code throw fail(...)}. */
    static RuntimeException fail(String message) {
        System.out.flush();
        System.err.println("chat smoke: FAILED: " + message);
        Process p = server;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
        }
        System.exit(1);
        return new IllegalStateException(message);
    }
}
