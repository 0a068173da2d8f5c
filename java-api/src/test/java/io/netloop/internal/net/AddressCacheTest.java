package io.netloop.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UDP peer cache: 64 recent senders come back as the same objects, 64 recent targets' bytes unchanged. */
class AddressCacheTest {
    /** Linux's numbers and offsets (AF_INET6 10; sockaddr_in 16 bytes, sockaddr_in6 28). */
    private static final SockAddrCodec CODEC = new SockAddrCodec(2, 10, 16, 28, 0, 2, 4, 2, 8, 24);
    private static final int PEERS = 64;

    @Test
    void sixty_four_senders_in_turn_are_decoded_once_each() throws Exception {
        AddressCache cache = new AddressCache(CODEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment names = arena.allocate(32L * PEERS);
            List<InetSocketAddress> peers = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(i % 2 == 0 ? "127.0.0.1" : "::1"), 40_000 + i);
                peers.add(peer);
                CODEC.encode(peer, names.asSlice(32L * i, 32));
            }
            List<InetSocketAddress> first = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                InetSocketAddress s = cache.sender(names, 32L * i, length(i));
                assertEquals(peers.get(i), s, "sender " + i);
                first.add(s);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < PEERS; i++) {
                    assertSame(first.get(i), cache.sender(names, 32L * i, length(i)), "sender " + i + " again, round " + round);
                }
            }
            // Another port is another sender, never a cached one.
            names.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2, (short) 50_000);
            InetSocketAddress other = cache.sender(names, 0, 16);
            assertNotSame(first.get(0), other);
            assertEquals(50_000, other.getPort());
        }
    }

    @Test
    void sixty_four_targets_in_turn_are_encoded_once_each_and_written_back_unchanged() throws Exception {
        AddressCache cache = new AddressCache(CODEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(32);
            List<InetSocketAddress> targets = new ArrayList<>();
            List<byte[]> encodings = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                InetSocketAddress t = new InetSocketAddress(InetAddress.getByName(i % 2 == 0 ? "127.0.0.1" : "::1"), 41_000 + i);
                targets.add(t);
                assertEquals(-1, cache.writeTarget(t, slot, 0), "target " + i + " before it was encoded");
                slot.fill((byte) 0);
                int length = CODEC.encode(t, slot);
                cache.encoded(t, slot, 0, length);
                encodings.add(slot.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < PEERS; i++) {
                    slot.fill((byte) 0x5a);
                    // An equal address made anew finds the entry too.
                    InetSocketAddress again = new InetSocketAddress(targets.get(i).getAddress(), targets.get(i).getPort());
                    int length = cache.writeTarget(again, slot, 0);
                    assertEquals(encodings.get(i).length, length, "target " + i + ", round " + round);
                    assertArrayEquals(encodings.get(i), slot.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
    }

    private static int length(int peer) {
        return peer % 2 == 0 ? 16 : 28;
    }
}
