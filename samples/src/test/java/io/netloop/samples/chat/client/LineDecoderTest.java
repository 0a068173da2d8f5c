package io.netloop.samples.chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {
    private final List<String> lines = new ArrayList<>();

    private void feed(LineDecoder decoder, byte[] bytes) {
        decoder.feed(ByteBuffer.wrap(bytes), lines::add);
    }

    @Test
    void splitsOnLfAndCrlfAcrossReads() {
        LineDecoder d = new LineDecoder(100);
        feed(d, "PING :a\r\nPI".getBytes(StandardCharsets.US_ASCII));
        feed(d, "NG :b\n\r".getBytes(StandardCharsets.US_ASCII));
        feed(d, "\nlast".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("PING :a", "PING :b", ""), lines);
        assertEquals(4, d.buffered(), "an unfinished line waits for its end");
    }

    @Test
    void decodesUtf8SplitInsideACharacter() {
        LineDecoder d = new LineDecoder(100);
        byte[] bytes = "h\u00e9 \u2713 \uD83D\uDE00\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            feed(d, new byte[] {b});
        }
        assertEquals(List.of("h\u00e9 \u2713 \uD83D\uDE00"), lines);
    }

    @Test
    void cutsAnOverlongLineAndDropsItsRest() {
        LineDecoder d = new LineDecoder(8);
        byte[] longLine = new byte[20];
        Arrays.fill(longLine, (byte) 'x');
        feed(d, longLine);
        feed(d, "\nnext\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("xxxxxxxx", "next"), lines);
    }
}
