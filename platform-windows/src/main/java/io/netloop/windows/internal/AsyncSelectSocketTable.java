package io.netloop.windows.internal;

/**
 * Socket handle to registration, for the {@code asyncselect} window procedure, which knows a
 * socket only by the handle in {@code wParam}. Open addressing with linear probing over
 * {@code long} keys: a lookup allocates nothing (a {@code HashMap<Long, ...>} would box every
 * handle, and Winsock handles are far above the {@code Long} cache). Loop thread only.
 */
final class AsyncSelectSocketTable {
    private static final long EMPTY = 0; // no socket handle is 0 (INVALID_SOCKET is ~0)

    private long[] keys = new long[64];
    private AsyncSelectPoller.Registration[] values = new AsyncSelectPoller.Registration[64];
    private int size;

    AsyncSelectPoller.Registration get(long handle) {
        int mask = keys.length - 1;
        for (int i = slot(handle, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == handle) {
                return values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    void put(long handle, AsyncSelectPoller.Registration r) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = slot(handle, mask); ; i = (i + 1) & mask) {
            if (keys[i] == handle) {
                values[i] = r;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = handle;
                values[i] = r;
                size++;
                return;
            }
        }
    }

    /** Removes {@code handle} if it maps to {@code r} (a newer registration of a reused handle stays). */
    void remove(long handle, AsyncSelectPoller.Registration r) {
        int mask = keys.length - 1;
        int i = slot(handle, mask);
        while (keys[i] != handle) {
            if (keys[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        if (values[i] != r) {
            return;
        }
        // Backward-shift deletion: later entries of the probe run move up, so no tombstones.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
        size--;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        AsyncSelectPoller.Registration[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new AsyncSelectPoller.Registration[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** Handles are multiples of 4: mix the bits before masking. */
    private static int slot(long handle, int mask) {
        long h = handle * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
