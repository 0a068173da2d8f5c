package io.netloop.samples.chat.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a TCP byte stream into lines ending in LF or CRLF and decodes them as UTF-8 (malformed
 * bytes become U+FFFD). A line longer than the limit is cut there and the rest of it dropped, so a
 * broken peer cannot make the client buffer without bound.
 *
 * <pre>{@code
 * LineDecoder lines = new LineDecoder(8192);
 * lines.feed(ByteBuffer.wrap("PING :x\r\nPI".getBytes(UTF_8)), System.out::println);  // prints "PING :x"
 * }</pre>
 */
final class LineDecoder {
    private final int maxLineBytes;
    private byte[] buffer;
    private int length;
    private boolean discarding;

    LineDecoder(int maxLineBytes) {
        if (maxLineBytes < 1) throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
        this.maxLineBytes = maxLineBytes;
        this.buffer = new byte[Math.min(512, maxLineBytes)];
    }

    /** Consumes all of {@code data}, passing each complete line, without its line end, to {@code lines}. */
    void feed(ByteBuffer data, Consumer<String> lines) {
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b == '\n') {
                if (!discarding) {
                    int end = length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
                    lines.accept(new String(buffer, 0, end, StandardCharsets.UTF_8));
                }
                length = 0;
                discarding = false;
            } else if (discarding) {
                continue;
            } else if (length == maxLineBytes) {
                lines.accept(new String(buffer, 0, length, StandardCharsets.UTF_8));
                length = 0;
                discarding = true;
            } else {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(maxLineBytes, buffer.length * 2));
                }
                buffer[length++] = b;
            }
        }
    }

    /** Bytes of an unfinished line held back. */
    int buffered() {
        return length;
    }
}
