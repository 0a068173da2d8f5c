package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.internal.net.SockAddrCodec;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Winsock's {@code SOCKADDR_IN}/{@code SOCKADDR_IN6}/{@code SOCKADDR_UN} (Windows 10 1803+: paths
 * only, no abstract namespace), through the shared codec.
 */
final class WinSockAddrs {
    static final SockAddrCodec CODEC = new SockAddrCodec(AF_INET, AF_INET6, SOCKADDR_IN.byteSize(), SOCKADDR_IN6.byteSize(),
            SOCKADDR_STORAGE_SS_FAMILY_OFFSET, SOCKADDR_IN_SIN_PORT_OFFSET, SOCKADDR_IN_SIN_ADDR_OFFSET,
            SOCKADDR_IN6_SIN6_PORT_OFFSET, SOCKADDR_IN6_SIN6_ADDR_OFFSET, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET,
            AF_UNIX, SOCKADDR_UN_SUN_PATH_OFFSET, SUN_PATH_SIZE, false);

    private WinSockAddrs() {
    }

    /**
     * Writes {@code target} as a socket of {@code socketFamily} takes it, into {@code dst} (a
     * {@code sockaddr_storage}); returns its length. An IPv4 target of an IPv6 (dual-stack) socket
     * becomes its IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}): Winsock's dual-stack sockets
     * take only {@code AF_INET6} addresses, and a sender heard over IPv4 reads back as an
     * {@link Inet4Address}.
     */
    static int encodeFor(int socketFamily, InetSocketAddress target, MemorySegment dst) {
        InetAddress ip = target.getAddress();
        if (socketFamily != AF_INET6 || !(ip instanceof Inet4Address)) {
            return CODEC.encode(target, dst);
        }
        int len = (int) SOCKADDR_IN6.byteSize();
        dst.asSlice(0, len).fill((byte) 0);
        dst.set(JAVA_SHORT, SOCKADDR_IN6_SIN6_FAMILY_OFFSET, (short) AF_INET6);
        dst.set(IN_PORT_T, SOCKADDR_IN6_SIN6_PORT_OFFSET, (short) target.getPort());
        dst.set(JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET + 10, (byte) 0xff);
        dst.set(JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET + 11, (byte) 0xff);
        MemorySegment.copy(ip.getAddress(), 0, dst, JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET + 12, 4);
        dst.set(JAVA_INT, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET, 0);
        return len;
    }
}
