package io.netloop.conformance;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * What two bare JDK {@link SSLEngine}s allocate per 64-byte round trip (four records: wrap and
 * unwrap each way), on one thread, with the buffers netloop's layer uses: heap for plaintext and
 * ciphertext out, a read-only direct buffer for ciphertext in (the transport's read buffer).
 */
final class TlsEngineBaseline {
    private TlsEngineBaseline() {
    }

    static double bytesPerRoundTrip(com.sun.management.ThreadMXBean mx) throws SSLException {
        SSLContext serverCtx = TlsFixtures.jdkContext("server");
        SSLContext clientCtx = TlsFixtures.jdkContext(null);
        SSLEngine client = clientCtx.createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        SSLEngine server = serverCtx.createSSLEngine();
        server.setUseClientMode(false);
        ByteBuffer c2s = ByteBuffer.allocate(64 * 1024);
        ByteBuffer s2c = ByteBuffer.allocate(64 * 1024);
        ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer plain = ByteBuffer.allocate(64 * 1024);
        handshake(client, server, c2s, s2c, wire, plain);

        ByteBuffer message = ByteBuffer.allocate(64);
        for (int i = 0; i < 30_000; i++) {
            roundTrip(client, server, message, c2s, wire, plain);
        }
        int n = 50_000;
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            roundTrip(client, server, message, c2s, wire, plain);
        }
        return (mx.getCurrentThreadAllocatedBytes() - before) / (double) n;
    }

    private static void roundTrip(SSLEngine client, SSLEngine server, ByteBuffer message, ByteBuffer out, ByteBuffer wire,
                                  ByteBuffer plain) throws SSLException {
        transfer(client, server, message, out, wire, plain);
        transfer(server, client, message, out, wire, plain);
    }

    private static void transfer(SSLEngine from, SSLEngine to, ByteBuffer message, ByteBuffer out, ByteBuffer wire,
                                 ByteBuffer plain) throws SSLException {
        message.clear();
        out.clear();
        from.wrap(message, out);
        out.flip();
        wire.clear();
        wire.put(out).flip();
        ByteBuffer in = wire.asReadOnlyBuffer();
        plain.clear();
        to.unwrap(in, plain);
    }

    private static void handshake(SSLEngine client, SSLEngine server, ByteBuffer c2s, ByteBuffer s2c, ByteBuffer wire,
                                  ByteBuffer plain) throws SSLException {
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            step(client, empty, c2s, plain);
            step(server, empty, s2c, plain);
            c2s.flip();
            if (c2s.hasRemaining()) {
                server.unwrap(c2s, plain);
                runTasks(server);
            }
            c2s.compact();
            s2c.flip();
            if (s2c.hasRemaining()) {
                client.unwrap(s2c, plain);
                runTasks(client);
            }
            s2c.compact();
            plain.clear();
            if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && c2s.position() == 0 && s2c.position() == 0) {
                return;
            }
        }
        throw new IllegalStateException("the in-memory handshake did not finish");
    }

    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer plain) throws SSLException {
        runTasks(e);
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = e.wrap(empty, out);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                break;
            }
            runTasks(e);
        }
    }

    private static void runTasks(SSLEngine e) {
        Runnable t;
        while ((t = e.getDelegatedTask()) != null) {
            t.run();
        }
    }
}
