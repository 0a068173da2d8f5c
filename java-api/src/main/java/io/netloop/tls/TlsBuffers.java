package io.netloop.tls;

import java.nio.ByteBuffer;

/**
 * The TLS layer's memory. Two kinds, so that steady traffic allocates nothing:
 *
 * <ul>
 *   <li>Per loop thread, made once: the buffer {@code unwrap} decrypts into (handed to
 *       {@code onData} and reused for the next read) and the buffer {@code wrap} encrypts into
 *       (copied into the connection's write queue, then reused). A connection holds neither between
 *       calls, so an idle TLS connection costs no buffer at all.</li>
 *   <li>Pooled, lent to one connection at a time and given back as soon as it is empty: the
 *       partial record a read ended in (at most one record, completed from the next read) and
 *       plaintext queued by writers off the loop or in small pieces (coalesced into full
 *       records). The pool is shared by every loop, capped, and any thread may take from it.</li>
 * </ul>
 *
 * <p>Heap buffers: the JDK's {@code SSLEngine} encrypts and decrypts arrays fastest, and each
 * byte is copied into native memory once anyway, by the write queue.
 */
final class TlsBuffers {
    /** Plaintext per TLS record (2^14): a queued chunk of this size is wrapped into one full record. */
    static final int PLAIN_CHUNK = 16 * 1024;
    /** Smallest class, the first holding a whole record of any TLS version with its header (5 + 2^14 + 2,048). */
    private static final int MIN_CLASS = 16 * 1024;
    private static final int CLASSES = 6; // 16 KiB .. 512 KiB
    /** Bytes the pool keeps per class; beyond it returned buffers are left to the collector. */
    private static final long MAX_POOLED_PER_CLASS = 16L * 1024 * 1024;

    private static final ByteBuffer[][] free = new ByteBuffer[CLASSES][];
    private static final int[] freeCount = new int[CLASSES];

    static {
        for (int c = 0; c < CLASSES; c++) {
            free[c] = new ByteBuffer[(int) Math.max(1, MAX_POOLED_PER_CLASS / classSize(c))];
        }
    }

    private static final ThreadLocal<TlsBuffers> perThread = ThreadLocal.withInitial(TlsBuffers::new);

    /** Decrypted input of the current read; valid while the handler's {@code onData} runs. */
    ByteBuffer plain = ByteBuffer.allocate(64 * 1024);
    /** Its read-only view, the one handlers get. */
    ByteBuffer plainView = plain.asReadOnlyBuffer();
    /** Encrypted output, held only until it is handed to the transport. */
    ByteBuffer cipher = ByteBuffer.allocate(64 * 1024 + 17 * 1024);

    private TlsBuffers() {
    }

    /** The calling loop thread's scratch buffers. */
    static TlsBuffers forThisThread() {
        return perThread.get();
    }

    /** Makes {@link #plain} at least {@code size} bytes, keeping what it holds. */
    void growPlain(int size) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, plain.capacity() * 2));
        plain.flip();
        bigger.put(plain);
        plain = bigger;
        plainView = plain.asReadOnlyBuffer();
    }

    void growCipher(int size) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, cipher.capacity() * 2));
        cipher.flip();
        bigger.put(cipher);
        cipher = bigger;
    }

    // ---- the shared pool ----

    private static int classSize(int c) {
        return MIN_CLASS << c;
    }

    private static int classOf(int size) {
        int c = 0;
        while (c < CLASSES && classSize(c) < size) {
            c++;
        }
        return c;
    }

    /** A cleared buffer of at least {@code size} bytes; any thread. */
    static ByteBuffer take(int size) {
        int c = classOf(size);
        if (c == CLASSES) {
            return ByteBuffer.allocate(size);
        }
        synchronized (free) {
            if (freeCount[c] > 0) {
                ByteBuffer b = free[c][--freeCount[c]];
                free[c][freeCount[c]] = null;
                return b.clear();
            }
        }
        return ByteBuffer.allocate(classSize(c));
    }

    /** Gives back a buffer from {@link #take}; the caller must not touch it afterwards. */
    static void give(ByteBuffer b) {
        int c = classOf(b.capacity());
        if (c == CLASSES || classSize(c) != b.capacity()) {
            return;
        }
        synchronized (free) {
            if (freeCount[c] < free[c].length) {
                free[c][freeCount[c]++] = b;
            }
        }
    }
}
