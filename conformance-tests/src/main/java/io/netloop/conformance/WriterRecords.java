package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;

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
}
