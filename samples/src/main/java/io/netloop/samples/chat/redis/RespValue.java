package io.netloop.samples.chat.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One RESP2 reply: a simple string, an error, an integer, a bulk string, an array, or a null (the
 * null bulk string {@code $-1} or the null array {@code *-1}).
 *
 * <pre>{@code
 * RespValue v = client.send("GET", "greeting").join();
 * String s = v.asString();            // null when the key does not exist
 * long n = client.send("INCR", "hits").join().asLong();
 * }</pre>
 */
public sealed interface RespValue {

    /** The null bulk string, {@code $-1}: what {@code GET} answers for a missing key. */
    Null NULL_BULK = new Null(false);
    /** The null array, {@code *-1}: what {@code BLPOP} answers on a timeout. */
    Null NULL_ARRAY = new Null(true);

    /** {@code +OK}: a status line. */
    record SimpleString(String value) implements RespValue {
        public SimpleString {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * {@code -ERR message}: an error line. {@link RedisClient} turns it into a {@link RedisErrorReply}
     * when it is a whole reply; inside an array (the replies of {@code EXEC}) it stays a value.
     */
    record ErrorString(String message) implements RespValue {
        public ErrorString {
            Objects.requireNonNull(message, "message");
        }
    }

    /** {@code :42}: a signed 64-bit integer. */
    record IntegerReply(long value) implements RespValue {
    }

    /** {@code $5\r\nhello}: binary-safe bytes, owned by this value (not copied again on access). */
    record BulkString(byte[] bytes) implements RespValue {
        public BulkString {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** The bytes decoded as UTF-8. */
        public String utf8() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BulkString b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length <= 64 ? "BulkString[" + utf8() + "]" : "BulkString[" + bytes.length + " bytes]";
        }
    }

    /** {@code *2\r\n...}: the elements, unmodifiable, each itself a value (nulls are {@link Null}). */
    record ArrayReply(List<RespValue> elements) implements RespValue {
        public ArrayReply {
            Objects.requireNonNull(elements, "elements");
        }
    }

    /** {@code $-1} or {@code *-1}; use {@link #NULL_BULK} and {@link #NULL_ARRAY}. */
    record Null(boolean array) implements RespValue {
    }

    /**
     * The value as text: a simple string's, or a bulk string's bytes as UTF-8.
     *
     * @return the text, or {@code null} for a null reply
     * @throws IllegalStateException for an integer, array or error
     */
    default String asString() {
        return switch (this) {
            case SimpleString s -> s.value();
            case BulkString b -> b.utf8();
            case Null n -> null;
            default -> throw new IllegalStateException("not a string reply: " + this);
        };
    }

    /**
     * The value as bytes: a bulk string's own bytes, or a simple string's as UTF-8.
     *
     * @return the bytes, or {@code null} for a null reply
     * @throws IllegalStateException for an integer, array or error
     */
    default byte[] asBytes() {
        return switch (this) {
            case SimpleString s -> s.value().getBytes(StandardCharsets.UTF_8);
            case BulkString b -> b.bytes();
            case Null n -> null;
            default -> throw new IllegalStateException("not a string reply: " + this);
        };
    }

    /**
     * The value as a number: an integer reply, or a bulk string holding a decimal integer.
     *
     * @return the number
     * @throws IllegalStateException for any other reply
     */
    default long asLong() {
        return switch (this) {
            case IntegerReply i -> i.value();
            case BulkString b -> {
                try {
                    yield Long.parseLong(b.utf8());
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("not a number: " + this);
                }
            }
            default -> throw new IllegalStateException("not an integer reply: " + this);
        };
    }

    /**
     * The elements of an array reply.
     *
     * @return the unmodifiable elements, or {@code null} for the null array
     * @throws IllegalStateException for any other reply
     */
    default List<RespValue> asList() {
        return switch (this) {
            case ArrayReply a -> a.elements();
            case Null n when n.array() -> null;
            default -> throw new IllegalStateException("not an array reply: " + this);
        };
    }
}
