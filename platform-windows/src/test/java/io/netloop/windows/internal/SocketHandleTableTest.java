package io.netloop.windows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The handle table of the winsock-select and asyncselect backends, against a {@link HashMap}: pure
 * Java, so it runs on every OS. Handles are drawn as Windows hands them out (multiples of 4, close
 * together), which makes long probe runs and exercises the backward-shift removal.
 */
class SocketHandleTableTest {

    @Test
    void agreesWithAHashMapThroughPutsRemovesAndGrowth() {
        Random random = new Random(14);
        SocketHandleTable<Object> table = new SocketHandleTable<>();
        Map<Long, Object> expected = new HashMap<>();
        List<Long> live = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            if (live.isEmpty() || (live.size() < 3000 && random.nextInt(3) != 0)) {
                long handle = 0x100 + 4L * random.nextInt(8192);
                Object value = new Object();
                if (expected.put(handle, value) == null) {
                    live.add(handle);
                }
                table.put(handle, value);
            } else {
                long handle = live.remove(random.nextInt(live.size()));
                Object value = expected.remove(handle);
                if (random.nextBoolean()) {
                    table.remove(handle);
                } else {
                    table.remove(handle, new Object()); // another value: nothing changes
                    assertSame(value, table.get(handle), "handle " + handle + " at step " + step);
                    table.remove(handle, value);
                }
            }
            long probe = 0x100 + 4L * random.nextInt(8192);
            assertSame(expected.get(probe), table.get(probe), "handle " + probe + " after step " + step);
            if (step % 997 == 0) {
                assertEquals(expected.size(), table.size(), "size at step " + step);
                for (Map.Entry<Long, Object> e : expected.entrySet()) {
                    assertSame(e.getValue(), table.get(e.getKey()), "handle " + e.getKey() + " at step " + step);
                }
            }
        }
        for (long handle = 0x100; handle < 0x100 + 4L * 8192; handle += 4) {
            assertSame(expected.get(handle), table.get(handle), "handle " + handle);
        }
        table.remove(0x7); // absent: nothing changes
        table.remove(0x7, new Object());
        assertEquals(expected.size(), table.size());
    }

    @Test
    void removingAnOlderValueKeepsTheNewerOneOfAReusedHandle() {
        SocketHandleTable<Object> table = new SocketHandleTable<>();
        Object old = new Object();
        Object current = new Object();
        table.put(0x1234, old);
        table.put(0x1234, current);
        table.remove(0x1234, old);
        assertSame(current, table.get(0x1234));
        table.remove(0x1234, current);
        assertNull(table.get(0x1234));
        assertEquals(0, table.size());
    }
}
