package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A plain-mode user on a blocking JDK socket, for what {@code nc} cannot do: write a lot quickly,
 * or connect with a small receive buffer and then never read. Or the same over TLS, on an
 * {@link SSLSocket} ({@link #connectTls}).
 */
final class RawClient implements AutoCloseable {
    final String label;
    final Socket socket;
    private final OutputStream out;

    private RawClient(String label, Socket socket) throws IOException {
        this.label = label;
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** {@code receiveBufferSize} 0 keeps the system's default; it is set before connecting, so the window is small from the start. */
    static RawClient connect(String label, InetSocketAddress server, int receiveBufferSize) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBufferSize > 0) {
                s.setReceiveBufferSize(receiveBufferSize);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Lines.LIMIT.toMillis());
            s.connect(server, (int) Lines.LIMIT.toMillis());
            return new RawClient(label, s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A user over TLS on a JDK {@link SSLSocket} trusting what {@code context} trusts, which also
     * checks that the server's certificate names the address connected to (HTTPS rules, so an IP
     * address must be among its subject alternative names). Returns once the handshake is done.
     */
    static RawClient connectTls(String label, InetSocketAddress server, SSLContext context) throws IOException {
        return connectTls(label, server, context, 0);
    }

    /** As {@link #connectTls(String, InetSocketAddress, SSLContext)}, with a receive buffer as in {@link #connect}. */
    static RawClient connectTls(String label, InetSocketAddress server, SSLContext context, int receiveBufferSize) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            if (receiveBufferSize > 0) {
                s.setReceiveBufferSize(receiveBufferSize);
            }
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Lines.LIMIT.toMillis());
            s.connect(server, (int) Lines.LIMIT.toMillis());
            s.startHandshake();
            return new RawClient(label, s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The TLS session of a {@link #connectTls} user. */
    SSLSession tlsSession() {
        return ((SSLSocket) socket).getSession();
    }

    /** Starts reading everything the server sends into {@link Lines} on a daemon thread. */
    Lines startReading() throws IOException {
        return Lines.pump(label, socket.getInputStream());
    }

    void send(String text) throws IOException {
        sendBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Registers as {@code nick} and reads exactly up to the end of the welcome line, byte by byte,
     * so that nothing after it is taken out of the socket: for a client that then stops reading.
     */
    void registerThenStopReading(String nick) throws IOException {
        send(nick);
        StringBuilder line = new StringBuilder();
        var in = socket.getInputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException(label + ": the server closed before welcoming " + nick + "; got " + line);
            }
            if (b == '\n') {
                String l = line.toString().strip();
                if (l.startsWith("*** Hello " + nick + ". ")) {
                    return;
                }
                assertTrue(l.equals(NcUser.PROMPT), () -> label + ": unexpected line before the welcome: " + Lines.quote(l));
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
