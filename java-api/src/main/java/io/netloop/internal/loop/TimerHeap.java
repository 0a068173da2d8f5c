package io.netloop.internal.loop;

import java.util.Arrays;

/** Binary min-heap of timers by deadline then scheduling order, with O(log n) removal. Loop thread only. */
final class TimerHeap {
    private TimerImpl[] heap = new TimerImpl[16];
    private int size;

    int size() {
        return size;
    }

    TimerImpl peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerImpl t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.heapIndex = size;
        size++;
        siftUp(t.heapIndex);
    }

    TimerImpl poll() {
        if (size == 0) {
            return null;
        }
        TimerImpl top = heap[0];
        removeAt(0);
        return top;
    }

    void remove(TimerImpl t) {
        int i = t.heapIndex;
        if (i >= 0 && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        TimerImpl removed = heap[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        TimerImpl last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        if (heap[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int i) {
        TimerImpl t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerImpl p = heap[parent];
            if (t.compareTo(p) >= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerImpl t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].compareTo(heap[child]) < 0) {
                child = right;
            }
            if (t.compareTo(heap[child]) <= 0) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
