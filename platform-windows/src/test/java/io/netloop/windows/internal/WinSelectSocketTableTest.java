package io.netloop.windows.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The handle-to-socket table of the winsock-select backend, against a {@link HashMap}: pure Java,
 * so it runs on every OS. Handles are drawn as Windows hands them out (multiples of 4, close
 * together), which makes long probe runs and exercises the backward-shift removal.
 */
class WinSelectSocketTableTest {

    @Test
    void agreesWithAHashMapThroughPutsRemovesAndGrowth() {
        Random random = new Random(14);
        WinSelectSocketTable table = new WinSelectSocketTable();
        Map<Long, WinSelectSocket> expected = new HashMap<>();
        List<Long> live = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            if (live.isEmpty() || (live.size() < 3000 && random.nextInt(3) != 0)) {
                long handle = 0x100 + 4L * random.nextInt(8192);
                WinSelectSocket socket = new WinSelectStreamSocket(null, handle, false);
                if (expected.put(handle, socket) == null) {
                    live.add(handle);
                }
                table.put(handle, socket);
            } else {
                long handle = live.remove(random.nextInt(live.size()));
                expected.remove(handle);
                table.remove(handle);
            }
            if (step % 997 == 0) {
                assertEquals(expected.size(), table.size(), "size at step " + step);
                for (Map.Entry<Long, WinSelectSocket> e : expected.entrySet()) {
                    assertSame(e.getValue(), table.get(e.getKey()), "handle " + e.getKey() + " at step " + step);
                }
            }
        }
        for (long handle = 0x100; handle < 0x100 + 4L * 8192; handle += 4) {
            assertSame(expected.get(handle), table.get(handle), "handle " + handle);
        }
        table.remove(0x7); // absent: nothing changes
        assertEquals(expected.size(), table.size());
    }
}
