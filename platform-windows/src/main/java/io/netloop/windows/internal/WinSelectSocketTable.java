package io.netloop.windows.internal;

import java.util.Arrays;

/**
 * From a {@code SOCKET} handle to the {@link WinSelectSocket} registered under it: Winsock's select
 * hands back handles, not indices. Open addressing with linear probing over primitive keys, so a
 * lookup per ready socket allocates nothing. Loop thread only.
 */
final class WinSelectSocketTable {
    private long[] keys;
    private WinSelectSocket[] values;
    private int size;

    WinSelectSocketTable() {
        keys = new long[64];
        values = new WinSelectSocket[64];
    }

    WinSelectSocket get(long handle) {
        int mask = keys.length - 1;
        for (int i = index(handle, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == handle) {
                return values[i];
            }
        }
        return null;
    }

    void put(long handle, WinSelectSocket socket) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = index(handle, mask);
        while (values[i] != null) {
            if (keys[i] == handle) {
                values[i] = socket;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = handle;
        values[i] = socket;
        size++;
    }

    void remove(long handle) {
        int mask = keys.length - 1;
        int i = index(handle, mask);
        while (values[i] != null && keys[i] != handle) {
            i = (i + 1) & mask;
        }
        if (values[i] == null) {
            return;
        }
        // Backward-shift deletion: move later entries of the run into the hole so every lookup
        // still finds them without tombstones.
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            // Move j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        size--;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        WinSelectSocket[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new WinSelectSocket[oldValues.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
        Arrays.fill(oldValues, null);
    }

    /** Socket handles are multiples of 4 and close together: mix the bits before masking. */
    private static int index(long handle, int mask) {
        long h = handle * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
