package io.netloop.tls;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoop;
import io.netloop.PeerCredentials;
import io.netloop.Timer;
import io.netloop.internal.jfr.Jfr;
import io.netloop.internal.jfr.TlsHandshakeEvent;
import io.netloop.internal.loop.LoopTask;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS connection: an {@link SSLEngine} between the application's handler and a transport
 * connection of any backend. The transport sees only {@link #transportHandler}; the application
 * sees this object as its {@link io.netloop.Connection}.
 *
 * <p>Threading: every field below "loop thread only" belongs to the transport's loop; writers on
 * any thread touch only the plaintext queue, under {@link #lock}. Delegated tasks run on the
 * context's executor, and their end is handed back to the loop.
 *
 * <p>Input: a read is decrypted straight from the transport's buffer into the loop's plaintext
 * buffer; only a record cut by the end of a read is copied (into {@link #stash}, up to the end
 * of that record), and whatever arrives while the engine waits for a delegated task or the
 * application paused reading.
 */
final class TlsEndpoint implements TlsConnection {
    private static final Logger log = LoggerFactory.getLogger(TlsConnection.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** A write on the loop thread at least this large is encrypted from the caller's buffer rather than queued as a copy. */
    private static final int DIRECT_WRAP_MIN = 8 * 1024;
    private static final int RECORD_HEADER = 5;
    private static final int HANDSHAKING = 0, OPEN = 1, CLOSED = 2;

    private final TlsContext context;
    private final boolean client;
    /** Client: the host the session cache keys resumption by and the certificate must name. */
    private final String peerHost;
    private final int peerPort;
    private final ConnectionHandler handler;
    private final CompletableFuture<TlsConnection> handshake = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    final ConnectionHandler transportHandler = new Transport();
    private volatile Connection transport;
    private volatile SSLEngine engine;
    private volatile Object attachment;
    private volatile boolean open = true;
    private volatile String serverName;
    private volatile Throwable taskFailure;

    // ---- loop thread only ----
    private int phase = HANDSHAKING;
    private boolean opened;
    private boolean tls13;
    private int appBufferSize;
    private boolean tasksRunning;
    private boolean userPaused;
    private boolean transportPaused;
    private boolean closing;
    private boolean inputEnded;
    private boolean inboundDone;
    private boolean closeNotifySent;
    private boolean receiving;
    private long handshakeBytes;
    private byte[] firstBytes;
    private Throwable failure;
    /** Ciphertext not yet decrypted, in read mode; borrowed from the pool only while it holds bytes. */
    private ByteBuffer stash;
    private Timer handshakeTimer;
    /** The JFR event of the handshake in progress, while a recording wants one. Loop thread. */
    private TlsHandshakeEvent handshakeEvent;
    private final ByteBuffer[] single = new ByteBuffer[1];

    // ---- plaintext queued by writers; under lock ----
    private final Object lock = new Object();
    /** Pooled chunks, each in read mode: {@code [position, limit)} is queued. */
    private ByteBuffer[] chunks = new ByteBuffer[4];
    private int chunkCount;
    private long pendingBytes;
    private boolean acceptingWrites = true;
    private boolean shutdownRequested;
    private boolean closeRequested;

    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final LoopTask flushTask = new LoopTask() {
        @Override
        public void run() {
            flushQueued.set(false);
            flush();
        }
    };
    private final AtomicBoolean resumeQueued = new AtomicBoolean();
    private final LoopTask resumeTask = new LoopTask() {
        @Override
        public void run() {
            resumeQueued.set(false);
            if (!userPaused) {
                receive(EMPTY);
                syncTransportReading();
            }
        }
    };
    private final LoopTask tasksDone = new LoopTask() {
        @Override
        public void run() {
            afterDelegatedTasks();
        }
    };
    private final Runnable delegatedTasks = this::runDelegatedTasks;

    TlsEndpoint(TlsContext context, boolean client, String peerHost, int peerPort, String serverName, ConnectionHandler handler) {
        this.context = context;
        this.client = client;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.serverName = serverName != null && TlsContext.isHostName(serverName) ? serverName : null;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    // ---- the transport's callbacks ----

    private final class Transport implements ConnectionHandler {
        @Override
        public void onOpen(Connection c) {
            transportOpened(c);
        }

        @Override
        public void onData(Connection c, ByteBuffer data) {
            receive(data);
        }

        @Override
        public void onInputClosed(Connection c) {
            inputEnded = true;
            receive(EMPTY);
        }

        @Override
        public void onWritabilityChanged(Connection c, boolean writable) {
            if (phase == OPEN) {
                try {
                    handler.onWritabilityChanged(TlsEndpoint.this, writable);
                } catch (Throwable t) {
                    abortWith(t);
                }
            }
        }

        @Override
        public void onIdle(Connection c) {
            if (phase != OPEN) {
                return; // the handshake timeout governs a connection still shaking hands
            }
            try {
                handler.onIdle(TlsEndpoint.this);
            } catch (Throwable t) {
                abortWith(t);
            }
        }

        @Override
        public void onShutdown(Connection c) {
            if (phase != OPEN) {
                c.close(); // no session to end yet
                return;
            }
            try {
                handler.onShutdown(TlsEndpoint.this); // by default our close(): queued output, then close_notify
            } catch (Throwable t) {
                abortWith(t);
            }
        }

        @Override
        public void onClose(Connection c, Throwable cause) {
            transportClosed(cause);
        }
    }

    private void transportOpened(Connection c) {
        transport = c;
        if (Jfr.active()) {
            handshakeEvent = TlsHandshakeEvent.beginIfEnabled();
        }
        try {
            SSLEngine e = client ? context.newEngine(peerHost, peerPort, serverName) : context.newEngine(null, -1, null);
            engine = e;
            Duration timeout = context.handshakeTimeout();
            if (timeout.toNanos() > 0) {
                handshakeTimer = c.loop().schedule(this::handshakeTimedOut, timeout);
            }
            e.beginHandshake();
            advance(e.getHandshakeStatus());
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    /** Client: the TCP connect failed; nothing was opened. */
    void connectFailed(Throwable cause) {
        handshake.completeExceptionally(cause);
        closeFuture.complete(null);
        open = false;
    }

    // ---- input ----

    private void receive(ByteBuffer src) {
        if (phase == CLOSED || engine == null) {
            return;
        }
        receiving = true;
        try {
            if (phase == HANDSHAKING) {
                noteHandshakeBytes(src);
            }
            process(src);
        } catch (SSLException e) {
            fail(describe(e));
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            receiving = false;
            if (phase == CLOSED) {
                releaseStash();
            }
        }
    }

    private void process(ByteBuffer src) throws SSLException {
        while (!inputStopped()) {
            if (blocked()) {
                stashAll(src);
                syncTransportReading();
                return;
            }
            if (stash != null) {
                int before = stash.remaining() + src.remaining();
                topUpStash(src);
                unwrapAll(stash);
                if (stash != null && !stash.hasRemaining()) {
                    releaseStash();
                } else if (stash != null && stash.remaining() + src.remaining() == before) {
                    break; // only part of a record, and no more input to complete it
                }
                continue;
            }
            if (!src.hasRemaining()) {
                break;
            }
            unwrapAll(src);
            stashAll(src); // part of a record, or input that must wait
        }
        if (inboundDone) {
            src.position(src.limit()); // nothing counts after close_notify
            releaseStash();
        }
        if (inputEnded && !stopped() && !blocked()) {
            endOfInput();
        }
    }

    /** Input is dropped: the connection failed or is closing, or the peer's close_notify came. */
    private boolean inputStopped() {
        return stopped() || inboundDone;
    }

    private boolean stopped() {
        return phase == CLOSED || failure != null || closing;
    }

    private boolean blocked() {
        return tasksRunning || (phase == OPEN && userPaused);
    }

    /** Decrypts whole records from {@code in} until it holds only part of one, or input must stop. */
    private void unwrapAll(ByteBuffer in) throws SSLException {
        TlsBuffers b = TlsBuffers.forThisThread();
        while (in.hasRemaining() && !inputStopped() && !blocked()) {
            SSLEngineResult r = engine.unwrap(in, b.plain);
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    deliver(b);
                    return;
                }
                case BUFFER_OVERFLOW -> {
                    if (b.plain.position() > 0) {
                        deliver(b);
                    } else {
                        b.growPlain(engine.getSession().getApplicationBufferSize());
                    }
                    continue;
                }
                case CLOSED -> {
                    deliver(b);
                    inboundDone = true;
                    peerSentCloseNotify(r.getHandshakeStatus());
                    return;
                }
                case OK -> {
                }
            }
            HandshakeStatus hs = r.getHandshakeStatus();
            if (phase == OPEN && !tls13 && hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED) {
                fail(new SSLHandshakeException("TLS renegotiation refused: the peer began a new handshake on an established "
                        + engine.getSession().getProtocol() + " connection"));
                return;
            }
            if (hs != HandshakeStatus.NOT_HANDSHAKING || b.plain.remaining() < appBufferSize) {
                deliver(b);
            }
            if (hs != HandshakeStatus.NOT_HANDSHAKING) {
                advance(hs);
            } else if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                return; // nothing to do without more input
            }
        }
        deliver(b);
    }

    /** Hands the plaintext decrypted so far to the application, as one {@code onData}. */
    private void deliver(TlsBuffers b) throws SSLException {
        ByteBuffer plain = b.plain;
        if (plain.position() == 0) {
            return;
        }
        int n = plain.position();
        plain.clear();
        if (!opened || phase != OPEN) {
            throw new SSLProtocolException("application data before the TLS handshake finished");
        }
        if (failure != null) {
            return;
        }
        ByteBuffer view = b.plainView;
        view.limit(n).position(0);
        try {
            handler.onData(this, view);
        } catch (Throwable t) {
            abortWith(t);
        }
    }

    /** The peer's {@code close_notify}: its output has ended. */
    private void peerSentCloseNotify(HandshakeStatus hs) throws SSLException {
        if (hs == HandshakeStatus.NEED_WRAP) {
            wrapHandshake(); // TLS 1.2 answers with a close_notify of its own and ends both directions
        }
        if (phase == HANDSHAKING) {
            fail(new SSLHandshakeException("the peer closed the TLS session (close_notify) during the handshake"));
            return;
        }
        if (engine.isOutboundDone()) {
            closeNotifySent = true;
            synchronized (lock) {
                acceptingWrites = false;
                dropPending();
            }
        }
        try {
            handler.onInputClosed(this);
        } catch (Throwable t) {
            abortWith(t);
        }
    }

    /** TCP's end of input, once everything before it was decrypted. */
    private void endOfInput() {
        inputEnded = false;
        if (inboundDone) {
            return; // after close_notify: the clean end of a TLS stream
        }
        if (phase == HANDSHAKING) {
            fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"
                    + (handshakeBytes == 0 ? ", before sending anything" : " after " + handshakeBytes + " bytes")), true);
            return;
        }
        SSLException detail = null;
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            detail = e;
        }
        fail(new TlsTruncationException("the peer ended the TCP stream without close_notify: the data may be truncated", detail));
    }

    // ---- the handshake ----

    /**
     * Drives the handshake from {@code hs} as far as it goes without more input. Also while the
     * connection is closing: a post-handshake step (a TLS 1.3 session ticket's task, a key update)
     * must finish before the queued output and close_notify can be wrapped.
     */
    private void advance(HandshakeStatus hs) throws SSLException {
        try {
            while (phase != CLOSED && failure == null) {
                switch (hs) {
                    case NEED_TASK -> {
                        startDelegatedTasks();
                        return;
                    }
                    case NEED_WRAP -> hs = wrapHandshake();
                    case FINISHED -> {
                        handshakeFinished();
                        return;
                    }
                    default -> {
                        return; // NEED_UNWRAP: wait for input; NOT_HANDSHAKING: nothing to do
                    }
                }
            }
        } finally {
            if (phase == OPEN) {
                // A wrap of queued output that stopped for this step resumes after it.
                scheduleFlush();
            }
        }
    }

    /** Wraps what the engine has to send on its own (handshake messages, alerts, close_notify) and sends it. */
    private HandshakeStatus wrapHandshake() throws SSLException {
        TlsBuffers b = TlsBuffers.forThisThread();
        b.cipher.clear();
        HandshakeStatus hs;
        while (true) {
            SSLEngineResult r = engine.wrap(EMPTY, b.cipher);
            hs = r.getHandshakeStatus();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (b.cipher.position() == 0) {
                    b.growCipher(engine.getSession().getPacketBufferSize());
                } else {
                    send(b.cipher);
                }
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                hs = hs == HandshakeStatus.NEED_WRAP ? HandshakeStatus.NOT_HANDSHAKING : hs;
                break;
            }
            if (hs != HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
        send(b.cipher);
        return hs;
    }

    private void handshakeFinished() {
        if (phase != HANDSHAKING) {
            return; // a TLS 1.3 post-handshake exchange (key update) ended
        }
        phase = OPEN;
        cancelHandshakeTimer();
        firstBytes = null;
        SSLSession session = engine.getSession();
        tls13 = "TLSv1.3".equals(session.getProtocol());
        appBufferSize = session.getApplicationBufferSize();
        if (!client) {
            serverName = SniKeyManager.requestedHostName(session);
        }
        handshakeEnded(session, null);
        opened = true;
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            abortWith(t);
            handshake.completeExceptionally(t);
            return;
        }
        handshake.complete(this);
        syncTransportReading();
        flush();
    }

    /** Records the handshake's JFR event, if one is being timed: finished with {@code session}, or failed with {@code failure}. */
    private void handshakeEnded(SSLSession session, Throwable failure) {
        if (handshakeEvent != null) {
            handshakeEvent.finish(client, remote(), serverName, session, failure);
            handshakeEvent = null;
        }
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (phase == HANDSHAKING && failure == null) {
            fail(new TlsHandshakeTimeoutException("TLS handshake not finished within " + context.handshakeTimeout().toMillis()
                    + " ms" + (handshakeBytes == 0 ? ": the peer sent nothing" : ": the peer sent " + handshakeBytes + " bytes")));
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    private void startDelegatedTasks() {
        tasksRunning = true;
        syncTransportReading();
        try {
            context.delegatedTasks().execute(delegatedTasks);
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            fail(new SSLException("the TLS delegated-task executor refused a task", e));
        }
    }

    /** On the executor: runs every task the engine has, then hands the connection back to its loop. */
    private void runDelegatedTasks() {
        try {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        } catch (Throwable t) {
            taskFailure = t;
        }
        try {
            transport.loop().execute(tasksDone);
        } catch (RejectedExecutionException loopEnded) {
            // The loop closed its connections, this one with them.
        }
    }

    private void afterDelegatedTasks() {
        tasksRunning = false;
        if (phase == CLOSED || failure != null) {
            return;
        }
        Throwable t = taskFailure;
        if (t != null) {
            fail(t instanceof SSLException ssl ? ssl : new SSLException("a TLS delegated task failed: " + t, t));
            return;
        }
        try {
            advance(engine.getHandshakeStatus());
        } catch (SSLException | RuntimeException e) {
            fail(e);
            return;
        }
        receive(EMPTY);
        syncTransportReading();
        flush();
    }

    // ---- output ----

    @Override
    public boolean write(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.remaining() >= DIRECT_WRAP_MIN && inLoop()) {
            return writeOnLoop(data);
        }
        synchronized (lock) {
            if (!acceptingWrites) {
                return false;
            }
            queueCopy(data);
        }
        scheduleFlush();
        return true;
    }

    @Override
    public boolean write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length >= DIRECT_WRAP_MIN && inLoop()) {
            return writeOnLoop(ByteBuffer.wrap(bytes, offset, length));
        }
        synchronized (lock) {
            if (!acceptingWrites) {
                return false;
            }
            while (length > 0) {
                ByteBuffer tail = writableTail();
                int n = Math.min(length, tail.capacity() - tail.limit());
                int pos = tail.position();
                int end = tail.limit();
                tail.limit(end + n).position(end);
                tail.put(bytes, offset, n);
                tail.position(pos);
                offset += n;
                length -= n;
                pendingBytes += n;
            }
        }
        scheduleFlush();
        return true;
    }

    /** A large write on the loop thread: encrypted at once from the caller's buffer when nothing is queued before it. */
    private boolean writeOnLoop(ByteBuffer data) {
        HandshakeStatus after = HandshakeStatus.NOT_HANDSHAKING;
        boolean queued = false;
        synchronized (lock) {
            if (!acceptingWrites) {
                return false;
            }
            if (pendingBytes > 0 || phase != OPEN || tasksRunning || failure != null || engine.isOutboundDone()) {
                queueCopy(data);
                queued = true;
            } else {
                single[0] = data;
                try {
                    after = wrapFrom(single, 1, data.remaining());
                } catch (SSLException e) {
                    failSoon(e);
                } finally {
                    single[0] = null;
                }
                if (data.hasRemaining()) {
                    queueCopy(data); // the wrap stopped for a handshake step: the rest follows it
                    queued = true;
                }
            }
        }
        if (queued) {
            scheduleFlush();
        }
        if (after != HandshakeStatus.NOT_HANDSHAKING) {
            advanceOrFail(after);
        }
        return true;
    }

    private void queueCopy(ByteBuffer data) {
        while (data.hasRemaining()) {
            ByteBuffer tail = writableTail();
            int n = Math.min(data.remaining(), tail.capacity() - tail.limit());
            int pos = tail.position();
            int end = tail.limit();
            int dataLimit = data.limit();
            data.limit(data.position() + n);
            tail.limit(end + n).position(end);
            tail.put(data);
            tail.position(pos);
            data.limit(dataLimit);
            pendingBytes += n;
        }
    }

    /** Under lock: the last chunk if it has room, else a new one from the pool. */
    private ByteBuffer writableTail() {
        if (chunkCount > 0) {
            ByteBuffer tail = chunks[chunkCount - 1];
            if (tail.limit() < tail.capacity()) {
                return tail;
            }
        }
        if (chunkCount == chunks.length) {
            chunks = java.util.Arrays.copyOf(chunks, chunks.length * 2);
        }
        ByteBuffer c = TlsBuffers.take(TlsBuffers.PLAIN_CHUNK);
        c.limit(0);
        chunks[chunkCount++] = c;
        return c;
    }

    /** Under lock: gives the queue's chunks back to the pool. */
    private void dropPending() {
        for (int i = 0; i < chunkCount; i++) {
            TlsBuffers.give(chunks[i]);
            chunks[i] = null;
        }
        chunkCount = 0;
        pendingBytes = 0;
    }

    /**
     * Under lock: encrypts {@code bytes} from {@code srcs[0, count)} into records, handing them to
     * the transport in batches. Returns the handshake status the last wrap left.
     */
    private HandshakeStatus wrapFrom(ByteBuffer[] srcs, int count, long bytes) throws SSLException {
        TlsBuffers b = TlsBuffers.forThisThread();
        ByteBuffer dst = b.cipher;
        dst.clear();
        int packet = engine.getSession().getPacketBufferSize();
        HandshakeStatus hs = HandshakeStatus.NOT_HANDSHAKING;
        long left = bytes;
        while (left > 0) {
            SSLEngineResult r = engine.wrap(srcs, 0, count, dst);
            left -= r.bytesConsumed();
            hs = r.getHandshakeStatus();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (dst.position() == 0) {
                    b.growCipher(packet);
                    dst = b.cipher;
                } else {
                    send(dst);
                }
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
            if (dst.remaining() < packet) {
                send(dst);
            }
            if (hs != HandshakeStatus.NOT_HANDSHAKING) {
                break;
            }
        }
        send(dst);
        return hs;
    }

    /** Encrypts the queued plaintext and, once it is all out, a requested close_notify. Loop thread. */
    private void flush() {
        if (phase != OPEN || failure != null || tasksRunning || engine == null) {
            if (phase == HANDSHAKING && closing) {
                transport.close(); // closed before the handshake finished: no session to end
            }
            return;
        }
        HandshakeStatus after = HandshakeStatus.NOT_HANDSHAKING;
        boolean finish;
        synchronized (lock) {
            if (pendingBytes > 0) {
                if (engine.isOutboundDone()) {
                    dropPending();
                } else {
                    try {
                        after = wrapFrom(chunks, chunkCount, pendingBytes);
                    } catch (SSLException e) {
                        failSoon(e);
                        return;
                    } finally {
                        releaseConsumedChunks();
                    }
                }
            }
            finish = pendingBytes == 0 && (shutdownRequested || closeRequested);
        }
        if (after != HandshakeStatus.NOT_HANDSHAKING) {
            advanceOrFail(after);
        }
        if (finish) {
            finishOutput();
        }
    }

    /** Under lock: drops the chunks a wrap emptied, keeping the rest in order. */
    private void releaseConsumedChunks() {
        int empty = 0;
        long left = 0;
        while (empty < chunkCount && !chunks[empty].hasRemaining()) {
            TlsBuffers.give(chunks[empty]);
            empty++;
        }
        if (empty > 0) {
            System.arraycopy(chunks, empty, chunks, 0, chunkCount - empty);
            for (int i = chunkCount - empty; i < chunkCount; i++) {
                chunks[i] = null;
            }
            chunkCount -= empty;
        }
        for (int i = 0; i < chunkCount; i++) {
            left += chunks[i].remaining();
        }
        pendingBytes = left;
    }

    /** Everything queued is out: sends close_notify, then half-closes or closes TCP. */
    private void finishOutput() {
        if (!closeNotifySent) {
            closeNotifySent = true;
            try {
                engine.closeOutbound();
                wrapHandshake();
            } catch (SSLException e) {
                fail(e);
                return;
            }
        }
        boolean close;
        synchronized (lock) {
            close = closeRequested;
        }
        if (close) {
            transport.close();
        } else {
            transport.shutdownOutput();
        }
    }

    private void send(ByteBuffer cipher) {
        cipher.flip();
        if (cipher.hasRemaining()) {
            transport.write(cipher); // false once the transport stops accepting output: it is closing, and says why
        }
        cipher.clear();
    }

    private void scheduleFlush() {
        Connection t = transport;
        if (t != null && flushQueued.compareAndSet(false, true)) {
            try {
                t.loop().execute(flushTask);
            } catch (RejectedExecutionException loopEnded) {
                // The loop closed every connection, this one too.
            }
        }
    }

    private boolean inLoop() {
        Connection t = transport;
        return t != null && t.loop().inEventLoop();
    }

    @Override
    public boolean isWritable() {
        Connection t = transport;
        return t != null && t.isWritable();
    }

    @Override
    public long pendingWriteBytes() {
        long plain;
        synchronized (lock) {
            plain = pendingBytes;
        }
        Connection t = transport;
        return plain + (t == null ? 0 : t.pendingWriteBytes());
    }

    // ---- closing ----

    @Override
    public void shutdownOutput() {
        synchronized (lock) {
            if (!acceptingWrites) {
                return;
            }
            acceptingWrites = false;
            shutdownRequested = true;
        }
        onLoop(this::flush);
    }

    @Override
    public CompletableFuture<Void> close() {
        synchronized (lock) {
            acceptingWrites = false;
            closeRequested = true;
        }
        open = false;
        onLoop(() -> {
            closing = true;
            flush();
        });
        return closeFuture;
    }

    @Override
    public void abort() {
        synchronized (lock) {
            acceptingWrites = false;
        }
        open = false;
        onLoop(() -> {
            Connection t = transport;
            if (t != null) {
                t.abort();
            }
        });
    }

    /** A callback threw: the connection is aborted and {@code onClose} gets the exception, as for plain connections. */
    private void abortWith(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        open = false;
        synchronized (lock) {
            acceptingWrites = false;
        }
        transport.abort();
    }

    /**
     * Ends this connection for {@code cause}: sends the alert the engine has (or close_notify),
     * closes the transport after it, and hands {@code cause} to {@code onClose} (server, or once
     * open) or to the connect future (client). Logged once here.
     */
    private void fail(Throwable cause) {
        fail(cause, false);
    }

    /** @param earlyClose the peer closed TCP during the handshake: routine, logged at DEBUG */
    private void fail(Throwable cause, boolean earlyClose) {
        if (failure != null || phase == CLOSED) {
            return;
        }
        failure = cause;
        open = false;
        cancelHandshakeTimer();
        handshakeEnded(null, cause);
        // Once per connection. Certificate, protocol and SNI failures are the operator's business
        // (INFO); timeouts, truncations and peers that left mid-handshake are what scanners and
        // clients that skip close_notify do all day (DEBUG).
        boolean routine = cause instanceof TlsHandshakeTimeoutException || cause instanceof TlsTruncationException || earlyClose;
        if (routine ? log.isDebugEnabled() : log.isInfoEnabled()) {
            String what = phase == HANDSHAKING ? "failed its handshake" : "failed";
            // The JDK wraps some alerts in a message-less "Unexpected exception": the cause says which.
            String why = cause.getCause() != null && cause.getCause() != cause ? cause + " (" + cause.getCause() + ")" : cause.toString();
            if (routine) {
                log.debug("TLS {} {} {}: {}", client ? "connection to" : "connection from", remote(), what, why);
            } else {
                log.info("TLS {} {} {}: {}", client ? "connection to" : "connection from", remote(), what, why);
            }
        }
        synchronized (lock) {
            acceptingWrites = false;
            dropPending();
        }
        SSLEngine e = engine;
        if (e != null && !e.isOutboundDone()) {
            try {
                e.closeOutbound();
                wrapHandshake(); // the fatal alert the engine prepared, or close_notify
            } catch (SSLException | RuntimeException ignored) {
                // Nothing more can be sent; the transport closes anyway.
            }
        }
        if (!receiving) {
            releaseStash();
        }
        Connection t = transport;
        if (t != null) {
            t.close();
        }
    }

    /** Under lock, where {@link #fail} cannot run (it takes the lock): fails on the loop right after. */
    private void failSoon(SSLException e) {
        transport.loop().execute(() -> fail(e));
    }

    private void advanceOrFail(HandshakeStatus hs) {
        try {
            advance(hs);
        } catch (SSLException | RuntimeException e) {
            fail(e);
        }
    }

    private void transportClosed(Throwable cause) {
        if (phase == CLOSED) {
            return;
        }
        boolean wasOpen = opened;
        phase = CLOSED;
        open = false;
        cancelHandshakeTimer();
        Throwable why = failure != null ? failure : cause;
        if (why == null && !wasOpen) {
            why = new SSLHandshakeException("the connection closed before the TLS handshake finished");
        }
        handshakeEnded(null, why); // the transport closed (or was aborted) mid-handshake without a failure
        synchronized (lock) {
            acceptingWrites = false;
            dropPending();
        }
        if (!receiving) {
            releaseStash();
        }
        if (wasOpen || !client) {
            try {
                handler.onClose(this, why);
            } catch (Throwable t) {
                log.warn("onClose of {} threw", this, t);
            }
        }
        if (!handshake.isDone()) {
            handshake.completeExceptionally(why);
        }
        closeFuture.complete(null);
    }

    // ---- reading control ----

    @Override
    public void pauseReading() {
        if (inLoop()) {
            pauseNow(); // no lambda: handlers pause and resume on the hot path under backpressure
        } else {
            onLoop(this::pauseNow);
        }
    }

    @Override
    public void resumeReading() {
        if (inLoop()) {
            resumeNow();
        } else {
            onLoop(this::resumeNow);
        }
    }

    private void pauseNow() {
        userPaused = true;
        syncTransportReading();
    }

    private void resumeNow() {
        userPaused = false;
        // Decrypting the stash now could reuse the loop's plaintext buffer while another
        // connection's onData (the caller, perhaps) still reads it: it runs as a task.
        if (resumeQueued.compareAndSet(false, true)) {
            transport.loop().execute(resumeTask);
        }
    }

    /** Pauses the transport while input must wait (delegated tasks, or the application paused), resumes it after. */
    private void syncTransportReading() {
        Connection t = transport;
        if (t == null || phase == CLOSED) {
            return;
        }
        boolean pause = tasksRunning || (phase == OPEN && userPaused);
        if (pause != transportPaused) {
            transportPaused = pause;
            if (pause) {
                t.pauseReading();
            } else {
                t.resumeReading();
            }
        }
    }

    // ---- the stash of ciphertext not yet decrypted ----

    private void stashAll(ByteBuffer src) {
        if (src.hasRemaining()) {
            copyToStash(src, src.remaining());
        }
    }

    /** Copies from {@code src} just what completes the stash's first record (its header, then its body). */
    private void topUpStash(ByteBuffer src) {
        while (src.hasRemaining()) {
            int have = stash.remaining();
            int need;
            if (have < RECORD_HEADER) {
                need = RECORD_HEADER - have;
            } else {
                int p = stash.position();
                need = RECORD_HEADER + ((stash.get(p + 3) & 0xff) << 8 | (stash.get(p + 4) & 0xff)) - have;
            }
            if (need <= 0) {
                return;
            }
            copyToStash(src, Math.min(need, src.remaining()));
        }
    }

    private void copyToStash(ByteBuffer src, int n) {
        if (stash == null) {
            stash = TlsBuffers.take(n).flip();
        } else if (stash.capacity() - stash.remaining() < n) {
            ByteBuffer bigger = TlsBuffers.take(stash.remaining() + n);
            bigger.put(stash).flip();
            TlsBuffers.give(stash);
            stash = bigger;
        }
        stash.compact();
        int limit = src.limit();
        src.limit(src.position() + n);
        stash.put(src);
        src.limit(limit);
        stash.flip();
    }

    private void releaseStash() {
        if (stash != null) {
            TlsBuffers.give(stash);
            stash = null;
        }
    }

    // ---- errors ----

    /** Keeps the first bytes a server receives, to say what a client that does not speak TLS sent instead. */
    private void noteHandshakeBytes(ByteBuffer src) {
        if (handshakeBytes == 0 && src.hasRemaining() && !client) {
            firstBytes = new byte[Math.min(16, src.remaining())];
            src.get(src.position(), firstBytes);
        }
        handshakeBytes += src.remaining();
    }

    private SSLException describe(SSLException e) {
        byte[] first = firstBytes;
        if (phase == HANDSHAKING && first != null && first.length > 0 && first[0] != 0x16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (byte x : first) {
                hex.append(String.format("%02x ", x & 0xff));
                text.append(x >= 0x20 && x < 0x7f ? (char) x : '.');
            }
            SSLHandshakeException d = new SSLHandshakeException("the peer does not speak TLS: its first bytes were \""
                    + text + "\" (" + hex.toString().trim() + "), not a TLS handshake record (0x16)");
            d.initCause(e);
            return d;
        }
        return e;
    }

    // ---- Connection ----

    private void onLoop(Runnable action) {
        Connection t = transport;
        if (t == null) {
            return;
        }
        EventLoop loop = t.loop();
        if (loop.inEventLoop()) {
            action.run();
        } else {
            try {
                loop.execute(action);
            } catch (RejectedExecutionException loopEnded) {
                // The loop closed every connection, this one too.
            }
        }
    }

    private String remote() {
        Connection t = transport;
        SocketAddress r = t == null ? null : t.remoteAddress();
        return r == null ? (peerHost + ":" + peerPort) : r.toString();
    }

    @Override
    public SSLSession session() {
        SSLEngine e = engine;
        return e == null ? null : e.getSession();
    }

    @Override
    public String applicationProtocol() {
        SSLEngine e = engine;
        String p = e == null ? null : e.getApplicationProtocol();
        return p == null ? "" : p;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    @Override
    public Connection transport() {
        return transport;
    }

    @Override
    public CompletableFuture<TlsConnection> handshakeFuture() {
        return handshake;
    }

    @Override
    public EventLoop loop() {
        return transport.loop();
    }

    @Override
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public Optional<PeerCredentials> peerCredentials() {
        return transport.peerCredentials();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    @Override
    public String toString() {
        Connection t = transport;
        return "TlsConnection[" + (t == null ? "unconnected" : t.localAddress() + " -> " + t.remoteAddress()) + "]";
    }
}
