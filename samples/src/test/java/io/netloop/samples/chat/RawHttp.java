package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP client on a blocking JDK socket that sends bytes exactly as given, for what
 * {@link java.net.http.HttpClient} will not send (garbage, an oversize head, no Host), and reads
 * the answer byte for byte up to the server's close: the response head is checked as RFC 9112
 * writes it (CRLF line ends, {@code Content-Length} equal to the body's length).
 *
 * <pre>{@code
 * RawHttp.Response r = RawHttp.exchange(admin, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
 * assertEquals(200, r.status());
 * }</pre>
 */
final class RawHttp implements AutoCloseable {
    final String label;
    private final Socket socket;

    private RawHttp(String label, Socket socket) {
        this.label = label;
        this.socket = socket;
    }

    static RawHttp connect(String label, InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout((int) Lines.LIMIT.toMillis());
            s.connect(server, (int) Lines.LIMIT.toMillis());
            return new RawHttp(label, s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Connects, sends {@code request} (ISO-8859-1), and reads the answer up to the server's close. */
    static Response exchange(String label, InetSocketAddress server, String request) throws IOException {
        try (RawHttp c = connect(label, server)) {
            c.send(request.getBytes(StandardCharsets.ISO_8859_1));
            return c.readResponse();
        }
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** One response: its status line, its header fields (names in lower case), its body as received. */
    record Response(String statusLine, Map<String, String> headers, byte[] body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ", 3)[1]);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads everything up to the server's close (which must come within {@link Lines#LIMIT}) and
     * checks the head: a status line {@code HTTP/1.1 NNN Reason}, CRLF after every line, one
     * {@code Content-Length} equal to the length of what follows the head ({@code expectBody}
     * false: a HEAD request's answer, whose body is absent).
     */
    Response readResponse() throws IOException {
        return readResponse(true);
    }

    Response readResponse(boolean expectBody) throws IOException {
        byte[] all = readToEnd();
        int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(end > 0, () -> label + ": a response head ending in CRLF CRLF, got " + show(all));
        String head = new String(all, 0, end, StandardCharsets.ISO_8859_1);
        byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
        List<String> lines = new ArrayList<>(List.of(head.split("\r\n", -1)));
        for (String l : lines) {
            assertTrue(l.indexOf('\n') < 0 && l.indexOf('\r') < 0, () -> label + ": a bare LF or CR in the head: " + show(all));
        }
        String statusLine = lines.remove(0);
        assertTrue(statusLine.matches("HTTP/1\\.1 [1-5][0-9][0-9] [A-Za-z][A-Za-z -]*"),
                () -> label + ": status line " + Lines.quote(statusLine));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            assertTrue(colon > 0 && l.substring(0, colon).matches("[A-Za-z0-9-]+"), () -> label + ": header field " + Lines.quote(l));
            String previous = headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
            assertTrue(previous == null, () -> label + ": one " + l.substring(0, colon) + " field only");
        }
        String length = headers.get("content-length");
        assertTrue(length != null && length.matches("[0-9]+"), () -> label + ": a Content-Length, got " + headers);
        assertEquals(expectBody ? Integer.parseInt(length) : 0, body.length,
                () -> label + ": the body is exactly Content-Length bytes (" + length + ") long: " + show(all));
        return new Response(statusLine, headers, body);
    }

    /** Everything the server sends until it closes; fails if it has not closed within {@link Lines#LIMIT}. */
    byte[] readToEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": the server did not close within " + Lines.LIMIT.toSeconds() + " s; got "
                    + show(out.toByteArray()), e);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String show(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 2000), StandardCharsets.ISO_8859_1);
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n\n") + "\"" + (bytes.length > 2000 ? "..." : "");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
