package io.netloop.windows.internal;

/**
 * From a {@code SOCKET} handle to what a readiness backend keeps for it, for the backends that
 * get handles back from Winsock rather than indices: {@code winsock-select} (the sockets select
 * left in its sets) and {@code asyncselect} (the {@code wParam} of a window message). Open
 * addressing with linear probing over {@code long} keys: a lookup allocates nothing (a
 * {@code HashMap<Long, ...>} would box every handle, and Winsock handles are far above the
 * {@code Long} cache). A slot is free when its value is {@code null}, so values are never
 * {@code null}. Loop thread only.
 *
 * @param <V> what is kept per handle
 */
final class SocketHandleTable<V> {
    private long[] keys = new long[64];
    /** Holds only {@code V}s: written by {@link #put} alone. */
    private Object[] values = new Object[64];
    private int size;

    @SuppressWarnings("unchecked")
    V get(long handle) {
        int mask = keys.length - 1;
        for (int i = slot(handle, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == handle) {
                return (V) values[i];
            }
        }
        return null;
    }

    void put(long handle, V value) {
        assert value != null;
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(handle, mask);
        while (values[i] != null) {
            if (keys[i] == handle) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = handle;
        values[i] = value;
        size++;
    }

    /** Removes {@code handle}, if present. */
    void remove(long handle) {
        int i = find(handle);
        if (i >= 0) {
            removeAt(i);
        }
    }

    /** Removes {@code handle} if it maps to {@code value} (a newer value of a reused handle stays). */
    void remove(long handle, V value) {
        int i = find(handle);
        if (i >= 0 && values[i] == value) {
            removeAt(i);
        }
    }

    int size() {
        return size;
    }

    /** The slot of {@code handle}, or -1. */
    private int find(long handle) {
        int mask = keys.length - 1;
        for (int i = slot(handle, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == handle) {
                return i;
            }
        }
        return -1;
    }

    /** Backward-shift deletion: later entries of the probe run move up, so no tombstones. */
    private void removeAt(int i) {
        int mask = keys.length - 1;
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            // j moves into the hole unless its home lies cyclically in (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        size--;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], (V) oldValues[i]);
            }
        }
    }

    /** Socket handles are multiples of 4 and close together: mix the bits before masking. */
    private static int slot(long handle, int mask) {
        long h = handle * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
