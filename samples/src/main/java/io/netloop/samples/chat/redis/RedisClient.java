package io.netloop.samples.chat.redis;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.SocketOptions;
import io.netloop.tls.Tls;
import io.netloop.tls.TlsContext;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * A Redis client on a netloop connection: an outbound connection like any other, whose replies are
 * parsed on its loop thread by a {@link RespReader} as bytes arrive.
 *
 * <p>Commands are pipelined: {@link #send} writes at once (from any thread) and returns a future,
 * and replies are matched to commands in order through a FIFO queue kept apart from the decoder,
 * as Lettuce does. An error reply fails that command's future with a {@link RedisErrorReply} and
 * the connection goes on. A reply that is not valid RESP, or breaks the reader's limits, fails
 * every waiting command with the {@link RespProtocolException} and closes this connection only; a
 * lost connection fails them with a {@link RedisConnectionException}. Nothing is ever thrown into
 * the loop.
 *
 * <p>Futures complete on the connection's loop thread: stages chained on them must not block
 * (use the {@code ...Async} variants to leave the loop).
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.connect(group, RedisUri.parse("redis://:s3cret@127.0.0.1:6379/1")).join();
 * redis.send("SET", "greeting", "hello");
 * String v = redis.send("GET", "greeting").join().asString(); // "hello": replies come in order
 * redis.close();
 * }</pre>
 */
public final class RedisClient implements AutoCloseable {

    /**
     * How a client connects and what it accepts; immutable, each {@code with...} returns a copy.
     * Defaults: no TLS context (needed for {@code rediss://}), {@link SocketOptions#defaults()},
     * 100,000 commands waiting at most, and {@link RespReader.Limits#DEFAULT} (512 MiB bulk strings,
     * as Redis; a program that knows its values should choose much less).
     *
     * <pre>{@code
     * RedisClient.Options o = RedisClient.Options.defaults()
     *         .withTls(TlsContext.client().trustPem(caFile).build())
     *         .withReaderLimits(RespReader.Limits.DEFAULT.withMaxBulkBytes(1 << 20));
     * }</pre>
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options(null, SocketOptions.defaults(), 100_000, RespReader.Limits.DEFAULT);

        private final TlsContext tls;
        private final SocketOptions socketOptions;
        private final int maxPending;
        private final RespReader.Limits readerLimits;

        private Options(TlsContext tls, SocketOptions socketOptions, int maxPending, RespReader.Limits readerLimits) {
            this.tls = tls;
            this.socketOptions = socketOptions;
            this.maxPending = maxPending;
            this.readerLimits = readerLimits;
        }

        /** The defaults listed on the class. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** The TLS client context {@code rediss://} URIs connect with; no default. */
        public Options withTls(TlsContext context) {
            if (context != null && context.isServer()) {
                throw new IllegalArgumentException("a Redis client needs a client TLS context (TlsContext.client())");
            }
            return new Options(context, socketOptions, maxPending, readerLimits);
        }

        /** Options of the TCP connection, its connect timeout among them. */
        public Options withSocketOptions(SocketOptions options) {
            return new Options(tls, Objects.requireNonNull(options, "options"), maxPending, readerLimits);
        }

        /** How many commands may wait for their replies; more fail at once with a {@link RejectedExecutionException}. */
        public Options withMaxPending(int commands) {
            if (commands < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1: " + commands);
            }
            return new Options(tls, socketOptions, commands, readerLimits);
        }

        /** The bounds of the reply parser. */
        public Options withReaderLimits(RespReader.Limits limits) {
            return new Options(tls, socketOptions, maxPending, Objects.requireNonNull(limits, "limits"));
        }

        public TlsContext tls() {
            return tls;
        }

        public SocketOptions socketOptions() {
            return socketOptions;
        }

        public int maxPending() {
            return maxPending;
        }

        public RespReader.Limits readerLimits() {
            return readerLimits;
        }
    }

    /** A command written and waiting for its reply. */
    private record Pending(CompletableFuture<RespValue> reply, String command) {
    }

    /** A reply arrived with no command waiting: thrown out of the reader's sink, caught in onData. */
    private static final class UnsolicitedReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsolicitedReply(RespValue reply) {
            super(null, null, false, false);
            this.reply = reply;
        }

        final transient RespValue reply;
    }

    private final RedisUri uri;
    private final Options options;
    private final RespReader reader;
    private final Handler handler = new Handler();
    private final CompletableFuture<RedisClient> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    /** Guards the queue, the writer and the closed state: a command's place in the queue is its place on the wire. */
    private final Object lock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final RespWriter writer = new RespWriter();
    /** Why the client no longer takes commands; null while open. */
    private Throwable closedCause;
    private boolean closedByUser;

    /** Set on the loop thread in onOpen, before any command can be sent. */
    private volatile Connection connection;

    private RedisClient(RedisUri uri, Options options) {
        this.uri = uri;
        this.options = options;
        this.reader = new RespReader(options.readerLimits());
    }

    /**
     * {@link #connect(EventLoopGroup, RedisUri, Options)} with {@link Options#defaults()}.
     *
     * @param group the group whose next loop the connection is made on
     * @param uri   the server and how to log in
     * @return completed once connected and logged in; see the other overload
     */
    public static CompletableFuture<RedisClient> connect(EventLoopGroup group, RedisUri uri) {
        return connect(group, uri, Options.defaults());
    }

    /**
     * Connects (over TLS for {@code rediss://}), then sends {@code AUTH} when the URI has a password
     * ({@code AUTH user password} with a user) and {@code SELECT} when its database is not 0.
     * Resolving the host name happens on the calling thread.
     *
     * @param group   the group whose next loop the connection is made on
     * @param uri     the server and how to log in
     * @param options TLS context, socket options and limits
     * @return completed with the client once {@code AUTH} and {@code SELECT} succeeded; exceptionally
     *         with a {@link RedisConnectionException} (cannot connect, handshake failed, connection
     *         lost) or the {@link RedisErrorReply} that refused {@code AUTH} or {@code SELECT}, in
     *         which case the connection is closed
     */
    public static CompletableFuture<RedisClient> connect(EventLoopGroup group, RedisUri uri, Options options) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        RedisClient client = new RedisClient(uri, options);
        InetSocketAddress address = uri.address();
        if (address.isUnresolved()) {
            client.connectFailed(new UnknownHostException(uri.host()));
            return client.ready;
        }
        CompletableFuture<? extends Connection> connected;
        try {
            if (uri.tls()) {
                if (options.tls() == null) {
                    throw new IllegalArgumentException(uri + " is rediss://: give a TLS context with Options.withTls");
                }
                connected = Tls.connect(group, address, options.socketOptions(), options.tls(), uri.host(), client.handler);
            } else {
                connected = group.connect(address, options.socketOptions(), client.handler);
            }
        } catch (RuntimeException e) {
            client.connectFailed(e);
            return client.ready;
        }
        connected.whenComplete((c, error) -> {
            if (error != null) {
                client.connectFailed(unwrap(error));
            }
        });
        return client.ready;
    }

    /**
     * Sends one command, pipelined behind those sent before it. Thread-safe; the command is on its
     * way (copied into the connection's queue) when this returns.
     *
     * @param args the command name and its arguments: {@code byte[]}, {@link CharSequence} (UTF-8)
     *             or whole numbers (decimal), as {@link RespWriter} encodes them
     * @return the reply; exceptionally with a {@link RedisErrorReply} (Redis refused the command), a
     *         {@link RespProtocolException} or {@link RedisConnectionException} (the connection
     *         failed or was closed), or a {@link RejectedExecutionException} when
     *         {@link Options#withMaxPending} commands already wait
     * @throws IllegalArgumentException when there is no argument or one of an unsupported type
     */
    public CompletableFuture<RespValue> send(Object... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        String name = commandName(args[0]);
        CompletableFuture<RespValue> reply = new CompletableFuture<>();
        // Nothing can depend on `reply` before it is returned, so completing it under the lock runs no foreign code.
        synchronized (lock) {
            if (closedCause != null) {
                reply.completeExceptionally(closedCause);
                return reply;
            }
            if (pending.size() >= options.maxPending()) {
                reply.completeExceptionally(new RejectedExecutionException(name + " refused: " + pending.size()
                        + " commands already wait for replies from " + uri + " (maxPending " + options.maxPending() + ")"));
                return reply;
            }
            ByteBuffer bytes = writer.encode(args);
            Pending p = new Pending(reply, name);
            pending.addLast(p);
            boolean written = connection.write(bytes);
            writer.trim();
            if (!written) {
                if (pending.peekLast() == p) {
                    pending.removeLast();
                }
                reply.completeExceptionally(new RedisConnectionException(name + " not sent: the connection to " + uri + " is closing", null));
            }
        }
        return reply;
    }

    /**
     * Closes the connection. Commands still waiting fail with a {@link RedisConnectionException};
     * later ones fail at once. Idempotent, thread-safe; does not wait: {@link #closeFuture()} tells
     * when the connection is closed.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closedCause == null) {
                closedByUser = true;
            }
        }
        shutDown(new RedisConnectionException("closed by RedisClient.close() before the reply came (" + uri + ")", null));
        Connection c = connection;
        if (c != null) {
            c.close();
        } else {
            closeFuture.complete(null);
        }
    }

    /**
     * Completes once the connection is closed: normally after {@link #close()}, exceptionally with
     * why otherwise (a {@link RespProtocolException}, a {@link RedisConnectionException}, or the
     * {@link RedisErrorReply} that refused the login).
     *
     * @return the same future for the client's whole life
     */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /**
     * Whether commands are accepted.
     *
     * @return {@code false} once closed, closing or failed
     */
    public boolean isOpen() {
        synchronized (lock) {
            return closedCause == null && connection != null;
        }
    }

    /**
     * Commands written and waiting for their replies.
     *
     * @return the count at the moment of the call
     */
    public int pendingCommands() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /**
     * The loop that owns the connection, where replies are parsed and futures complete.
     *
     * @return the loop
     */
    public EventLoop loop() {
        return connection.loop();
    }

    /**
     * The server this client talks to.
     *
     * @return its URI; its {@code toString} hides the password
     */
    public RedisUri uri() {
        return uri;
    }

    @Override
    public String toString() {
        return "RedisClient[" + uri + ", " + pendingCommands() + " pending" + (isOpen() ? "" : ", closed") + "]";
    }

    private final class Handler implements ConnectionHandler {
        @Override
        public void onOpen(Connection c) {
            connection = c;
            List<CompletableFuture<RespValue>> login = new ArrayList<>(2);
            if (uri.password() != null) {
                login.add(uri.user() == null ? send("AUTH", uri.password()) : send("AUTH", uri.user(), uri.password()));
            }
            if (uri.db() != 0) {
                login.add(send("SELECT", uri.db()));
            }
            if (login.isEmpty()) {
                ready.complete(RedisClient.this);
                return;
            }
            // Pipelined; the first failure in order is the one that explains (SELECT fails too after a refused AUTH).
            CompletableFuture.allOf(login.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
                for (CompletableFuture<RespValue> step : login) {
                    if (step.isCompletedExceptionally()) {
                        Throwable cause = step.exceptionNow();
                        ready.completeExceptionally(cause);
                        shutDown(cause);
                        c.close();
                        return;
                    }
                }
                ready.complete(RedisClient.this);
            });
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            assert c.loop().inEventLoop();
            try {
                reader.feed(data, RedisClient.this::reply);
            } catch (RespProtocolException e) {
                protocolError(c, e);
            } catch (UnsolicitedReply u) {
                protocolError(c, new RespProtocolException("a reply came with no command waiting for it: "
                        + u.reply, -1));
            }
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            shutDown(new RedisConnectionException("connection to " + uri
                    + (cause == null ? " closed by the server" : " lost: " + cause), cause));
            Throwable why;
            boolean byUser;
            synchronized (lock) {
                why = closedCause;
                byUser = closedByUser;
            }
            if (byUser) {
                closeFuture.complete(null);
            } else {
                closeFuture.completeExceptionally(why);
            }
        }
    }

    /** The reader's sink, on the loop thread: the oldest waiting command gets the reply. */
    private void reply(RespValue value) {
        Pending p;
        synchronized (lock) {
            p = pending.pollFirst();
        }
        if (p == null) {
            throw new UnsolicitedReply(value);
        }
        if (value instanceof RespValue.ErrorString e) {
            p.reply().completeExceptionally(new RedisErrorReply(e.message(), p.command()));
        } else {
            p.reply().complete(value);
        }
    }

    private void protocolError(Connection c, RespProtocolException e) {
        shutDown(e);
        c.abort();
    }

    /** Stops taking commands and fails those waiting with {@code cause}; only the first call counts. */
    private void shutDown(Throwable cause) {
        List<Pending> failed;
        synchronized (lock) {
            if (closedCause != null) {
                return;
            }
            closedCause = cause;
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        // Outside the lock: completing runs the callers' stages.
        ready.completeExceptionally(cause);
        for (Pending p : failed) {
            p.reply().completeExceptionally(cause);
        }
    }

    private void connectFailed(Throwable error) {
        RedisConnectionException e = new RedisConnectionException("cannot connect to " + uri + ": " + error, error);
        shutDown(e);
        closeFuture.completeExceptionally(e);
    }

    private static String commandName(Object first) {
        return switch (first) {
            case byte[] b -> new String(b, StandardCharsets.UTF_8);
            case null -> throw new IllegalArgumentException("the command name is null");
            default -> first.toString();
        };
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
