package io.netloop.samples.chat;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the admin port: a small HTTP/1.1 server on the chat's own loops, for a
 * Prometheus scraper or {@code curl}. One request per connection, answered with
 * {@code Connection: close} and an exact {@code Content-Length}:
 *
 * <pre>{@code
 * curl -s http://127.0.0.1:9190/metrics    # PrometheusText: every loop's LoopMetrics and the chat's gauges
 * curl -s http://127.0.0.1:9190/loops      # LoadReport: each loop's load over the next second
 * }</pre>
 *
 * <p>{@code GET} and {@code HEAD} of those two paths are served; another method on them gets 405, any
 * other path 404, a request head that is not HTTP/1.x as RFC 9112 writes it 400 (505 for another
 * major version), one longer than {@link #MAX_HEAD} 431, and a client that has not sent its whole
 * head within {@link #REQUEST_TIMEOUT} 408. Each of those closes the connection. Past
 * {@link #MAX_CONNECTIONS} admin connections at once, the next gets 503.
 *
 * <p>An admin client shares the loops with chat users and must not slow them: it holds at most
 * {@link #MAX_HEAD} bytes, waits for nothing (the load report is a loop timer), and is reset if it
 * does not close within {@link #LINGER} of its answer, or sends more than {@link #MAX_DISCARD}
 * bytes after its request head.
 */
final class AdminHttp implements ConnectionHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminHttp.class);

    /** The longest request head read: request line, header fields and the empty line that ends them. */
    static final int MAX_HEAD = 8 * 1024;
    /** How long a client may take to send its whole request head. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** How long a client may take to close after its answer before it is reset. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** What a client may send beyond its request head (a body, a flood) before it is reset instead of read. */
    static final int MAX_DISCARD = 64 * 1024;
    /** Admin connections served at once. */
    static final int MAX_CONNECTIONS = 16;

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String ALLOW = "GET, HEAD";

    private final EventLoopGroup group;
    private final Hub hub;
    private final AtomicInteger open;

    // Loop thread only.
    private Connection conn;
    private byte[] head = new byte[1024];
    private int headLength;
    /** The whole head has arrived (or been refused): later input is read and dropped. */
    private boolean requestRead;
    private long discarded;
    private boolean answered;
    private boolean inputEnded;
    /** A HEAD request: its answer has a Content-Length but no body. */
    private boolean headRequest;
    private Timer requestTimer;

    private AdminHttp(EventLoopGroup group, Hub hub, AtomicInteger open) {
        this.group = group;
        this.hub = hub;
        this.open = open;
    }

    /** The admin port's handlers: one for each connection, sharing the count of open ones. */
    static Supplier<ConnectionHandler> handlers(EventLoopGroup group, Hub hub) {
        AtomicInteger open = new AtomicInteger();
        return () -> new AdminHttp(group, hub, open);
    }

    @Override
    public void onOpen(Connection c) {
        conn = c;
        if (open.incrementAndGet() > MAX_CONNECTIONS) {
            requestRead = true;
            error(503, "Service Unavailable", "too many admin connections at once (" + MAX_CONNECTIONS + ")");
            return;
        }
        requestTimer = c.loop().schedule(this::timedOut, REQUEST_TIMEOUT);
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
        if (requestRead) {
            // A body, or more after the answer: read and dropped, so that the close is not a reset
            // that could destroy the answer; but not without end, which would keep a loop busy.
            discarded += data.remaining();
            data.position(data.limit());
            if (discarded > MAX_DISCARD) {
                c.abort();
            }
            return;
        }
        int scanFrom = Math.max(0, headLength - 3);
        int n = Math.min(data.remaining(), MAX_HEAD - headLength);
        if (headLength + n > head.length) {
            head = java.util.Arrays.copyOf(head, Math.min(MAX_HEAD, Math.max(head.length * 2, headLength + n)));
        }
        data.get(head, headLength, n);
        data.position(data.limit());
        headLength += n;
        int end = endOfHead(scanFrom);
        if (end < 0) {
            if (headLength == MAX_HEAD) {
                requestRead = true;
                cancel(requestTimer);
                error(431, "Request Header Fields Too Large", "the request head is over " + MAX_HEAD + " bytes");
            }
            return;
        }
        requestRead = true;
        cancel(requestTimer);
        handle(end);
    }

    @Override
    public void onInputClosed(Connection c) {
        inputEnded = true;
        if (!requestRead || answered) {
            c.close(); // gone before asking anything whole, or after its answer
        }
        // else the answer is on its way (/loops waits a second) and closes the connection
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        cancel(requestTimer);
        open.decrementAndGet();
    }

    /**
     * Where the head ends: the index after its last line's end, found as an empty line (CRLF CRLF,
     * or LF LF, which RFC 9112 lets a server accept); -1 when it has not arrived yet.
     */
    private int endOfHead(int from) {
        for (int i = from; i < headLength; i++) {
            if (head[i] != '\n') {
                continue;
            }
            if (i + 1 < headLength && head[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < headLength && head[i + 1] == '\r' && head[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    private void timedOut() {
        if (!requestRead && conn.isOpen()) {
            requestRead = true;
            error(408, "Request Timeout", "no complete request within " + REQUEST_TIMEOUT.toSeconds() + " s");
        }
    }

    // ---- the request ----

    private void handle(int end) {
        Request r;
        try {
            r = parse(head, end);
        } catch (RefusedException e) {
            error(e.status, e.reason, e.getMessage());
            return;
        }
        headRequest = r.method.equals("HEAD");
        boolean known = r.path.equals("/metrics") || r.path.equals("/loops");
        if (!known) {
            error(404, "Not Found", "this port serves GET /metrics and GET /loops");
            return;
        }
        if (!r.method.equals("GET") && !r.method.equals("HEAD")) {
            error(405, "Method Not Allowed", r.method + " is not served here: GET or HEAD " + r.path);
            return;
        }
        if (r.path.equals("/metrics")) {
            respond(200, "OK", PrometheusText.CONTENT_TYPE, PrometheusText.scrape(group, hub));
        } else {
            LoadReport.measure(group, conn.loop()).whenComplete((lines, e) -> {
                if (e != null) {
                    error(503, "Service Unavailable", "the server is shutting down");
                } else {
                    respond(200, "OK", TEXT, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
        }
    }

    /** What this port needs of a request: its method, and its target's path without the query. */
    record Request(String method, String path) {
    }

    /** A request that cannot be answered as asked: the status, its reason phrase, and why (the message). */
    static final class RefusedException extends Exception {
        final int status;
        final String reason;

        RefusedException(int status, String reason, String why) {
            super(why, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    private static RefusedException bad(String why) {
        return new RefusedException(400, "Bad Request", why);
    }

    /**
     * The request line and header fields of {@code bytes[0, end)}, checked as RFC 9112 writes them:
     * {@code METHOD SP TARGET SP HTTP/x.y}, then {@code name: value} fields; HTTP/1.1 needs one Host.
     * Line ends are CRLF or LF; a CR anywhere else, a control character, obsolete line folding or
     * white space before a field's colon is refused. Package-private for tests.
     */
    static Request parse(byte[] bytes, int end) throws RefusedException {
        String text = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        // The last two are the empty line and what follows the final LF (nothing).
        int count = lines.length - 2;
        for (int i = 0; i < count; i++) {
            String l = lines[i];
            if (l.endsWith("\r")) {
                l = l.substring(0, l.length() - 1);
            }
            if (l.indexOf('\r') >= 0) {
                throw bad("a bare CR in the request head");
            }
            lines[i] = l;
        }
        if (count < 1 || lines[0].isEmpty()) {
            throw bad("no request line");
        }
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3) {
            throw bad("the request line is not METHOD SP TARGET SP HTTP-VERSION");
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (method.isEmpty() || !isToken(method)) {
            throw bad("the method is not a token");
        }
        if (target.isEmpty() || !isVisible(target)) {
            throw bad("the request target is empty or not visible ASCII");
        }
        if (version.length() != 8 || !version.startsWith("HTTP/") || !isDigit(version.charAt(5))
                || version.charAt(6) != '.' || !isDigit(version.charAt(7))) {
            throw bad("the HTTP version is not HTTP/DIGIT.DIGIT");
        }
        if (version.charAt(5) != '1') {
            throw new RefusedException(505, "HTTP Version Not Supported", "this port speaks HTTP/1.1");
        }
        int hosts = 0;
        for (int i = 1; i < count; i++) {
            String l = lines[i];
            if (l.isEmpty() || l.charAt(0) == ' ' || l.charAt(0) == '\t') {
                throw bad("obsolete line folding, or an empty field line");
            }
            int colon = l.indexOf(':');
            if (colon <= 0 || !isToken(l.substring(0, colon))) {
                throw bad("a header field that is not NAME: VALUE");
            }
            String value = l.substring(colon + 1).strip();
            for (int j = 0; j < value.length(); j++) {
                char c = value.charAt(j);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw bad("a control character in the header field " + l.substring(0, colon));
                }
            }
            if (l.substring(0, colon).equalsIgnoreCase("Host")) {
                hosts++;
            }
        }
        if (version.equals("HTTP/1.1") && hosts != 1) {
            throw bad("an HTTP/1.1 request has one Host header field; this one has " + hosts);
        }
        return new Request(method, path(target));
    }

    /** The path of an origin-form ({@code /metrics?x}) or absolute-form ({@code http://h/metrics}) target. */
    private static String path(String target) throws RefusedException {
        String t = target;
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int slash = t.indexOf('/', lower.indexOf("//") + 2);
            t = slash < 0 ? "/" : t.substring(slash);
        } else if (!t.startsWith("/")) {
            throw bad("the request target is neither /PATH nor http://HOST/PATH");
        }
        int query = t.indexOf('?');
        return query < 0 ? t : t.substring(0, query);
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // ---- the answer ----

    private void error(int status, String reason, String why) {
        log.debug("admin request from {} refused: {} {}: {}", conn.remoteAddress(), status, reason, why);
        respond(status, reason, TEXT, (status + " " + reason + ": " + why + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the one answer of this connection, then ends it without a reset that could destroy the
     * answer: output is shut down after it, and input read and dropped until the client closes, or
     * reset after {@link #LINGER}.
     */
    private void respond(int status, String reason, String contentType, byte[] body) {
        if (answered) {
            return;
        }
        answered = true;
        head = null;
        StringBuilder h = new StringBuilder(192)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Date: ").append(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (status == 405) {
            h.append("Allow: ").append(ALLOW).append("\r\n");
        }
        if (status == 200) {
            h.append("Cache-Control: no-store\r\n");
        }
        h.append("Connection: close\r\n\r\n");
        conn.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!headRequest) {
            conn.write(body);
        }
        if (inputEnded) {
            conn.close();
            return;
        }
        conn.shutdownOutput();
        try {
            conn.loop().schedule(conn::abort, LINGER);
        } catch (java.util.concurrent.RejectedExecutionException loopEnded) {
            // the loop is ending and closes the connection itself
        }
    }

    private static void cancel(Timer t) {
        if (t != null) {
            t.cancel();
        }
    }
}
