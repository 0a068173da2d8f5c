package io.netloop.windows.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.completion.Operation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * What the Windows UDP adapters compute without calling Winsock, so it runs on every OS: how a
 * target is written for a dual-stack socket, how a receive that ended with {@code WSAEMSGSIZE}
 * becomes a truncated datagram, and the longest datagram of each family. The calls themselves are
 * proven by {@code WindowsUdpSequencesTest} (native-bindings, under Wine) and, through the Java
 * backends, by the conformance suite on the Windows CI leg.
 */
class WindowsUdpAddressingTest {

    @Test
    void ipv4TargetOfADualStackSocketIsWrittenAsItsMappedIpv6Address() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(Ws2_32.SOCKADDR_STORAGE);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5353);

            int len = WinSockAddrs.encodeFor(Ws2_32.AF_INET6, target, dst);
            assertEquals(Ws2_32.SOCKADDR_IN6.byteSize(), len);
            assertEquals(Ws2_32.AF_INET6, dst.get(ValueLayout.JAVA_SHORT, Ws2_32.SOCKADDR_IN6_SIN6_FAMILY_OFFSET));
            assertEquals(5353, Short.toUnsignedInt(dst.get(Ws2_32.IN_PORT_T, Ws2_32.SOCKADDR_IN6_SIN6_PORT_OFFSET)));
            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
            assertArrayEquals(mapped, dst.asSlice(Ws2_32.SOCKADDR_IN6_SIN6_ADDR_OFFSET, 16).toArray(ValueLayout.JAVA_BYTE));
            // And it reads back as the IPv4 sender the handler saw (the JDK turns a mapped address into an Inet4Address).
            assertEquals(target, WinSockAddrs.CODEC.decode(dst));

            // An IPv4 socket, or an IPv6 target, is written as is.
            assertEquals(Ws2_32.SOCKADDR_IN.byteSize(), WinSockAddrs.encodeFor(Ws2_32.AF_INET, target, dst));
            assertEquals(Ws2_32.AF_INET, dst.get(ValueLayout.JAVA_SHORT, Ws2_32.SOCKADDR_IN_SIN_FAMILY_OFFSET));
            InetSocketAddress six = new InetSocketAddress(InetAddress.getByName("::1"), 9);
            assertEquals(Ws2_32.SOCKADDR_IN6.byteSize(), WinSockAddrs.encodeFor(Ws2_32.AF_INET6, six, dst));
            assertEquals(six, WinSockAddrs.CODEC.decode(dst));
        }
    }

    @Test
    void receiveFromEndingWithWsaemsgsizeIsTheBufferLengthAndTruncated() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = arena.allocate(OverlappedPort.DATA_AT + OverlappedPort.FROM_AT + Ws2_32.SOCKADDR_STORAGE.byteSize(), 8);
            op.set(ValueLayout.JAVA_INT, OverlappedPort.KIND_AT, Operation.RECEIVE_FROM);
            op.set(ValueLayout.JAVA_INT, OverlappedPort.DATA_AT + Ws2_32.WSABUF_LEN_OFFSET, 1500);

            assertEquals(1500, OverlappedPort.datagramResult(op.address(), -WinErrors.WSAEMSGSIZE));
            assertEquals(1, op.get(ValueLayout.JAVA_INT, OverlappedPort.TRUNCATED_AT));

            // Anything else passes through: bytes, other errors.
            op.set(ValueLayout.JAVA_INT, OverlappedPort.TRUNCATED_AT, 0);
            assertEquals(42, OverlappedPort.datagramResult(op.address(), 42));
            assertEquals(-WinErrors.WSAECONNRESET, OverlappedPort.datagramResult(op.address(), -WinErrors.WSAECONNRESET));
            assertEquals(0, op.get(ValueLayout.JAVA_INT, OverlappedPort.TRUNCATED_AT));

            // Only a datagram receive: a stream receive never ends with WSAEMSGSIZE, and is left alone if it did.
            op.set(ValueLayout.JAVA_INT, OverlappedPort.KIND_AT, Operation.RECEIVE);
            assertEquals(-WinErrors.WSAEMSGSIZE, OverlappedPort.datagramResult(op.address(), -WinErrors.WSAEMSGSIZE));
        }
    }

    @Test
    void longestDatagramOfEachFamily() {
        assertEquals(65_507, WinSocketCalls.maxDatagram(Ws2_32.AF_INET));
        assertEquals(65_527, WinSocketCalls.maxDatagram(Ws2_32.AF_INET6));
    }

    @Test
    void operationHeaderLeavesTheDataAligned() {
        assertEquals(0, OverlappedPort.DATA_AT % 8, "WSABUF and sockaddr_storage need 8-byte alignment");
        assertEquals(0, (OverlappedPort.DATA_AT + OverlappedPort.FROM_AT) % 8);
        assertEquals(0, (OverlappedPort.DATA_AT + OverlappedPort.TO_AT) % 8);
    }
}
