package io.netloop.samples.chat.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.samples.chat.redis.RespValue.ArrayReply;
import io.netloop.samples.chat.redis.RespValue.BulkString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Commands encoded as arrays of bulk strings, into one reused buffer. */
class RespWriterTest {

    @Test
    void encodesEveryArgumentKindAsABulkString() {
        RespWriter w = new RespWriter();
        ByteBuffer b = w.encode("SET", "k", new byte[] {0, '\r', '\n'}, 42L, -7, (short) 0, Long.MIN_VALUE, "é");
        assertEquals("*8\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\u0000\r\n\r\n$2\r\n42\r\n$2\r\n-7\r\n$1\r\n0\r\n"
                + "$20\r\n-9223372036854775808\r\n$2\r\n\u00c3\u00a9\r\n", latin1(b));
    }

    @Test
    void whatItWritesTheReaderReadsBack() throws Exception {
        RespWriter w = new RespWriter();
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            byte[] value = new byte[random.nextInt(round < 190 ? 300 : 200_000)];
            random.nextBytes(value);
            ByteBuffer b = w.encode("HSET", "key:" + round, value, (long) random.nextInt());
            byte[] wire = new byte[b.remaining()];
            b.get(wire);
            List<RespValue> got = RespReaderTest.feedInChunks(new RespReader(), wire, new int[] {wire.length});
            ArrayReply cmd = (ArrayReply) got.getFirst();
            assertEquals(4, cmd.elements().size());
            assertEquals("key:" + round, cmd.elements().get(1).asString());
            assertArrayEquals(value, ((BulkString) cmd.elements().get(2)).bytes());
            w.trim();
        }
    }

    @Test
    void theViewIsReadOnlyAndRefusesBadArguments() {
        RespWriter w = new RespWriter();
        assertTrue(w.encode("PING").isReadOnly());
        assertThrows(IllegalArgumentException.class, () -> w.encode());
        assertThrows(IllegalArgumentException.class, () -> w.encode("SET", 1.5));
        assertThrows(IllegalArgumentException.class, () -> w.encode("SET", "k", null));
        assertEquals("*1\r\n$4\r\nPING\r\n", latin1(w.encode("PING")), "usable after a refused command");
    }

    private static String latin1(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
