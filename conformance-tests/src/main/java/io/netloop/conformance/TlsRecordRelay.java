package io.netloop.conformance;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between one client and a server that reads the TLS record headers (type, version,
 * length: RFC 8446 5.1, sent in the clear) of what the client sends, so a test can see how the
 * client cut its output into records. Forwards both ways unchanged.
 */
final class TlsRecordRelay implements AutoCloseable {
    /** Content type of application data records (a TLS 1.3 record of any inner type looks like this). */
    static final int APPLICATION_DATA = 23;

    private final ServerSocket listener;
    private final InetSocketAddress server;
    private final List<int[]> clientRecords = new CopyOnWriteArrayList<>();
    private volatile Socket accepted;
    private volatile Socket upstream;

    TlsRecordRelay(SocketAddress server) throws IOException {
        this.server = (InetSocketAddress) server;
        this.listener = new ServerSocket(0, 1, Loopback.IPV4);
        Thread t = new Thread(this::run, "tls-record-relay");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(Loopback.IPV4, listener.getLocalPort());
    }

    /** {type, length} of every whole record the client sent so far. */
    List<int[]> clientRecords() {
        return List.copyOf(clientRecords);
    }

    private void run() {
        try {
            Socket in = listener.accept();
            accepted = in;
            Socket out = new Socket(server.getAddress(), server.getPort());
            upstream = out;
            Thread back = new Thread(() -> pump(out, in, false), "tls-record-relay-back");
            back.setDaemon(true);
            back.start();
            pump(in, out, true);
        } catch (IOException closed) {
            // the test closed the relay
        }
    }

    private void pump(Socket from, Socket to, boolean parse) {
        try (InputStream src = from.getInputStream(); OutputStream dst = to.getOutputStream()) {
            if (!parse) {
                src.transferTo(dst);
            } else {
                DataInputStream records = new DataInputStream(src);
                byte[] header = new byte[5];
                while (true) {
                    records.readFully(header);
                    int length = (header[3] & 0xff) << 8 | (header[4] & 0xff);
                    byte[] body = new byte[length];
                    records.readFully(body);
                    clientRecords.add(new int[] {header[0] & 0xff, length});
                    dst.write(header);
                    dst.write(body);
                }
            }
        } catch (EOFException end) {
            // the client's end
        } catch (IOException closed) {
            // either side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : new Socket[] {accepted, upstream}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
