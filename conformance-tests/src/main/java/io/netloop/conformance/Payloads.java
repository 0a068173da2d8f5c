package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.Connection;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Test data: random payloads compared byte for byte, and an endless pattern whose every byte is a
 * function of its position in the stream, so a reader can check a stream of any length without
 * keeping what was sent.
 */
public final class Payloads {
    /** The pattern repeats with this period: prime, so it never lines up with chunk or buffer sizes. */
    public static final int PATTERN_PERIOD = 65_521;
    /** Two periods back to back, so any run of up to one period starting anywhere is one array slice. */
    private static final byte[] PATTERN = new byte[2 * PATTERN_PERIOD];

    static {
        SplittableRandom r = new SplittableRandom(0x5EED);
        for (int i = 0; i < PATTERN_PERIOD; i++) {
            PATTERN[i] = (byte) r.nextInt(256);
        }
        System.arraycopy(PATTERN, 0, PATTERN, PATTERN_PERIOD, PATTERN_PERIOD);
    }

    private Payloads() {
    }

    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Fails with the first differing offset (not a 4 MiB dump) when the arrays differ. */
    public static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        int at = Arrays.mismatch(expected, actual);
        if (at >= 0) {
            fail(what + ": " + actual.length + " bytes received, " + expected.length + " expected; first difference at offset " + at);
        }
    }

    /** The pattern's byte at stream position {@code position}. */
    public static byte patternAt(long position) {
        return PATTERN[(int) (position % PATTERN_PERIOD)];
    }

    /**
     * Writes {@code length} pattern bytes (at most one period) that continue a stream at
     * {@code position}. Returns what {@link Connection#write} returned.
     */
    public static boolean writePattern(Connection c, long position, int length) {
        if (length > PATTERN_PERIOD) {
            throw new IllegalArgumentException("at most " + PATTERN_PERIOD + " bytes per call, was " + length);
        }
        return c.write(PATTERN, (int) (position % PATTERN_PERIOD), length);
    }

    /** Offset within {@code b[off, off + len)} of the first byte that breaks the pattern at {@code position}, or -1. */
    public static int patternMismatch(byte[] b, int off, int len, long position) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != patternAt(position + i)) {
                return i;
            }
        }
        return -1;
    }
}
