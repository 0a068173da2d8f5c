package io.netloop.samples.chat.client;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.ConnectionResetException;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.SocketOptions;
import io.netloop.Timer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The chat sample's console client: an IRC client on netloop's {@code connect}, with line editing
 * (JLine) when run in a terminal and plain standard input otherwise. It registers with the
 * {@code echo-message} capability, shows each sent message as pending until the server echoes it,
 * answers PING, and reconnects with exponential backoff (1 s, 2 s, 4 s ... 30 s) when the
 * connection drops, saying which messages were not confirmed.
 *
 * <pre>{@code
 * ChatClient client = ChatClient.start(ClientOptions.defaults().withNick("alice"),
 *         (kind, text) -> System.out.println(text));
 * client.input("hello");          // shown as "… <alice> hello", then "<alice> hello ✓"
 * client.input("/quit");
 * client.finished().join();
 * client.close();
 * }</pre>
 *
 * <p>One event loop thread owns the connection and the state machine ({@link ClientCore}); typed
 * lines are handed to it with {@link EventLoop#execute}, reconnects are {@link EventLoop#schedule}d on it.
 */
public final class ChatClient implements AutoCloseable {
    private static final SocketOptions SOCKET_OPTIONS = SocketOptions.builder()
            .keepAlive(true)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    /** After /quit, how long to wait for the server to close before closing ourselves. */
    private static final Duration QUIT_GRACE = Duration.ofSeconds(3);
    /** Longer than any line the server sends (512 bytes); a longer one is cut rather than buffered. */
    private static final int MAX_LINE_BYTES = 8192;

    private final ClientOptions options;
    private final InetSocketAddress address;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ClientCore core;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean quitTyped;

    // Owned by the loop thread.
    private Connection connection; // the open one, registered or not
    private Timer retry;
    private int failures;          // connection attempts since the last registration
    private boolean stopped;
    private boolean quitStarted;

    private ChatClient(ClientOptions options, InetSocketAddress address, EventLoopGroup group, ChatView view) {
        this.options = options;
        this.address = address;
        this.group = group;
        this.loop = group.next();
        this.core = new ClientCore(options.nick(), view);
    }

    /**
     * Starts connecting in the background and returns at once; what happens is shown on {@code view}.
     *
     * @throws java.net.UnknownHostException when the host name does not resolve
     * @throws IllegalArgumentException      when {@code options} has no nickname
     */
    public static ChatClient start(ClientOptions options, ChatView view) throws IOException {
        if (options.nick() == null) {
            throw new IllegalArgumentException("options need a nickname");
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(options.host()), options.port());
        // Daemon: a client that was not closed must not keep the JVM alive after main returns.
        EventLoopGroup group = EventLoopGroup.builder().backend(options.backend()).threads(1).daemon(true).build();
        ChatClient client = new ChatClient(options, address, group, view);
        client.loop.execute(client::connect);
        return client;
    }

    /** Handles one typed line (a message or a command) on the client's loop; callable from any thread. */
    public void input(String line) {
        if (ClientCore.isQuit(line)) {
            quitTyped = true;
        }
        try {
            loop.execute(() -> {
                core.input(line);
                quitIfAsked();
            });
        } catch (RejectedExecutionException closedAlready) {
            // the client is closed: nothing to send it to
        }
    }

    /** Completes once the client has stopped after {@code /quit} (or {@link #close()}). */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** The backend the client's event loop runs on. */
    public String backendId() {
        return group.backendId();
    }

    /** Quits (if not done yet), waits briefly for the server to close the connection, and stops the event loop. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!finished.isDone()) {
            if (!quitTyped) {
                input("/quit");
            }
            try {
                finished.get(QUIT_GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // closing anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        group.shutdownGracefully(Duration.ofSeconds(1)).join();
    }

    // ---------------------------------------------------------------- on the loop

    private void connect() {
        assert loop.inEventLoop();
        retry = null;
        if (stopped) {
            return;
        }
        core.connecting(address.getHostString() + ":" + address.getPort(), group.backendId());
        group.connect(address, SOCKET_OPTIONS, new IrcHandler()).whenComplete((c, failure) -> {
            if (failure != null) {
                onLoop(() -> connectFailed(failure));
            }
        });
    }

    private void connectFailed(Throwable failure) {
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (stopped || core.quitting()) {
            finish();
            return;
        }
        String why = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        Duration delay = options.retryDelay(failures);
        core.connectFailed(address.getHostString() + ":" + address.getPort(), why, delay);
        if (core.quitting()) { // a /quit was waiting for this connection
            finish();
            return;
        }
        failures++;
        retry = loop.schedule(this::connect, delay);
    }

    /** After a drop: the first retry comes soon, later ones back off (see {@link ClientOptions#retryDelay(int)}). */
    private void scheduleRetry() {
        Duration delay = options.retryDelay(failures++);
        core.retrying(delay);
        retry = loop.schedule(this::connect, delay);
    }

    /** Once the core has quit (typed, or replayed after registration), stop; only once. */
    private void quitIfAsked() {
        assert loop.inEventLoop();
        if (!core.quitting() || quitStarted) {
            return;
        }
        quitStarted = true;
        if (connection == null) {
            finish();
            return;
        }
        Connection c = connection;
        loop.schedule(c::abort, QUIT_GRACE); // the server closes after QUIT; this is for one that does not
    }

    private void finish() {
        stopped = true;
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        finished.complete(null);
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closedAlready) {
            finished.complete(null);
        }
    }

    private static void write(Connection c, IrcLine line) {
        c.write((line.format() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** One connection attempt; a new one per attempt, so that a late callback of an old one is recognised. */
    private final class IrcHandler implements ConnectionHandler {
        private final LineDecoder lines = new LineDecoder(MAX_LINE_BYTES);

        @Override
        public void onOpen(Connection c) {
            if (stopped) {
                c.abort();
                return;
            }
            connection = c;
            core.connected(line -> write(c, line));
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            if (c == connection) {
                lines.feed(data, core::received);
                quitIfAsked();
            }
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            if (c != connection) {
                return;
            }
            connection = null;
            boolean wasRegistered = core.registered();
            core.disconnected(cause == null ? "the server closed the connection"
                    : cause instanceof ConnectionResetException ? "connection reset"
                    : String.valueOf(cause.getMessage()));
            if (stopped || core.quitting()) {
                finish();
                return;
            }
            if (wasRegistered) {
                failures = 0;
            }
            scheduleRetry();
        }
    }

    // ---------------------------------------------------------------- command line

    /** {@code client [--nick NICK] [--host H] [--port P] [--backend ID]}: chats until /quit, Ctrl-D or Ctrl-C. */
    public static void main(String[] args) throws Exception {
        // netloop logs its start at INFO: noise between chat lines. Warnings still show.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        ClientOptions options;
        try {
            options = ClientOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try (ChatConsole console = ChatConsole.open()) {
            status = run(options, console);
        }
        System.exit(status);
    }

    private static int run(ClientOptions options, ChatConsole console) throws IOException {
        String nick = options.nick();
        while (nick == null) {
            String answer = console.ask("Nickname: ");
            if (answer == null) {
                return 0;
            }
            answer = answer.strip();
            if (ClientCore.isValidNick(answer)) {
                nick = answer;
            } else if (!answer.isEmpty()) {
                console.show(ChatView.Kind.ERROR, "*** " + ClientCore.nickRule(answer));
            }
        }
        ChatClient client = start(options.withNick(nick), console);
        // Plain mode has no raw terminal: Ctrl-C ends the JVM, and the hook still says goodbye.
        Thread hook = new Thread(client::close, "chat-client-quit");
        Runtime.getRuntime().addShutdownHook(hook);
        while (!client.finished().isDone()) {
            String line = console.readLine();
            if (line == null) { // Ctrl-D, Ctrl-C in a terminal, or end of input
                client.input("/quit");
                break;
            }
            client.input(line);
            if (ClientCore.isQuit(line)) {
                break;
            }
        }
        client.close();
        Runtime.getRuntime().removeShutdownHook(hook);
        return 0;
    }
}
