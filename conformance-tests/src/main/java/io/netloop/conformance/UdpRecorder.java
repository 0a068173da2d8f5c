package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.UdpHandler;
import io.netloop.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link UdpHandler} that records every datagram (a copy), error and close, and checks the
 * callback contract as it goes: callbacks on the socket's loop thread, {@code onOpen} first and
 * once, nothing after {@code onClose}, {@code onClose} once, and the buffer read-only. Breaches are
 * kept for {@link #assertContractHeld()}: an assertion thrown on the loop would only close the socket.
 * With {@link #echoing()} it sends each datagram back to its sender.
 */
public class UdpRecorder implements UdpHandler {

    /** One datagram as it arrived. */
    public record Datagram(byte[] data, InetSocketAddress sender, boolean truncated) {
    }

    private final LinkedBlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
    private final List<IOException> errors = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CompletableFuture<UdpSocket> opened = new CompletableFuture<>();
    private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    private volatile boolean echo;
    private volatile int closeCount;
    private volatile int received;

    /** Sends every datagram back to its sender (not truncated ones' missing part, of course). */
    public UdpRecorder echoing() {
        echo = true;
        return this;
    }

    @Override
    public void onOpen(UdpSocket socket) {
        check(socket, "onOpen");
        if (opened.isDone()) {
            violations.add("onOpen ran twice");
        }
        opened.complete(socket);
    }

    @Override
    public void onDatagram(UdpSocket socket, ByteBuffer data, InetSocketAddress sender, boolean truncated) {
        check(socket, "onDatagram");
        if (!data.isReadOnly()) {
            violations.add("onDatagram got a writable buffer");
        }
        if (echo) {
            if (!socket.send(data.duplicate(), sender)) {
                violations.add("echo send refused (queue full) for " + data.remaining() + " bytes to " + sender);
            }
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        received++;
        datagrams.add(new Datagram(copy, sender, truncated));
    }

    @Override
    public void onError(UdpSocket socket, IOException error) {
        check(socket, "onError");
        errors.add(error);
    }

    @Override
    public void onClose(UdpSocket socket, Throwable cause) {
        check(socket, "onClose");
        closeCount++;
        closed.complete(cause);
    }

    private void check(UdpSocket socket, String callback) {
        if (!socket.loop().inEventLoop()) {
            violations.add(callback + " ran on " + Thread.currentThread().getName() + ", not the socket's loop");
        }
        if (closed.isDone()) {
            violations.add(callback + " after onClose");
        }
        if (!callback.equals("onOpen") && !opened.isDone()) {
            violations.add(callback + " before onOpen");
        }
    }

    /** The next datagram; fails the test when none arrives within {@link Await#LIMIT}. */
    public Datagram next(String what) {
        try {
            Datagram d = datagrams.poll(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (d == null) {
                fail("timed out after " + Await.LIMIT.toSeconds() + " s waiting for " + what + " (" + received
                        + " datagrams received so far, errors " + errors + ")");
            }
            return d;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + what);
        }
    }

    /** The next datagram if one is already here or arrives within {@code millis}; else {@code null}. */
    public Datagram poll(long millis) {
        try {
            return datagrams.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** Datagrams received and not yet taken by {@link #next} or {@link #poll}. */
    public List<Datagram> drain() {
        List<Datagram> out = new ArrayList<>();
        datagrams.drainTo(out);
        return out;
    }

    /** Datagrams received in all. */
    public int received() {
        return received;
    }

    public List<IOException> errors() {
        return errors;
    }

    public int closeCount() {
        return closeCount;
    }

    /** The cause {@code onClose} got; fails when it does not run in time. */
    public Throwable awaitClosed() {
        return Await.get(closed, "onClose");
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Fails with every breach of the callback contract seen so far. */
    public void assertContractHeld() {
        if (!violations.isEmpty()) {
            fail("UdpHandler contract broken: " + violations);
        }
        assertEquals(closed.isDone() ? 1 : 0, closeCount, "onClose count");
    }
}
