package io.netloop.conformance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;

/**
 * A plain JDK blocking {@link Socket}: a peer that shares no code with netloop. Reads time out
 * after {@link Await#LIMIT}, so a peer waiting for data that never comes fails the test instead of
 * hanging it.
 */
public final class BlockingPeer implements AutoCloseable {
    private final Socket socket;

    private BlockingPeer(Socket socket) {
        this.socket = socket;
    }

    public static BlockingPeer connect(SocketAddress remote) throws IOException {
        return connect(remote, 0);
    }

    /** Connects with {@code SO_RCVBUF} set first (0 keeps the default), so the window is small from the handshake on. */
    public static BlockingPeer connect(SocketAddress remote, int receiveBufferSize) throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBufferSize > 0) {
                s.setReceiveBufferSize(receiveBufferSize);
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Await.LIMIT.toMillis());
            s.connect(remote, (int) Await.LIMIT.toMillis());
            return new BlockingPeer(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public Socket socket() {
        return socket;
    }

    public void write(byte[] data) throws IOException {
        socket.getOutputStream().write(data);
        socket.getOutputStream().flush();
    }

    /** Writes on a new daemon thread, so the caller can read the echo meanwhile without a deadlock. */
    public CompletableFuture<Void> writeInBackground(byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                write(data);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "blocking-peer-writer");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Exactly {@code n} bytes; fails with {@link EOFException} if the stream ends first. */
    public byte[] readExactly(int n) throws IOException {
        byte[] b = socket.getInputStream().readNBytes(n);
        if (b.length < n) {
            throw new EOFException("end of input after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** One byte, or -1 at end of input. */
    public int read() throws IOException {
        return socket.getInputStream().read();
    }

    /**
     * Reads until end of input, checking each byte against {@link Payloads}' pattern from offset 0,
     * without keeping the stream (it may be larger than the heap should hold).
     *
     * @return the bytes read
     * @throws AssertionError at the first byte off the pattern, naming its offset
     */
    public long readPatternToEnd() throws IOException {
        byte[] buf = new byte[64 * 1024];
        long position = 0;
        InputStream in = socket.getInputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
            int bad = Payloads.patternMismatch(buf, 0, n, position);
            if (bad >= 0) {
                throw new AssertionError("stream corrupt at offset " + (position + bad));
            }
            position += n;
        }
        return position;
    }

    /** Reads until end of input or a reset, keeping what arrived. */
    public ReadResult readToEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return new ReadResult(out.toByteArray(), null);
        } catch (SocketException e) {
            return new ReadResult(out.toByteArray(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with {@code SO_LINGER} 0: the other side gets a reset, not end of input. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * What {@link #readToEnd()} saw: the bytes, and the exception (a reset) that ended the stream,
     * or {@code null} for a clean end of input.
     */
    public record ReadResult(byte[] data, SocketException error) {
        public boolean cleanEnd() {
            return error == null;
        }
    }
}
