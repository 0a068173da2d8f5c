package io.netloop.windows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The handle table of the asyncselect window procedure: pure Java, so it runs on every OS. */
class AsyncSelectSocketTableTest {

    private static AsyncSelectPoller.Registration registration(int message) {
        return new AsyncSelectPoller.Registration(null, null, message);
    }

    @Test
    void agreesWithAHashMapOverRandomPutsAndRemoves() {
        AsyncSelectSocketTable table = new AsyncSelectSocketTable();
        Map<Long, AsyncSelectPoller.Registration> expected = new HashMap<>();
        Random random = new Random(14);
        for (int i = 0; i < 200_000; i++) {
            long handle = 4L * (1 + random.nextInt(3000)); // socket handles are multiples of 4
            if (random.nextInt(3) == 0) {
                AsyncSelectPoller.Registration current = expected.get(handle);
                table.remove(handle, current);
                expected.remove(handle);
            } else {
                AsyncSelectPoller.Registration r = registration(i);
                table.put(handle, r);
                expected.put(handle, r);
            }
            long probe = 4L * (1 + random.nextInt(3000));
            assertSame(expected.get(probe), table.get(probe), "handle " + probe + " after step " + i);
        }
        assertEquals(expected.size(), table.size());
    }

    @Test
    void removingAnOlderRegistrationKeepsTheNewerOneOfAReusedHandle() {
        AsyncSelectSocketTable table = new AsyncSelectSocketTable();
        AsyncSelectPoller.Registration old = registration(1);
        AsyncSelectPoller.Registration current = registration(2);
        table.put(0x1234, old);
        table.put(0x1234, current);
        table.remove(0x1234, old);
        assertSame(current, table.get(0x1234));
        table.remove(0x1234, current);
        assertNull(table.get(0x1234));
        assertEquals(0, table.size());
    }
}
