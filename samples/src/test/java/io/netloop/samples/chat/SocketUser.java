package io.netloop.samples.chat;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A chat user on a netloop connection of the test's own group, plain-mode or IRC, for tests with
 * hundreds of users (where a process each, as {@code nc} or the IRC driver, is too many). It speaks
 * the protocol as those clients do and keeps every line it receives; the room messages it gets are
 * also kept as {@code "from: text"}, whatever the protocol.
 */
final class SocketUser implements ConnectionHandler {
    final String nick;
    final boolean irc;
    final CompletableFuture<Void> registered = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LineSplitter splitter = new LineSplitter();
    private final List<String> lines = new ArrayList<>();
    private final List<String> said = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private volatile Connection connection;

    private record Waiter(Predicate<String> matches, CompletableFuture<String> found) {
    }

    private SocketUser(String nick, boolean irc) {
        this.nick = nick;
        this.irc = irc;
    }

    /** Connects and registers as {@code nick}; {@link #registered} completes on the welcome. */
    static SocketUser connect(EventLoopGroup group, InetSocketAddress server, String nick, boolean irc) {
        SocketUser u = new SocketUser(nick, irc);
        group.connect(server, u).whenComplete((c, e) -> {
            if (e != null) {
                u.registered.completeExceptionally(e);
                u.closed.complete(null);
            }
        });
        return u;
    }

    /** One line as typed: in IRC mode a raw command, in plain mode text or a /command. */
    void send(String line) {
        connection.write((line + (irc ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
    }

    /** A message to #lobby in this user's protocol. */
    void say(String text) {
        send(irc ? "PRIVMSG #lobby :" + text : text);
    }

    /** The room messages received, as {@code "from: text"}, in arrival order. */
    synchronized List<String> said() {
        return List.copyOf(said);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Completes with the first line, received before or after this call, that {@code matches}. */
    synchronized CompletableFuture<String> line(Predicate<String> matches) {
        for (String l : lines) {
            if (matches.test(l)) {
                return CompletableFuture.completedFuture(l);
            }
        }
        Waiter w = new Waiter(matches, new CompletableFuture<>());
        waiters.add(w);
        return w.found();
    }

    void close() {
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void onOpen(Connection c) {
        connection = c;
        String hello = irc ? "NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + " on IRC\r\n" : nick + "\n";
        c.write(hello.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
        splitter.feed(data, this::line);
    }

    private void line(String line) {
        List<CompletableFuture<String>> found = new ArrayList<>();
        synchronized (this) {
            lines.add(line);
            String message = roomMessage(line);
            if (message != null) {
                said.add(message);
            }
            waiters.removeIf(w -> {
                if (w.matches().test(line)) {
                    found.add(w.found());
                    return true;
                }
                return false;
            });
        }
        found.forEach(f -> f.complete(line));
        if (irc ? line.startsWith(":netloop 001 " + nick + " ") : line.startsWith("*** Hello " + nick + ". ")) {
            registered.complete(null);
        } else if (!registered.isDone() && (irc ? line.startsWith(":netloop 433 ") || line.startsWith(":netloop 437 ")
                : line.contains("is taken") || line.contains("cannot be claimed"))) {
            registered.completeExceptionally(new IllegalStateException(nick + ": refused: " + line));
        }
    }

    /** {@code "from: text"} for a message to #lobby, in either protocol; otherwise {@code null}. */
    private String roomMessage(String line) {
        if (irc) {
            String marker = " PRIVMSG #lobby :";
            int at = line.indexOf(marker);
            if (line.startsWith(":") && at > 0) {
                return ClusterEvent.nickOf(line.substring(1, at)) + ": " + line.substring(at + marker.length());
            }
            return null;
        }
        if (line.startsWith("<")) {
            int end = line.indexOf("> ");
            if (end > 1) {
                return line.substring(1, end) + ": " + line.substring(end + 2);
            }
        }
        return null;
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        registered.completeExceptionally(new IllegalStateException(nick + " disconnected: " + cause));
        closed.complete(null);
    }

    @Override
    public String toString() {
        List<String> l = lines();
        return (irc ? "IRC " : "plain ") + nick + " (" + l.size() + " lines, last " + (l.isEmpty() ? "none" : Lines.quote(l.get(l.size() - 1))) + ")";
    }
}
