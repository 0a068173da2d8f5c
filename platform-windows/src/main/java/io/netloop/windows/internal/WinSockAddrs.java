package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.AF_INET;
import static io.netloop.bindings.windows.Ws2_32.AF_INET6;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN6;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN6_SIN6_ADDR_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN6_SIN6_FAMILY_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN6_SIN6_PORT_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN_SIN_ADDR_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN_SIN_FAMILY_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKADDR_STORAGE_SS_FAMILY_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** {@link InetSocketAddress} to and from Winsock's {@code SOCKADDR_IN}/{@code SOCKADDR_IN6}. Not on the hot path. */
final class WinSockAddrs {
    /** Ports are in network byte order in a sockaddr. */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private WinSockAddrs() {
    }

    static int family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** Writes {@code a} at the start of {@code dst} (a {@code SOCKADDR_STORAGE}); returns its length. */
    static int encode(InetSocketAddress a, MemorySegment dst) {
        InetAddress ip = a.getAddress();
        byte[] bytes = ip.getAddress();
        for (long i = 0; i < SOCKADDR_IN6.byteSize(); i++) {
            dst.set(JAVA_BYTE, i, (byte) 0);
        }
        if (ip instanceof Inet4Address) {
            dst.set(JAVA_SHORT, SOCKADDR_IN_SIN_FAMILY_OFFSET, (short) AF_INET);
            dst.set(PORT, SOCKADDR_IN_SIN_PORT_OFFSET, (short) a.getPort());
            MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, SOCKADDR_IN_SIN_ADDR_OFFSET, 4);
            return (int) SOCKADDR_IN.byteSize();
        }
        dst.set(JAVA_SHORT, SOCKADDR_IN6_SIN6_FAMILY_OFFSET, (short) AF_INET6);
        dst.set(PORT, SOCKADDR_IN6_SIN6_PORT_OFFSET, (short) a.getPort());
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET, 16);
        dst.set(JAVA_INT, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET, ((Inet6Address) ip).getScopeId());
        return (int) SOCKADDR_IN6.byteSize();
    }

    /** The wildcard address and port 0 of {@code family}, for binding before {@code ConnectEx}. */
    static int encodeWildcard(int family, MemorySegment dst) {
        try {
            InetAddress any = family == AF_INET6 ? InetAddress.getByAddress(new byte[16]) : InetAddress.getByAddress(new byte[4]);
            return encode(new InetSocketAddress(any, 0), dst);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the address at the start of {@code src}, or {@code null} for a family other than IPv4/IPv6. */
    static InetSocketAddress decode(MemorySegment src) {
        int family = src.get(JAVA_SHORT, SOCKADDR_STORAGE_SS_FAMILY_OFFSET);
        try {
            if (family == AF_INET) {
                byte[] b = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, SOCKADDR_IN_SIN_ADDR_OFFSET, b, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(b), Short.toUnsignedInt(src.get(PORT, SOCKADDR_IN_SIN_PORT_OFFSET)));
            }
            if (family == AF_INET6) {
                byte[] b = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, SOCKADDR_IN6_SIN6_ADDR_OFFSET, b, 0, 16);
                int port = Short.toUnsignedInt(src.get(PORT, SOCKADDR_IN6_SIN6_PORT_OFFSET));
                int scope = src.get(JAVA_INT, SOCKADDR_IN6_SIN6_SCOPE_ID_OFFSET);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of the wrong length", e);
        }
        return null;
    }
}
