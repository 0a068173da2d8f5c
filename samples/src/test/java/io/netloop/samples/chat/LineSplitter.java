package io.netloop.samples.chat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** The lines of a byte stream as its pieces arrive: LF or CRLF ends a line, and a partial line waits for the rest. */
final class LineSplitter {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    /** Consumes {@code data}, handing each line it completes (without its end) to {@code line}. */
    void feed(ByteBuffer data, Consumer<String> line) {
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b == '\n') {
                byte[] bytes = partial.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                partial.reset();
                line.accept(new String(bytes, 0, len, StandardCharsets.UTF_8));
            } else {
                partial.write(b);
            }
        }
    }
}
