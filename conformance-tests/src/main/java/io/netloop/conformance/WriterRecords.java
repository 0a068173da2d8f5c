package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.Connection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** Records of the many-writers test: writer id, sequence number, and filler derived from both. */
final class WriterRecords {
    private WriterRecords() {
    }

    static byte[] record(int writer, int seq, int size) {
        byte[] r = new byte[size];
        ByteBuffer.wrap(r).put((byte) writer).putInt(seq);
        for (int i = 5; i < size; i++) {
            r[i] = (byte) (writer * 31 + seq + i);
        }
        return r;
    }

    static void assertInterleavedInOrder(byte[] stream, int writers, int perWriter, int size) {
        int[] next = new int[writers];
        ByteBuffer in = ByteBuffer.wrap(stream);
        for (int off = 0; off < stream.length; off += size) {
            int writer = in.get(off);
            int seq = in.getInt(off + 1);
            if (writer < 0 || writer >= writers) {
                fail("record at offset " + off + " names writer " + writer + ": a write was split or merged");
            }
            if (seq != next[writer]) {
                fail("writer " + writer + ": record " + seq + " at offset " + off + " where " + next[writer] + " was expected");
            }
            for (int i = 5; i < size; i++) {
                if (stream[off + i] != (byte) (writer * 31 + seq + i)) {
                    fail("record " + seq + " of writer " + writer + " at offset " + off + " is corrupt at byte " + i);
                }
            }
            next[writer]++;
        }
        for (int w = 0; w < writers; w++) {
            assertEquals(perWriter, next[w], "records of writer " + w);
        }
    }

    /**
     * Starts {@code writers} threads together, each writing {@code perWriter} records of
     * {@code size} bytes to {@code c}, every other one through a reused direct buffer, and waits
     * for them all. Fails when a write is refused or leaves bytes unconsumed.
     */
    static void writeConcurrently(Connection c, int writers, int perWriter, int size) {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    ByteBuffer direct = ByteBuffer.allocateDirect(size);
                    for (int seq = 0; seq < perWriter; seq++) {
                        byte[] record = record(writer, seq, size);
                        boolean accepted;
                        if (seq % 2 == 0) {
                            accepted = c.write(record);
                        } else {
                            direct.clear().put(record).flip();
                            accepted = c.write(direct);
                            if (accepted && direct.hasRemaining()) {
                                throw new AssertionError("write(ByteBuffer) left " + direct.remaining() + " bytes unconsumed");
                            }
                        }
                        if (!accepted) {
                            throw new AssertionError("write returned false on an open connection");
                        }
                    }
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "writer-" + w);
            t.setDaemon(true);
            t.start();
        }
        start.countDown();
        for (int w = 0; w < writers; w++) {
            Await.get(done.get(w), "writer " + w);
        }
    }
}
