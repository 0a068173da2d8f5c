package io.netloop.linux.internal;

import static io.netloop.bindings.linux.Sockets.AF_INET;
import static io.netloop.bindings.linux.Sockets.AF_INET6;
import static io.netloop.bindings.linux.Sockets.IN_PORT_T;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN6;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN6_SIN6_ADDR_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN6_SIN6_FAMILY_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN6_SIN6_PORT_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN_SIN_ADDR_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN_SIN_FAMILY_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_IN_SIN_PORT_OFFSET;
import static io.netloop.bindings.linux.Sockets.SOCKADDR_STORAGE_SS_FAMILY_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@link InetSocketAddress} to and from {@code struct sockaddr_in}/{@code sockaddr_in6}. Not on the hot path. */
final class SockAddrs {
    private SockAddrs() {
    }

    static int family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** Writes {@code a} at the start of {@code dst} (a {@code sockaddr_storage}); returns its length. */
    static int encode(InetSocketAddress a, MemorySegment dst) {
        InetAddress ip = a.getAddress();
        byte[] bytes = ip.getAddress();
        dst.asSlice(0, SOCKADDR_IN6.byteSize()).fill((byte) 0);
        if (ip instanceof Inet4Address) {
            dst.set(JAVA_SHORT, SOCKADDR_IN_SIN_FAMILY_OFFSET, (short) AF_INET);
            dst.set(IN_PORT_T, SOCKADDR_IN_SIN_PORT_OFFSET, (short) a.getPort());
            MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, SOCKADDR_IN_SIN_ADDR_OFFSET, 4);
            return (int) SOCKADDR_IN.byteSize();
        }
        dst.set(JAVA_SHORT, SOCKADDR_IN6_SIN6_FAMILY_OFFSET, (short) AF_INET6);
        dst.set(IN_PORT_T, SOCKADDR_IN6_SIN6_PORT_OFFSET, (short) a.getPort());
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET, 16);
        dst.set(JAVA_INT, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET, ((Inet6Address) ip).getScopeId());
        return (int) SOCKADDR_IN6.byteSize();
    }

    /** Reads the address at the start of {@code src}, or {@code null} for a family other than IPv4/IPv6. */
    static InetSocketAddress decode(MemorySegment src) {
        int family = src.get(JAVA_SHORT, SOCKADDR_STORAGE_SS_FAMILY_OFFSET);
        try {
            if (family == AF_INET) {
                byte[] b = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, SOCKADDR_IN_SIN_ADDR_OFFSET, b, 0, 4);
                int port = Short.toUnsignedInt(src.get(IN_PORT_T, SOCKADDR_IN_SIN_PORT_OFFSET));
                return new InetSocketAddress(InetAddress.getByAddress(b), port);
            }
            if (family == AF_INET6) {
                byte[] b = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET, b, 0, 16);
                int port = Short.toUnsignedInt(src.get(IN_PORT_T, SOCKADDR_IN6_SIN6_PORT_OFFSET));
                int scope = src.get(JAVA_INT, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a " + b(family) + " address of the wrong length", e);
        }
        return null;
    }

    private static String b(int family) {
        return family == AF_INET ? "IPv4" : "IPv6";
    }
}
