package io.netloop.samples.chat.redis;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.samples.chat.redis.RespValue.ArrayReply;
import io.netloop.samples.chat.redis.RespValue.BulkString;
import io.netloop.samples.chat.redis.RespValue.ErrorString;
import io.netloop.samples.chat.redis.RespValue.IntegerReply;
import io.netloop.samples.chat.redis.RespValue.SimpleString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The incremental reader: every reply type, the same replies however the bytes are cut, and
 * hostile input refused with a clear message within bounded memory and time.
 */
class RespReaderTest {

    /** Every reply type, nulls, empties, binary bulk strings holding CRLF, and nested arrays. */
    private static final byte[] REPLIES = bytes(
            "+OK\r\n"
            + "-ERR unknown command 'FOO'\r\n"
            + ":0\r\n"
            + ":-9223372036854775808\r\n"
            + ":9223372036854775807\r\n"
            + "$5\r\nhello\r\n"
            + "$0\r\n\r\n"
            + "$-1\r\n"
            + "*-1\r\n"
            + "*0\r\n"
            + "$8\r\na\r\nb\r\n\u0000\u00ff\r\n"
            + "*3\r\n:1\r\n*2\r\n$3\r\nfoo\r\n*1\r\n$-1\r\n+x\r\n"
            + "+\r\n"
            + "*2\r\n*0\r\n*1\r\n*1\r\n-WRONGTYPE nested\r\n");

    private static final List<RespValue> EXPECTED = List.of(
            new SimpleString("OK"),
            new ErrorString("ERR unknown command 'FOO'"),
            new IntegerReply(0),
            new IntegerReply(Long.MIN_VALUE),
            new IntegerReply(Long.MAX_VALUE),
            bulk("hello"),
            bulk(""),
            RespValue.NULL_BULK,
            RespValue.NULL_ARRAY,
            new ArrayReply(List.of()),
            new BulkString(bytes("a\r\nb\r\n\u0000\u00ff")),
            new ArrayReply(List.of(new IntegerReply(1),
                    new ArrayReply(List.of(bulk("foo"), new ArrayReply(List.of(RespValue.NULL_BULK)))),
                    new SimpleString("x"))),
            new SimpleString(""),
            new ArrayReply(List.of(new ArrayReply(List.of()),
                    new ArrayReply(List.of(new ArrayReply(List.of(new ErrorString("WRONGTYPE nested"))))))));

    @Test
    void parsesEveryReplyTypeFedAtOnce() throws Exception {
        RespReader reader = new RespReader();
        assertEquals(EXPECTED, feedInChunks(reader, REPLIES, new int[] {REPLIES.length}));
        assertTrue(reader.isBetweenReplies());
    }

    @Test
    void parsesTheSameRepliesSplitAtEveryPoint() throws Exception {
        for (int split = 0; split <= REPLIES.length; split++) {
            RespReader reader = new RespReader();
            List<RespValue> got = feedInChunks(reader, REPLIES, new int[] {split, REPLIES.length - split});
            assertEquals(EXPECTED, got, "split at byte " + split);
            assertTrue(reader.isBetweenReplies(), "split at byte " + split);
        }
    }

    @Test
    void parsesTheSameRepliesSplitAtEveryPairOfPoints() throws Exception {
        for (int a = 0; a <= REPLIES.length; a++) {
            for (int b = a; b <= REPLIES.length; b++) {
                List<RespValue> got = feedInChunks(new RespReader(), REPLIES, new int[] {a, b - a, REPLIES.length - b});
                assertEquals(EXPECTED, got, "split at bytes " + a + " and " + b);
            }
        }
    }

    @Test
    void parsesTheSameRepliesFedByteByByte() throws Exception {
        int[] ones = new int[REPLIES.length];
        Arrays.fill(ones, 1);
        RespReader reader = new RespReader();
        assertEquals(EXPECTED, feedInChunks(reader, REPLIES, ones));
        assertTrue(reader.isBetweenReplies());
    }

    @Test
    void parsesTheSameRepliesInRandomChunksFromADeterministicSeed() throws Exception {
        Random random = new Random(20240615L);
        // The replies repeated, so chunks cross reply boundaries at many places.
        byte[] many = new byte[REPLIES.length * 20];
        List<RespValue> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            System.arraycopy(REPLIES, 0, many, i * REPLIES.length, REPLIES.length);
            expected.addAll(EXPECTED);
        }
        for (int round = 0; round < 500; round++) {
            List<Integer> sizes = new ArrayList<>();
            for (int left = many.length; left > 0; ) {
                int n = Math.min(left, 1 + random.nextInt(round % 2 == 0 ? 8 : 64));
                sizes.add(n);
                left -= n;
            }
            int[] chunks = sizes.stream().mapToInt(Integer::intValue).toArray();
            assertEquals(expected, feedInChunks(new RespReader(), many, chunks), "round " + round + ", chunks " + sizes);
        }
    }

    @Test
    void aLargeBulkStringArrivesInManyReads() throws Exception {
        byte[] value = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(value);
        byte[] wire = concat(bytes("$" + value.length + "\r\n"), value, bytes("\r\n:1\r\n"));
        int[] chunks = new int[wire.length / 1000 + 1];
        Arrays.fill(chunks, 1000);
        chunks[chunks.length - 1] = wire.length % 1000;
        assertEquals(List.of(new BulkString(value), new IntegerReply(1)), feedInChunks(new RespReader(), wire, chunks));
    }

    @Test
    void aHeaderAnnouncingHugeDataAllocatesOnlyWhatArrived() throws Exception {
        // Eager allocation would need 64 x 512 MiB here and end in an OutOfMemoryError.
        List<RespReader> readers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            RespReader bulkReader = new RespReader();
            assertEquals(List.of(), feedInChunks(bulkReader, bytes("$" + (512 * 1024 * 1024) + "\r\nabc"), new int[] {15}));
            assertFalse(bulkReader.isBetweenReplies());
            RespReader arrayReader = new RespReader();
            assertEquals(List.of(), feedInChunks(arrayReader, bytes("*2000000000\r\n:1\r\n"), new int[] {17}));
            readers.add(bulkReader);
            readers.add(arrayReader);
        }
        assertEquals(128, readers.size());
    }

    @Test
    void theFedBufferIsNotKeptPastTheCall() throws Exception {
        // One scratch buffer reused for every read and scribbled over after each: what the reader
        // needs later it must have copied.
        ByteBuffer scratch = ByteBuffer.allocateDirect(4);
        RespReader reader = new RespReader();
        List<RespValue> got = new ArrayList<>();
        for (int i = 0; i < REPLIES.length; i += 4) {
            scratch.clear();
            scratch.put(REPLIES, i, Math.min(4, REPLIES.length - i)).flip();
            reader.feed(scratch.asReadOnlyBuffer(), got::add);
            scratch.clear();
            while (scratch.hasRemaining()) {
                scratch.put((byte) '#');
            }
        }
        assertEquals(EXPECTED, got);
    }

    // ---- hostile and broken input ----

    @Test
    void refusesABadTypeByte() {
        assertRefused("?x\r\n", RespReader.Limits.DEFAULT, "bad RESP type byte 0x3f '?'", 0);
        assertRefused("+OK\r\n\u0000", RespReader.Limits.DEFAULT, "bad RESP type byte 0x00 '\\x00'", 5);
        assertRefused("OK\r\n", RespReader.Limits.DEFAULT, "bad RESP type byte 0x4f 'O'", 0);
    }

    @Test
    void refusesLengthsThatAreNotDecimalNumbers() {
        assertRefused("$1x\r\n", RespReader.Limits.DEFAULT, "bulk string length '1x' is not a decimal number", 5);
        assertRefused("*a\r\n", RespReader.Limits.DEFAULT, "array length 'a' is not a decimal number", 4);
        assertRefused("$\r\n", RespReader.Limits.DEFAULT, "bulk string length is empty", 3);
        assertRefused("$+3\r\nabc\r\n", RespReader.Limits.DEFAULT, "bulk string length '+3' is not a decimal number", 5);
        assertRefused(":12a\r\n", RespReader.Limits.DEFAULT, "integer reply '12a' is not a decimal number", 6);
        assertRefused(":-\r\n", RespReader.Limits.DEFAULT, "integer reply '-' has no digits", 4);
        assertRefused(":" + "1".repeat(30) + "\r\n", RespReader.Limits.DEFAULT, "':' line longer than 20 characters", 21);
    }

    @Test
    void refusesOverflowingNumbers() {
        assertRefused("$99999999999999999999\r\n", RespReader.Limits.DEFAULT, "overflows a signed 64-bit integer", 23);
        assertRefused(":9223372036854775808\r\n", RespReader.Limits.DEFAULT, "overflows a signed 64-bit integer", 22);
        assertRefused(":-9223372036854775809\r\n", RespReader.Limits.DEFAULT, "overflows a signed 64-bit integer", 23);
        assertRefused("*2147483648\r\n", RespReader.Limits.DEFAULT, "longer than a Java list can be", 13);
    }

    @Test
    void refusesNegativeLengthsOtherThanMinusOne() {
        assertRefused("$-2\r\n", RespReader.Limits.DEFAULT, "bulk string length '-2' is negative; only -1 (null) is allowed", 5);
        assertRefused("*-5\r\n", RespReader.Limits.DEFAULT, "array length '-5' is negative", 5);
        assertRefused("$-0\r\n", RespReader.Limits.DEFAULT, "is negative", 5);
        assertRefused("*-10\r\n", RespReader.Limits.DEFAULT, "is negative", 6);
    }

    @Test
    void refusesABulkStringOverTheLimit() throws Exception {
        RespReader.Limits limits = RespReader.Limits.DEFAULT.withMaxBulkBytes(1024);
        String exactly = "$1024\r\n" + "x".repeat(1024) + "\r\n";
        assertEquals(1, feedInChunks(new RespReader(limits), bytes(exactly), new int[] {exactly.length()}).size());
        assertRefused("$1025\r\n" + "x".repeat(1025) + "\r\n", limits, "bulk string of 1025 bytes exceeds the limit of 1024 bytes", 7);
        assertRefused("$536870913\r\n", RespReader.Limits.DEFAULT, "bulk string of 536870913 bytes exceeds the limit of 536870912 bytes", 12);
    }

    @Test
    void refusesArraysNestedDeeperThanTheLimit() throws Exception {
        RespReader.Limits limits = RespReader.Limits.DEFAULT.withMaxDepth(4);
        String four = "*1\r\n".repeat(4) + ":1\r\n";
        assertEquals(1, feedInChunks(new RespReader(limits), bytes(four), new int[] {four.length()}).size());
        assertRefused("*1\r\n".repeat(5) + ":1\r\n", limits, "arrays nested deeper than the limit of 4", 20);
        // A million nested headers: refused at the default depth, without reading on.
        assertRefused("*1\r\n".repeat(1_000_000), RespReader.Limits.DEFAULT, "arrays nested deeper than the limit of 32", 33 * 4);
    }

    @Test
    void refusesAMissingCrlf() {
        assertRefused("$3\r\nabcd\r\n", RespReader.Limits.DEFAULT, "bulk string of 3 bytes not followed by CRLF", 7);
        assertRefused("$3\r\nabc\rX", RespReader.Limits.DEFAULT, "bulk string of 3 bytes followed by CR without LF", 8);
        assertRefused("+OK\n", RespReader.Limits.DEFAULT, "LF without CR at the end of a line", 3);
        assertRefused("+O\rK\r\n", RespReader.Limits.DEFAULT, "CR not followed by LF at the end of a line", 3);
        assertRefused("$3\nabc\r\n", RespReader.Limits.DEFAULT, "LF without CR", 2);
    }

    @Test
    void refusesALineWithoutCrlfPastTheLimitWithoutReadingOn() throws Exception {
        RespReader.Limits limits = RespReader.Limits.DEFAULT.withMaxLineBytes(1024);
        assertRefused("+" + "a".repeat(1025) + "\r\n", limits, "line longer than the limit of 1024 bytes", 1025);
        assertRefused("-" + "e".repeat(1024) + "\r\n-" + "e".repeat(5000), limits, "line longer than the limit of 1024 bytes", 1027 + 1025);
        // An endless line, fed in 4 KiB reads: refused at the first read past the limit.
        RespReader reader = new RespReader(limits);
        ByteBuffer chunk = ByteBuffer.wrap(bytes("+" + "a".repeat(4095)));
        RespProtocolException e = assertThrows(RespProtocolException.class, () -> reader.feed(chunk, v -> { }));
        assertEquals(1025, e.offset());
    }

    @Test
    void staysFailedAfterAnError() {
        RespReader reader = new RespReader();
        RespProtocolException first = assertThrows(RespProtocolException.class,
                () -> reader.feed(ByteBuffer.wrap(bytes("!")), v -> { }));
        RespProtocolException again = assertThrows(RespProtocolException.class,
                () -> reader.feed(ByteBuffer.wrap(bytes("+OK\r\n")), v -> { }));
        assertSame(first, again);
        assertFalse(reader.isBetweenReplies());
    }

    @Test
    void deliversTheRepliesBeforeABadByte() {
        RespReader reader = new RespReader();
        List<RespValue> got = new ArrayList<>();
        assertThrows(RespProtocolException.class, () -> reader.feed(ByteBuffer.wrap(bytes("+OK\r\n:5\r\n$-7\r\n")), got::add));
        assertEquals(List.of(new SimpleString("OK"), new IntegerReply(5)), got);
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RespReader.Limits(-1, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> RespReader.Limits.DEFAULT.withMaxDepth(0));
        assertThrows(IllegalArgumentException.class, () -> RespReader.Limits.DEFAULT.withMaxLineBytes(0));
    }

    /**
     * Fed whole and byte by byte, {@code input} is refused with the same message, which contains
     * {@code fragment}, at the same {@code offset}.
     */
    private static void assertRefused(String input, RespReader.Limits limits, String fragment, long offset) {
        byte[] wire = bytes(input);
        RespProtocolException whole = assertThrows(RespProtocolException.class,
                () -> new RespReader(limits).feed(ByteBuffer.wrap(wire), v -> { }), input);
        assertTrue(whole.getMessage().contains(fragment), () -> "'" + whole.getMessage() + "' should contain '" + fragment + "'");
        assertEquals(offset, whole.offset(), whole::getMessage);
        RespReader reader = new RespReader(limits);
        RespProtocolException bytewise = assertThrows(RespProtocolException.class, () -> {
            for (byte b : wire) {
                reader.feed(ByteBuffer.wrap(new byte[] {b}), v -> { });
            }
        });
        assertEquals(whole.getMessage(), bytewise.getMessage());
    }

    /** Feeds {@code wire} in chunks of the given sizes (zero-sized ones skipped), as heap and direct buffers in turn. */
    static List<RespValue> feedInChunks(RespReader reader, byte[] wire, int[] chunks) throws RespProtocolException {
        List<RespValue> got = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < chunks.length; i++) {
            int n = chunks[i];
            if (n == 0) {
                continue;
            }
            ByteBuffer chunk;
            if (i % 2 == 0) {
                // With a non-zero position and a limit short of the array: only [position, limit) counts.
                byte[] padded = new byte[n + 2];
                System.arraycopy(wire, at, padded, 1, n);
                chunk = ByteBuffer.wrap(padded, 1, n);
            } else {
                chunk = ByteBuffer.allocateDirect(n).put(wire, at, n).flip();
            }
            reader.feed(chunk, got::add);
            assertFalse(chunk.hasRemaining(), "the reader consumes what it is fed");
            at += n;
        }
        assertEquals(wire.length, at, "chunk sizes add up to the input");
        return got;
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(ISO_8859_1);
    }

    private static BulkString bulk(String text) {
        return new BulkString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
