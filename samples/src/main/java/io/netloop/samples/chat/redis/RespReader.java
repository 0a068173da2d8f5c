package io.netloop.samples.chat.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * An incremental RESP2 parser: fed whatever bytes arrived, in pieces of any size, it hands each
 * complete reply to a sink and keeps the part of a reply still incomplete, as hiredis's
 * {@code read.c} does. It never assumes a reply per read: a reply may be split anywhere, and one
 * read may hold many replies.
 *
 * <p>Memory is bounded by the {@link Limits}: a bulk string's buffer grows with the bytes that
 * actually arrived (a header announcing 500 MiB allocates nothing up front), lines are limited,
 * arrays nest to a limited depth. Bytes are copied once into the reply being built (buffers grow
 * by doubling, so nothing is copied quadratically). Broken or hostile input throws a
 * {@link RespProtocolException}; the reader is then failed and throws it again on every later feed.
 *
 * <p>Not thread-safe: one reader per connection, fed on its loop thread.
 *
 * <pre>{@code
 * RespReader reader = new RespReader(RespReader.Limits.DEFAULT.withMaxBulkBytes(1 << 20));
 * reader.feed(ByteBuffer.wrap("+OK\r\n:4".getBytes(US_ASCII)), replies::add); // adds +OK; :4 waits
 * reader.feed(ByteBuffer.wrap("2\r\n".getBytes(US_ASCII)), replies::add);     // adds :42
 * }</pre>
 */
public final class RespReader {

    /**
     * The reader's bounds.
     *
     * @param maxBulkBytes the longest bulk string accepted; Redis's own default
     *                     ({@code proto-max-bulk-len}) is 512 MiB
     * @param maxLineBytes the longest simple string or error line accepted, without its CRLF
     * @param maxDepth     how many arrays may be open at once (a flat array is depth 1)
     */
    public record Limits(int maxBulkBytes, int maxLineBytes, int maxDepth) {
        /** 512 MiB bulk strings (as Redis), 64 KiB lines, arrays nested 32 deep. */
        public static final Limits DEFAULT = new Limits(512 * 1024 * 1024, 64 * 1024, 32);

        public Limits {
            if (maxBulkBytes < 0 || maxLineBytes < 1 || maxDepth < 1) {
                throw new IllegalArgumentException("limits must be positive: maxBulkBytes=" + maxBulkBytes
                        + ", maxLineBytes=" + maxLineBytes + ", maxDepth=" + maxDepth);
            }
        }

        /** These limits with {@code bytes} as the longest bulk string. */
        public Limits withMaxBulkBytes(int bytes) {
            return new Limits(bytes, maxLineBytes, maxDepth);
        }

        /** These limits with {@code bytes} as the longest simple string or error line. */
        public Limits withMaxLineBytes(int bytes) {
            return new Limits(maxBulkBytes, bytes, maxDepth);
        }

        /** These limits with {@code depth} arrays open at most. */
        public Limits withMaxDepth(int depth) {
            return new Limits(maxBulkBytes, maxLineBytes, depth);
        }
    }

    /** Longest number line: "-9223372036854775808" is 20 characters. */
    private static final int MAX_NUMBER_CHARS = 20;
    /** A bulk buffer starts no larger than this and doubles as bytes arrive. */
    private static final int FIRST_BULK_CHUNK = 64 * 1024;

    private enum State { TYPE, LINE, LINE_LF, BULK, BULK_CR, BULK_LF, FAILED }

    private final Limits limits;
    private State state = State.TYPE;
    /** Bytes consumed since the reader was made; says where an error was found. */
    private long offset;

    private byte type;
    /** The line being read (without CRLF); reused, grows by doubling up to its type's limit. */
    private byte[] line = new byte[64];
    private int lineLength;

    /** The bulk string being read; grows by doubling up to {@link #bulkLength}. */
    private byte[] bulk;
    private int bulkLength;
    private int bulkFilled;

    /** Open arrays, innermost last: their elements so far and how many are still to come. */
    private final List<List<RespValue>> openElements = new ArrayList<>();
    private long[] openRemaining = new long[4];

    private RespProtocolException failure;

    /** A reader with {@link Limits#DEFAULT}. */
    public RespReader() {
        this(Limits.DEFAULT);
    }

    /**
     * A reader with the given bounds.
     *
     * @param limits the longest bulk string and line, and the deepest nesting, accepted
     */
    public RespReader(Limits limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    /**
     * Parses {@code data} from its position to its limit, handing each reply completed to {@code sink}
     * in order, and keeps what is left of an incomplete reply. Nothing of {@code data} is kept past
     * the call but copies.
     *
     * @param data the bytes that arrived; its position is advanced to its limit (on an error, past the
     *             bytes examined)
     * @param sink called with each complete top-level reply, on the calling thread
     * @throws RespProtocolException when the bytes are not RESP2 or break a limit; the reader stays failed
     */
    public void feed(ByteBuffer data, Consumer<? super RespValue> sink) throws RespProtocolException {
        if (failure != null) {
            throw failure;
        }
        try {
            parse(data, sink);
        } catch (RespProtocolException e) {
            failure = e;
            state = State.FAILED;
            bulk = null;
            openElements.clear();
            throw e;
        }
    }

    /**
     * Whether the reader is between replies: no part of a reply is buffered.
     *
     * @return {@code true} when everything fed so far formed whole replies
     */
    public boolean isBetweenReplies() {
        return state == State.TYPE && openElements.isEmpty();
    }

    private void parse(ByteBuffer data, Consumer<? super RespValue> sink) throws RespProtocolException {
        while (data.hasRemaining()) {
            switch (state) {
                case TYPE -> {
                    byte b = data.get();
                    if (b != '+' && b != '-' && b != ':' && b != '$' && b != '*') {
                        throw error("bad RESP type byte " + describe(b) + ", expected one of + - : $ *");
                    }
                    offset++;
                    type = b;
                    lineLength = 0;
                    state = State.LINE;
                }
                case LINE -> readLine(data);
                case LINE_LF -> {
                    if (data.get() != '\n') {
                        throw error("CR not followed by LF at the end of a line");
                    }
                    offset++;
                    state = State.TYPE;
                    lineDone(sink);
                }
                case BULK -> {
                    int n = Math.min(data.remaining(), bulkLength - bulkFilled);
                    if (bulkFilled + n > bulk.length) {
                        bulk = java.util.Arrays.copyOf(bulk, (int) Math.min(bulkLength, Math.max(2L * bulk.length, bulkFilled + n)));
                    }
                    data.get(bulk, bulkFilled, n);
                    bulkFilled += n;
                    offset += n;
                    if (bulkFilled == bulkLength) {
                        state = State.BULK_CR;
                    }
                }
                case BULK_CR -> {
                    if (data.get() != '\r') {
                        throw error("bulk string of " + bulkLength + " bytes not followed by CRLF");
                    }
                    offset++;
                    state = State.BULK_LF;
                }
                case BULK_LF -> {
                    if (data.get() != '\n') {
                        throw error("bulk string of " + bulkLength + " bytes followed by CR without LF");
                    }
                    offset++;
                    byte[] bytes = bulk;
                    bulk = null;
                    state = State.TYPE;
                    complete(new RespValue.BulkString(bytes), sink);
                }
                case FAILED -> throw failure;
            }
        }
    }

    /** Copies line bytes up to CR; a lone LF, or a line past its limit, is an error. */
    private void readLine(ByteBuffer data) throws RespProtocolException {
        int max = type == '+' || type == '-' ? limits.maxLineBytes() : MAX_NUMBER_CHARS;
        int start = data.position();
        int end = data.limit();
        int i = start;
        while (i < end) {
            byte b = data.get(i);
            if (b == '\r' || b == '\n') {
                break;
            }
            i++;
        }
        int n = i - start;
        if (lineLength + n > max) {
            // Report at the first byte past the limit; nothing beyond it is buffered.
            offset += max - lineLength;
            data.position(start + max - lineLength);
            throw error(type == '+' || type == '-'
                    ? "line longer than the limit of " + max + " bytes (no CRLF within it)"
                    : "'" + (char) type + "' line longer than " + max + " characters: not a number");
        }
        if (lineLength + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(max, Math.max(2 * line.length, lineLength + n)));
        }
        data.get(start, line, lineLength, n);
        lineLength += n;
        offset += n;
        data.position(i);
        if (i < end) {
            if (data.get(i) == '\n') {
                throw error("LF without CR at the end of a line");
            }
            data.position(i + 1);
            offset++;
            state = State.LINE_LF;
        }
    }

    private void lineDone(Consumer<? super RespValue> sink) throws RespProtocolException {
        switch (type) {
            case '+' -> complete(new RespValue.SimpleString(lineText()), sink);
            case '-' -> complete(new RespValue.ErrorString(lineText()), sink);
            case ':' -> complete(new RespValue.IntegerReply(parseInteger()), sink);
            case '$' -> {
                long length = parseLength("bulk string");
                if (length == -1) {
                    complete(RespValue.NULL_BULK, sink);
                } else if (length > limits.maxBulkBytes()) {
                    throw error("bulk string of " + length + " bytes exceeds the limit of " + limits.maxBulkBytes() + " bytes");
                } else {
                    bulkLength = (int) length;
                    bulkFilled = 0;
                    bulk = new byte[Math.min(bulkLength, FIRST_BULK_CHUNK)];
                    state = bulkLength == 0 ? State.BULK_CR : State.BULK;
                }
            }
            case '*' -> {
                long count = parseLength("array");
                if (count == -1) {
                    complete(RespValue.NULL_ARRAY, sink);
                } else if (count == 0) {
                    complete(new RespValue.ArrayReply(List.of()), sink);
                } else {
                    if (count > Integer.MAX_VALUE - 8) {
                        throw error("array of " + count + " elements is longer than a Java list can be");
                    }
                    if (openElements.size() == limits.maxDepth()) {
                        throw error("arrays nested deeper than the limit of " + limits.maxDepth());
                    }
                    int depth = openElements.size();
                    if (depth == openRemaining.length) {
                        openRemaining = java.util.Arrays.copyOf(openRemaining, depth * 2);
                    }
                    // Sized by what arrived, not by what the header claims.
                    openElements.add(new ArrayList<>((int) Math.min(count, 16)));
                    openRemaining[depth] = count;
                }
            }
            default -> throw new AssertionError(type);
        }
    }

    /** Hands {@code value} to the innermost open array, closing arrays it completes, or to the sink. */
    private void complete(RespValue value, Consumer<? super RespValue> sink) {
        RespValue v = value;
        while (!openElements.isEmpty()) {
            int top = openElements.size() - 1;
            List<RespValue> elements = openElements.get(top);
            elements.add(v);
            if (--openRemaining[top] > 0) {
                return;
            }
            openElements.remove(top);
            v = new RespValue.ArrayReply(Collections.unmodifiableList(elements));
        }
        sink.accept(v);
    }

    private String lineText() {
        return new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }

    /** An integer reply: an optional minus, then 1 to 19 digits, within a signed 64-bit long. */
    private long parseInteger() throws RespProtocolException {
        boolean negative = lineLength > 0 && line[0] == '-';
        int i = negative ? 1 : 0;
        if (i == lineLength) {
            throw error("integer reply '" + lineEscaped() + "' has no digits");
        }
        // Accumulated negatively, so Long.MIN_VALUE fits.
        long value = 0;
        for (; i < lineLength; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                throw error("integer reply '" + lineEscaped() + "' is not a decimal number");
            }
            if (value < (Long.MIN_VALUE + d) / 10) {
                throw error("integer reply '" + lineEscaped() + "' overflows a signed 64-bit integer");
            }
            value = value * 10 - d;
        }
        if (negative) {
            return value;
        }
        if (value == Long.MIN_VALUE) {
            throw error("integer reply '" + lineEscaped() + "' overflows a signed 64-bit integer");
        }
        return -value;
    }

    /** A length: digits only, or exactly -1 for null. */
    private long parseLength(String what) throws RespProtocolException {
        if (lineLength == 2 && line[0] == '-' && line[1] == '1') {
            return -1;
        }
        if (lineLength == 0) {
            throw error(what + " length is empty");
        }
        if (line[0] == '-') {
            throw error(what + " length '" + lineEscaped() + "' is negative; only -1 (null) is allowed");
        }
        long value = 0;
        for (int i = 0; i < lineLength; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                throw error(what + " length '" + lineEscaped() + "' is not a decimal number");
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                throw error(what + " length '" + lineEscaped() + "' overflows a signed 64-bit integer");
            }
            value = value * 10 + d;
        }
        return value;
    }

    private RespProtocolException error(String message) {
        return new RespProtocolException(message, offset);
    }

    private String lineEscaped() {
        return escape(line, 0, Math.min(lineLength, 40)) + (lineLength > 40 ? "..." : "");
    }

    private static String describe(byte b) {
        return String.format("0x%02x '%s'", b & 0xff, escape(new byte[] {b}, 0, 1));
    }

    /** Printable ASCII as is, the rest as \r, \n or \xNN: error messages show hostile bytes safely. */
    static String escape(byte[] bytes, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.toString();
    }
}
