package io.netloop.internal.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP socket's queued datagrams: each one's bytes contiguous in one native ring, with its length
 * and target beside it, in send order. Any thread appends ({@link #offer}); the loop sends from the
 * head ({@link #data}, {@link #target}) and removes what the kernel took ({@link #remove}). Records
 * are only ever removed from the head, so a record a completion backend has lent to the kernel
 * stays where it is until its send completes and is removed. Thread-safe.
 *
 * <p>The ring is allocated at the first offer, {@code capacity} bytes from a shared arena (writers
 * copy in on their own threads), and freed by {@link #close()}, which the owner calls once the
 * kernel holds none of it. A record never wraps: one that does not fit before the end starts at 0
 * and the tail it skipped counts as used until the record is removed.
 */
public final class DatagramQueue implements AutoCloseable {
    private final int capacity;
    /** Owns {@link #ring}; made with it, closed by {@link #close()}. */
    private Arena arena;
    private MemorySegment ring;
    /**
     * A buffer view of {@link #ring}, made with it, that {@link #offer} copies into with an
     * absolute bulk put: {@code MemorySegment.ofBuffer(data)} would make a segment per datagram,
     * which escape analysis did not always remove (80 bytes per echoed datagram on io_uring).
     */
    private ByteBuffer ringBuffer;
    private boolean closed;

    // Records, a circular array of (offset, length, bytes used including a skipped tail, target).
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int[] used = new int[16];
    private InetSocketAddress[] targets = new InetSocketAddress[16];
    private int head;
    private int count;
    /** Where the next record's bytes go. */
    private int writeOffset;
    /** Ring bytes held by records, skipped tails included. */
    private int usedBytes;
    /** Datagram bytes queued. */
    private long bytes;

    /** @param capacity ring bytes; at least the longest datagram, so an empty queue takes any datagram */
    public DatagramQueue(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Copies the remaining bytes of {@code data} in as one datagram to {@code target} and advances
     * its position to its limit.
     *
     * @return {@code false}, with nothing copied, when it does not fit or the queue is closed
     */
    public synchronized boolean offer(ByteBuffer data, InetSocketAddress target) {
        int length = data.remaining();
        if (closed) {
            return false;
        }
        int start = writeOffset;
        int skipped = 0;
        if (start + length > capacity) {
            skipped = capacity - start;
            start = 0;
        }
        if (usedBytes + skipped + length > capacity) {
            return false;
        }
        if (ring == null) {
            arena = Arena.ofShared();
            ring = arena.allocate(capacity, 64);
            ringBuffer = ring.asByteBuffer();
        }
        ringBuffer.put(start, data, data.position(), length);
        data.position(data.limit());
        if (count == offsets.length) {
            grow();
        }
        int i = (head + count) & (offsets.length - 1);
        offsets[i] = start;
        lengths[i] = length;
        used[i] = skipped + length;
        targets[i] = target;
        count++;
        usedBytes += skipped + length;
        bytes += length;
        writeOffset = start + length == capacity ? 0 : start + length;
        return true;
    }

    private void grow() {
        int n = offsets.length * 2;
        int[] o = new int[n], l = new int[n], u = new int[n];
        InetSocketAddress[] t = new InetSocketAddress[n];
        for (int k = 0; k < count; k++) {
            int from = (head + k) & (offsets.length - 1);
            o[k] = offsets[from];
            l[k] = lengths[from];
            u[k] = used[from];
            t[k] = targets[from];
        }
        offsets = o;
        lengths = l;
        used = u;
        targets = t;
        head = 0;
    }

    /** Datagrams queued. */
    public synchronized int size() {
        return count;
    }

    /** Datagram bytes queued. */
    public synchronized long bytes() {
        return bytes;
    }

    /** The bytes of the {@code i}-th datagram from the head: a slice of the ring, valid until it is removed. */
    public synchronized MemorySegment data(int i) {
        int k = index(i);
        return ring.asSlice(offsets[k], lengths[k]);
    }

    /** The address of the {@code i}-th datagram from the head, as its writer gave it. */
    public synchronized InetSocketAddress target(int i) {
        return targets[index(i)];
    }

    /** Native address of the {@code i}-th datagram's first byte (for iovec/WSABUF arrays without a slice). */
    public synchronized long address(int i) {
        return ring.address() + offsets[index(i)];
    }

    /** Offset of the {@code i}-th datagram's first byte in {@link #ring()}. */
    public synchronized int offset(int i) {
        return offsets[index(i)];
    }

    /**
     * The whole ring, made at the first offer and the same segment until {@link #close()}; for a
     * backend that keeps one buffer view over it rather than make one per datagram.
     */
    public synchronized MemorySegment ring() {
        return ring;
    }

    /** Length of the {@code i}-th datagram. */
    public synchronized int length(int i) {
        return lengths[index(i)];
    }

    private int index(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i + " of " + count + " queued datagrams");
        }
        return (head + i) & (offsets.length - 1);
    }

    /** Removes the {@code n} datagrams at the head (sent, or dropped after an error); returns their bytes. */
    public synchronized long remove(int n) {
        if (n < 0 || n > count) {
            throw new IndexOutOfBoundsException(n + " of " + count + " queued datagrams");
        }
        long removed = 0;
        for (int k = 0; k < n; k++) {
            usedBytes -= used[head];
            bytes -= lengths[head];
            removed += lengths[head];
            targets[head] = null;
            head = (head + 1) & (offsets.length - 1);
        }
        count -= n;
        if (count == 0) {
            // Nothing is lent: the next record may start at the beginning.
            writeOffset = 0;
            usedBytes = 0;
        }
        return removed;
    }

    /** Drops every queued datagram; only once the kernel reads none of them. */
    public synchronized void clear() {
        remove(count);
    }

    /** Native bytes held: the ring, once made, until {@link #close()}. */
    public synchronized long nativeBytes() {
        return ring == null ? 0 : capacity;
    }

    /** Refuses further offers, drops what is queued and frees the ring; only once the kernel reads none of it. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        clear();
        if (arena != null) {
            arena.close();
            arena = null;
            ring = null;
            ringBuffer = null;
        }
    }

    /** Refuses further offers but keeps what is queued, to be sent before {@link #close()}. */
    public synchronized void stopOffers() {
        closed = true;
    }
}
