package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A handler that records every callback and checks the callback contract of
 * {@link ConnectionHandler} as it goes: each callback on the connection's loop thread, for one
 * connection, {@code onOpen} first and once, no data after end of input, nothing after
 * {@code onClose}, and {@code onClose} exactly once. Breaches are kept and reported by
 * {@link #assertContractHeld()}, because an assertion thrown on the loop thread would only abort
 * the connection.
 *
 * <p>Subclasses add behaviour by overriding a callback and calling {@code super} first.
 */
public class RecordingHandler implements ConnectionHandler {

    /** Callback kinds in the order they ran; consecutive {@code DATA} are kept as one. */
    public enum Event { OPEN, DATA, INPUT_CLOSED, WRITABLE, UNWRITABLE, IDLE, CLOSE }

    private final boolean keepData;
    private boolean closeOnInputClosed = true;
    private byte[] greeting;

    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Boolean> writabilityChanges = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Connection> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> inputClosed = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Throwable closeCause;
    private volatile Connection connection;
    private volatile int idleCount;

    // Guarded by this.
    private final List<Event> events = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private long received;
    private int callbacks;
    private int closeCount;

    /** Keeps every byte received. */
    public RecordingHandler() {
        this(true);
    }

    /** @param keepData whether to keep the bytes received or only count them */
    public RecordingHandler(boolean keepData) {
        this.keepData = keepData;
    }

    /** Keeps the connection half-open when the peer ends its output, instead of the default close. */
    public RecordingHandler keepingHalfOpen() {
        this.closeOnInputClosed = false;
        return this;
    }

    /** Writes {@code bytes} from {@code onOpen}. */
    public RecordingHandler sendingOnOpen(byte[] bytes) {
        this.greeting = bytes;
        return this;
    }

    // ---- callbacks ----

    @Override
    public void onOpen(Connection c) {
        record(c, Event.OPEN, "onOpen");
        opened.complete(c);
        if (greeting != null && !c.write(greeting)) {
            violation("write in onOpen returned false on an open connection");
        }
    }

    @Override
    public void onData(Connection c, ByteBuffer buffer) {
        record(c, Event.DATA, "onData");
        ByteBuffer view = buffer.duplicate();
        int n = view.remaining();
        if (n == 0) {
            violation("onData with an empty buffer");
        }
        synchronized (this) {
            if (keepData) {
                byte[] copy = new byte[n];
                view.get(copy);
                data.writeBytes(copy);
            }
            received += n;
            notifyAll();
        }
    }

    @Override
    public void onInputClosed(Connection c) {
        record(c, Event.INPUT_CLOSED, "onInputClosed");
        inputClosed.complete(null);
        if (closeOnInputClosed) {
            c.close();
        }
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        record(c, writable ? Event.WRITABLE : Event.UNWRITABLE, "onWritabilityChanged");
        if (!writabilityChanges.isEmpty() && writabilityChanges.get(writabilityChanges.size() - 1) == writable) {
            violation("onWritabilityChanged(" + writable + ") twice in a row");
        }
        writabilityChanges.add(writable);
    }

    @Override
    public void onIdle(Connection c) {
        record(c, Event.IDLE, "onIdle");
        idleCount++;
        c.close();
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        record(c, Event.CLOSE, "onClose");
        closeCause = cause;
        synchronized (this) {
            closeCount++;
            notifyAll();
        }
        closed.complete(null);
    }

    private void record(Connection c, Event e, String name) {
        if (!c.loop().inEventLoop()) {
            violation(name + " ran on " + Thread.currentThread().getName() + ", not on the connection's loop " + c.loop());
        }
        Connection first = connection;
        if (first == null) {
            connection = c;
        } else if (first != c) {
            violation(name + " got a different connection object than earlier callbacks");
        }
        synchronized (this) {
            callbacks++;
            Event last = events.isEmpty() ? null : events.get(events.size() - 1);
            if (last == null && e != Event.OPEN) {
                violation(name + " before onOpen");
            }
            if (e == Event.OPEN && last != null) {
                violation("onOpen after " + events);
            }
            if (events.contains(Event.CLOSE)) {
                violation(name + " after onClose");
            }
            if (e == Event.DATA && events.contains(Event.INPUT_CLOSED)) {
                violation("onData after onInputClosed");
            }
            if (!(e == Event.DATA && last == Event.DATA)) {
                events.add(e);
            }
        }
    }

    /** Records a breach of the contract seen by a subclass. */
    protected void violation(String what) {
        violations.add(what);
    }

    // ---- what the test reads ----

    /** The connection, once {@code onOpen} ran. */
    public Connection awaitOpen() {
        return Await.get(opened, "onOpen");
    }

    public boolean isOpened() {
        return opened.isDone();
    }

    public void awaitInputClosed() {
        Await.get(inputClosed, "onInputClosed");
    }

    public boolean isInputClosed() {
        return inputClosed.isDone();
    }

    /** Waits for {@code onClose} and returns its cause ({@code null} for an orderly close). */
    public Throwable awaitClose() {
        Await.get(closed, "onClose");
        return closeCause;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Completed after {@code onClose}. */
    public CompletableFuture<Void> closedFuture() {
        return closed;
    }

    public Throwable closeCause() {
        return closeCause;
    }

    /** Waits until at least {@code n} bytes arrived; fails early if the connection closes short of that. */
    public synchronized void awaitReceived(long n) {
        long deadline = System.nanoTime() + Await.LIMIT.toNanos();
        while (received < n) {
            if (closeCount > 0) {
                fail("connection closed after " + received + " of " + n + " bytes; cause: " + closeCause);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out after " + Await.LIMIT.toSeconds() + " s with " + received + " of " + n + " bytes received");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Waits for exactly {@code n} bytes and returns them (needs {@code keepData}). */
    public byte[] awaitBytes(int n) {
        awaitReceived(n);
        byte[] b = bytes();
        assertEquals(n, b.length, "bytes received");
        return b;
    }

    public synchronized long received() {
        return received;
    }

    public synchronized byte[] bytes() {
        if (!keepData) {
            throw new IllegalStateException("this handler only counts bytes");
        }
        return data.toByteArray();
    }

    /** How many callbacks of any kind ran. */
    public synchronized int callbackCount() {
        return callbacks;
    }

    public synchronized int closeCount() {
        return closeCount;
    }

    public int idleCount() {
        return idleCount;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public List<Boolean> writabilityChanges() {
        return List.copyOf(writabilityChanges);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Fails if any callback broke the contract of {@link ConnectionHandler}. */
    public void assertContractHeld() {
        if (!violations.isEmpty()) {
            fail("callback contract broken: " + violations + "; events " + events());
        }
    }
}
