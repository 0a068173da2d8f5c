package io.netloop.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * A UDP socket's recent peers, both ways: senders' raw {@code sockaddr} bytes to their decoded
 * {@link InetSocketAddress}, and targets to their encoded bytes. Decoding allocates (an address
 * and its bytes) and so does encoding ({@code InetAddress.getAddress()} copies), so a server that
 * answers many peers in turn would allocate per datagram with only the last peer kept; with 256
 * entries it allocates only for a peer it has not seen lately. Four-way set-associative (64 sets of
 * 4, by a hash of the address), so that peers whose hashes meet do not evict each other in turn as
 * they would in a direct-mapped table: 64 peers answered in turn (the UDP benchmark) fit with room
 * to spare, where 64 entries in 16 sets overflowed some sets (24-31 bytes per datagram measured).
 * Loop thread only; about 18 KiB per socket.
 *
 * <p>Only {@code sockaddr_in} (16 bytes) and {@code sockaddr_in6} (28 bytes, the same on Linux and
 * Windows) are cached, as two or four words; another length is decoded every time.
 */
public final class AddressCache {
    private static final int WAYS = 4;
    private static final int SETS = 64;
    private static final int ENTRIES = WAYS * SETS;
    private static final int IN4 = 16, IN6 = 28;

    private final SockAddrCodec codec;

    // Senders: the key words of each entry and its decoded address (null: empty).
    private final long[] senderA = new long[ENTRIES];
    private final long[] senderB = new long[ENTRIES];
    private final long[] senderC = new long[ENTRIES];
    private final int[] senderD = new int[ENTRIES];
    private final int[] senderLength = new int[ENTRIES];
    private final InetSocketAddress[] senders = new InetSocketAddress[ENTRIES];
    /** Per set, the way the next new sender takes (round robin). */
    private final byte[] senderVictim = new byte[SETS];

    // Targets: the address of each entry and its encoded words.
    private final InetSocketAddress[] targets = new InetSocketAddress[ENTRIES];
    private final long[] targetA = new long[ENTRIES];
    private final long[] targetB = new long[ENTRIES];
    private final long[] targetC = new long[ENTRIES];
    private final int[] targetD = new int[ENTRIES];
    private final int[] targetLength = new int[ENTRIES];
    private final byte[] targetVictim = new byte[SETS];

    /** @param codec decodes a sender seen for the first time (lately) */
    public AddressCache(SockAddrCodec codec) {
        this.codec = codec;
    }

    /**
     * The sender whose {@code sockaddr} is the {@code length} bytes at {@code offset} of
     * {@code memory}: the cached address when those bytes were seen lately, else decoded (and
     * cached). A dual-stack socket's IPv4 senders ({@code ::ffff:a.b.c.d}) come back as IPv4
     * addresses, as the codec decodes them.
     *
     * @return the sender, or {@code null} for an address of another family than IPv4/IPv6
     */
    public InetSocketAddress sender(MemorySegment memory, long offset, int length) {
        if (length != IN4 && length != IN6) {
            return codec.decode(memory.asSlice(offset, length));
        }
        long a = memory.get(JAVA_LONG_UNALIGNED, offset);
        // sockaddr_in's last 8 bytes are sin_zero: not part of the address, left out of the key.
        long b = length == IN6 ? memory.get(JAVA_LONG_UNALIGNED, offset + 8) : 0;
        long c = length == IN6 ? memory.get(JAVA_LONG_UNALIGNED, offset + 16) : 0;
        int d = length == IN6 ? memory.get(JAVA_INT_UNALIGNED, offset + 24) : 0;
        int set = set(((a * 0x9E3779B97F4A7C15L + b) * 0x9E3779B97F4A7C15L + c) * 0x9E3779B97F4A7C15L + d);
        for (int i = set * WAYS, end = i + WAYS; i < end; i++) {
            InetSocketAddress s = senders[i];
            if (s != null && senderA[i] == a && senderB[i] == b && senderC[i] == c && senderD[i] == d && senderLength[i] == length) {
                return s;
            }
        }
        int i = set * WAYS + (senderVictim[set]++ & (WAYS - 1));
        InetSocketAddress s = codec.decode(memory.asSlice(offset, length));
        senders[i] = s;
        senderA[i] = a;
        senderB[i] = b;
        senderC[i] = c;
        senderD[i] = d;
        senderLength[i] = length;
        return s;
    }

    /**
     * Writes {@code target}'s cached encoding at {@code offset} of {@code memory}, if it has one.
     *
     * @return the encoding's length, or -1 when {@code target} is not cached: encode it there
     *         and call {@link #encoded}
     */
    public int writeTarget(InetSocketAddress target, MemorySegment memory, long offset) {
        int i = targetIndex(target);
        if (i < 0) {
            return -1;
        }
        int length = targetLength[i];
        memory.set(JAVA_LONG_UNALIGNED, offset, targetA[i]);
        memory.set(JAVA_LONG_UNALIGNED, offset + 8, targetB[i]);
        if (length == IN6) {
            memory.set(JAVA_LONG_UNALIGNED, offset + 16, targetC[i]);
            memory.set(JAVA_INT_UNALIGNED, offset + 24, targetD[i]);
        }
        return length;
    }

    /** Remembers the {@code length} bytes at {@code offset} of {@code memory} as {@code target}'s encoding. */
    public void encoded(InetSocketAddress target, MemorySegment memory, long offset, int length) {
        if (length != IN4 && length != IN6) {
            return;
        }
        int set = set(target.hashCode());
        int i = set * WAYS + (targetVictim[set]++ & (WAYS - 1));
        targets[i] = target;
        targetA[i] = memory.get(JAVA_LONG_UNALIGNED, offset);
        targetB[i] = memory.get(JAVA_LONG_UNALIGNED, offset + 8);
        targetC[i] = length == IN6 ? memory.get(JAVA_LONG_UNALIGNED, offset + 16) : 0;
        targetD[i] = length == IN6 ? memory.get(JAVA_INT_UNALIGNED, offset + 24) : 0;
        targetLength[i] = length;
    }

    /** The entry that holds {@code target}, or -1. */
    private int targetIndex(InetSocketAddress target) {
        int set = set(target.hashCode());
        for (int i = set * WAYS, end = i + WAYS; i < end; i++) {
            InetSocketAddress t = targets[i];
            if (t != null && (t == target || t.equals(target))) {
                return i;
            }
        }
        return -1;
    }

    /** The set of a key: its bits mixed (MurmurHash3's 64-bit finalizer), so that ports and addresses that differ in a few bits spread. */
    private static int set(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h >>> (Long.SIZE - Integer.numberOfTrailingZeros(SETS)));
    }
}
