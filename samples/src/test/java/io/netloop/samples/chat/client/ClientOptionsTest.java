package io.netloop.samples.chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

    @Test
    void backsOffExponentiallyUpToThirtySeconds() {
        ClientOptions o = ClientOptions.defaults();
        List<Long> seconds = new ArrayList<>();
        for (int failures = 0; failures < 8; failures++) {
            seconds.add(o.retryDelay(failures).toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), seconds);
        assertEquals(Duration.ofSeconds(30), o.retryDelay(Integer.MAX_VALUE));
    }

    @Test
    void parsesFlagsOverTheDefaults() {
        ClientOptions o = ClientOptions.parse(new String[] {"--nick", "alice", "--port", "7000", "--backend", "nio"});
        assertEquals("alice", o.nick());
        assertEquals(7000, o.port());
        assertEquals("nio", o.backend());
        assertEquals("127.0.0.1", o.host());
        assertNull(ClientOptions.parse(new String[0]).nick(), "no nick: the console asks");
    }

    @Test
    void refusesBadFlags() {
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.parse(new String[] {"--port"}));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.parse(new String[] {"--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.parse(new String[] {"--nick", "9lives"}));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.parse(new String[] {"--colour", "red"}));
    }
}
