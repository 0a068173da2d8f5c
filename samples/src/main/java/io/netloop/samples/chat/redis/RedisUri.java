package io.netloop.samples.chat.redis;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a Redis server is and how to log in: {@code redis://[[user]:password@]host[:port][/db]},
 * or {@code rediss://...} for TLS. The port defaults to 6379 and the database to 0. User and
 * password may be percent-encoded ({@code %40} for {@code @}); an empty user means the
 * {@code default} user ({@code AUTH password}). {@link #toString()} never shows the password.
 *
 * <pre>{@code
 * RedisUri uri = RedisUri.parse("redis://chat:s3cret@10.0.0.5:6380/2");
 * uri.user();     // "chat"
 * uri.db();       // 2
 * uri.toString(); // "redis://chat:***@10.0.0.5:6380/2"
 * }</pre>
 *
 * @param tls      whether the scheme is {@code rediss}
 * @param host     a host name or IP address (an IPv6 address without its brackets)
 * @param port     1 to 65535
 * @param user     the ACL user, or {@code null} for {@code AUTH password} (the default user)
 * @param password the password, or {@code null} for no {@code AUTH}
 * @param db       the database to {@code SELECT}, 0 or more
 */
public record RedisUri(boolean tls, String host, int port, String user, String password, int db) {
    /** Redis's port when the URI names none. */
    public static final int DEFAULT_PORT = 6379;
    private static final String FORM = "expected redis://[[user]:password@]host[:port][/db] or rediss://...";

    public RedisUri {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
        if (db < 0) {
            throw new IllegalArgumentException("db " + db + " is negative");
        }
        if (user != null && password == null) {
            throw new IllegalArgumentException("a user needs a password");
        }
    }

    /**
     * Parses a {@code redis://} or {@code rediss://} URI.
     *
     * @param uri the text, such as {@code redis://localhost:6379/0}
     * @return the parsed URI
     * @throws IllegalArgumentException saying what is wrong (the password is never repeated in it)
     */
    public static RedisUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        boolean tls;
        String rest;
        if (startsWithIgnoreCase(uri, "redis://")) {
            tls = false;
            rest = uri.substring("redis://".length());
        } else if (startsWithIgnoreCase(uri, "rediss://")) {
            tls = true;
            rest = uri.substring("rediss://".length());
        } else {
            int colon = uri.indexOf(':');
            throw bad(colon > 0 ? "scheme '" + uri.substring(0, colon) + "' is not redis or rediss" : "no redis:// or rediss:// scheme");
        }
        String user = null;
        String password = null;
        // The last '@' ends the user info: a password may hold an unencoded '@' or '/'.
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw bad("user info must be user:password or :password (a password alone after a colon)");
            }
            user = decode(userInfo.substring(0, colon), "user");
            password = decode(userInfo.substring(colon + 1), "password");
            if (password.isEmpty()) {
                throw bad("the password is empty");
            }
            if (user.isEmpty()) {
                user = null;
            }
        }
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw bad("query parameters and fragments are not supported");
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);

        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw bad("IPv6 address '" + hostPort + "' has no closing ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad("unexpected '" + after + "' after the IPv6 address");
                }
                portText = after.substring(1);
            }
            // An optional zone after '%' (fe80::1%eth0) names an interface.
            int zone = host.indexOf('%');
            String address = zone < 0 ? host : host.substring(0, zone);
            String zoneId = zone < 0 ? "x" : host.substring(zone + 1);
            if (address.indexOf(':') < 0 || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                    || zoneId.isEmpty() || !zoneId.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))) {
                throw bad("'" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (colon >= 0) {
                portText = hostPort.substring(colon + 1);
                if (portText.indexOf(':') >= 0) {
                    throw bad("'" + hostPort + "' has more than one ':'; write an IPv6 address in brackets: [::1]:6379");
                }
            }
            if (host.isEmpty()) {
                throw bad("the host is empty");
            }
            if (!host.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_'))) {
                throw bad("'" + host + "' is not a host name or IPv4 address");
            }
        }
        int port = DEFAULT_PORT;
        if (portText != null) {
            port = number(portText, "port");
            if (port < 1 || port > 65535) {
                throw bad("port " + portText + " is not between 1 and 65535");
            }
        }
        int db = path.isEmpty() ? 0 : number(path, "database");
        return new RedisUri(tls, host, port, user, password, db);
    }

    /**
     * The server's socket address, resolving the host name now (which may block on DNS).
     *
     * @return a resolved address
     */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** The URI with the password shown as {@code ***}: safe for logs and messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(tls ? "rediss://" : "redis://");
        if (password != null) {
            sb.append(user == null ? "" : encode(user)).append(":***@");
        }
        sb.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port);
        if (db != 0) {
            sb.append('/').append(db);
        }
        return sb.toString();
    }

    private static int number(String text, String what) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(what + " '" + text + "' is not a number" + (text.length() > 9 ? " below 10^9" : ""));
        }
        return Integer.parseInt(text);
    }

    private static String decode(String text, String what) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%') {
                int hi = i + 1 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
                int lo = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw bad("the " + what + " has a '%' not followed by two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("bad Redis URI: " + why + " (" + FORM + ")");
    }
}
