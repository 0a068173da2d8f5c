package io.netloop.samples.chat.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes commands as RESP2 arrays of bulk strings, the form Redis reads from clients, into one
 * reusable buffer. Arguments are {@code byte[]} (sent as they are), {@link CharSequence} (sent as
 * UTF-8) or whole numbers ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}: sent as decimal text).
 *
 * <p>Not thread-safe: {@link RedisClient} uses one under its send lock.
 *
 * <pre>{@code
 * RespWriter w = new RespWriter();
 * ByteBuffer cmd = w.encode("SET", "greeting", "hello".getBytes(UTF_8)); // *3\r\n$3\r\nSET\r\n...
 * connection.write(cmd);                                                 // copies; w may be reused
 * }</pre>
 */
public final class RespWriter {
    private static final int INITIAL = 256;
    /** After a command larger than this, {@link #trim()} gives the buffer back. */
    private static final int RETAINED = 64 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int length;

    /**
     * Encodes one command.
     *
     * @param args the command name and its arguments, at least one
     * @return a read-only view of the encoded bytes, valid until the next call on this writer
     * @throws IllegalArgumentException when there is no argument, or one of an unsupported type
     */
    public ByteBuffer encode(Object... args) {
        return encode(Arrays.asList(args));
    }

    /**
     * Encodes one command; see {@link #encode(Object...)}.
     *
     * @param args the command name and its arguments, at least one
     * @return a read-only view of the encoded bytes, valid until the next call on this writer
     */
    public ByteBuffer encode(List<?> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        length = 0;
        header('*', args.size());
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            switch (a) {
                case byte[] bytes -> bulk(bytes);
                case CharSequence text -> text(text);
                case Long n -> number(n);
                case Integer n -> number(n);
                case Short n -> number(n);
                case Byte n -> number(n);
                case null -> throw new IllegalArgumentException("argument " + i + " is null");
                default -> throw new IllegalArgumentException("argument " + i + " is a " + a.getClass().getName()
                        + ": use byte[], a CharSequence or a whole number");
            }
        }
        return ByteBuffer.wrap(buf, 0, length).asReadOnlyBuffer();
    }

    /** Gives back a buffer grown past 64 KiB by a large command, so one large value is not held for good. */
    public void trim() {
        if (buf.length > RETAINED) {
            buf = new byte[INITIAL];
        }
    }

    private void bulk(byte[] bytes) {
        header('$', bytes.length);
        ensure(bytes.length + 2);
        System.arraycopy(bytes, 0, buf, length, bytes.length);
        length += bytes.length;
        crlf();
    }

    private void text(CharSequence text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) >= 0x80) {
                bulk(text.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        // ASCII: written straight in, no intermediate array.
        header('$', n);
        ensure(n + 2);
        for (int i = 0; i < n; i++) {
            buf[length++] = (byte) text.charAt(i);
        }
        crlf();
    }

    private void number(long n) {
        int digits = decimalLength(n);
        header('$', digits);
        ensure(digits + 2);
        writeDecimal(n, digits);
        crlf();
    }

    private void header(char type, long n) {
        ensure(24);
        buf[length++] = (byte) type;
        writeDecimal(n, decimalLength(n));
        crlf();
    }

    private void crlf() {
        ensure(2);
        buf[length++] = '\r';
        buf[length++] = '\n';
    }

    private void writeDecimal(long n, int digits) {
        int end = length + digits;
        int p = end;
        // Digits from negative values, so Long.MIN_VALUE needs no special case.
        long v = n < 0 ? n : -n;
        do {
            buf[--p] = (byte) ('0' - (v % 10));
            v /= 10;
        } while (v != 0);
        if (n < 0) {
            buf[--p] = '-';
        }
        length = end;
    }

    private static int decimalLength(long n) {
        long v = n < 0 ? n : -n;
        int size = n < 0 ? 2 : 1;
        while (v <= -10) {
            v /= 10;
            size++;
        }
        return size;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            long wanted = Math.max(2L * buf.length, (long) length + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("command larger than a Java array can hold");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
