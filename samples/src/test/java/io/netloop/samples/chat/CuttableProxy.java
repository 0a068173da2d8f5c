package io.netloop.samples.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback between chat nodes and Redis, to make what a real network does to them:
 * {@link #cut()} drops every connection and refuses new ones until {@link #heal()}, and
 * {@link #inject} sends bytes that Redis never sent to the nodes. Threads of its own, daemons.
 */
final class CuttableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket[]> pairs = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    private CuttableProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    static CuttableProxy to(int port) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CuttableProxy p = new CuttableProxy(s, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread t = new Thread(p::accept, "proxy-accept");
        t.setDaemon(true);
        t.start();
        return p;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drops every connection now, and each new one at once, until {@link #heal()}. */
    void cut() {
        cut = true;
        for (Socket[] pair : pairs) {
            closeQuietly(pair);
        }
    }

    void heal() {
        cut = false;
    }

    /** Writes {@code bytes} to every client connection, as if Redis had sent them. */
    void inject(byte[] bytes) throws IOException {
        for (Socket[] pair : pairs) {
            OutputStream out = pair[0].getOutputStream();
            synchronized (pair) {
                out.write(bytes);
                out.flush();
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                Socket[] pair = {client, upstream};
                pairs.add(pair);
                pump(pair, client, upstream, false);
                pump(pair, upstream, client, true);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket[] pair, Socket from, Socket to, boolean towardsClient) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (towardsClient) {
                        synchronized (pair) { // whole chunks, never inside an injected write
                            out.write(buf, 0, n);
                        }
                    } else {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // closed: by cut(), close() or either end
            } finally {
                closeQuietly(pair);
                pairs.remove(pair);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket[] pair) {
        for (Socket s : pair) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
