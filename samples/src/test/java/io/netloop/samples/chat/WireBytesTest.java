package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free path of a plain user's message (bytes in, bytes out) against the string
 * path it stands for: the same verdict on the input, the same lines out.
 */
class WireBytesTest {

    @Test
    void plainSafeUtf8AgreesWithTheStrictDecoderAndTheControlCheck() {
        Random random = new Random(15);
        byte[][] pieces = {
                "a".getBytes(StandardCharsets.UTF_8), " ".getBytes(StandardCharsets.UTF_8), "\t".getBytes(StandardCharsets.UTF_8),
                "é".getBytes(StandardCharsets.UTF_8), "€".getBytes(StandardCharsets.UTF_8), "😀".getBytes(StandardCharsets.UTF_8),
                {(byte) 0xc0, (byte) 0x80}, {(byte) 0xe0, (byte) 0x80, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf5}, {(byte) 0x80}, {(byte) 0xe2, (byte) 0x82},
                {0x01}, {0x03}, {0x7f}, {0x1f}, {(byte) 0xc2, (byte) 0x85}, {(byte) 0xef, (byte) 0xbf, (byte) 0xbf}};
        var decoder = Text.strictDecoder();
        for (int round = 0; round < 20_000; round++) {
            byte[] line = new byte[0];
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                byte[] p = pieces[random.nextInt(pieces.length)];
                line = concat(line, p);
            }
            if (random.nextInt(10) == 0) {
                line = Arrays.copyOf(line, random.nextInt(line.length)); // cut anywhere, even inside a code point
            }
            String decoded = Text.decodeUtf8(decoder, line, 0, line.length);
            boolean expected = decoded != null && !Text.hasForbiddenControl(decoded, false);
            byte[] shown = line;
            assertEquals(expected, Text.isPlainSafeUtf8(line, 0, line.length), () -> "for " + Arrays.toString(shown));
        }
        assertTrue(Text.isPlainSafeUtf8("xx héllo wörld 😀 xx".getBytes(StandardCharsets.UTF_8), 3, 17 - 3));
        assertFalse(Text.isPlainSafeUtf8(new byte[] {'a', (byte) 0xc3}, 0, 2));
    }

    @Test
    void relayIntoWritesWhatRelayWritesLongLinesSplitAtCodePoints() {
        Random random = new Random(16);
        String[] pieces = {"a", "b ", "é", "€", "😀", "word "};
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(400);
            for (int i = 0; i < n; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String prefix = "nick" + round + "!user@127.0.0.1";
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            Wire.Scratch out = new Wire.Scratch();
            Wire.relayInto(out, prefix.getBytes(StandardCharsets.UTF_8), Wire.PRIVMSG, "#lobby".getBytes(StandardCharsets.UTF_8),
                    bytes, 0, bytes.length);
            byte[] expected = Wire.relayLine(prefix, "PRIVMSG", "#lobby", text.toString()).bytes();
            assertArrayEquals(expected, Arrays.copyOf(out.bytes, out.length), () -> "for " + text.length() + " chars");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
