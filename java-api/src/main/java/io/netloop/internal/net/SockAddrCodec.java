package io.netloop.internal.net;

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

/**
 * {@link InetSocketAddress} to and from {@code sockaddr_in}/{@code sockaddr_in6}, written once for
 * every platform: each backend gives its address-family numbers and its bindings' sizes and
 * offsets (the same shape on Linux and Windows; {@code AF_INET6} is 10 on one and 23 on the
 * other). Not on the hot path.
 */
public final class SockAddrCodec {
    /** Ports are in network byte order in a sockaddr. */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final int afInet;
    private final int afInet6;
    private final long in4Size;
    private final long in6Size;
    private final long familyOffset;
    private final long in4PortOffset;
    private final long in4AddrOffset;
    private final long in6PortOffset;
    private final long in6AddrOffset;
    private final long in6ScopeOffset;

    /**
     * @param familyOffset the family's offset, the same in both structs and in {@code sockaddr_storage}
     */
    public SockAddrCodec(int afInet, int afInet6, long in4Size, long in6Size, long familyOffset,
                         long in4PortOffset, long in4AddrOffset, long in6PortOffset, long in6AddrOffset, long in6ScopeOffset) {
        this.afInet = afInet;
        this.afInet6 = afInet6;
        this.in4Size = in4Size;
        this.in6Size = in6Size;
        this.familyOffset = familyOffset;
        this.in4PortOffset = in4PortOffset;
        this.in4AddrOffset = in4AddrOffset;
        this.in6PortOffset = in6PortOffset;
        this.in6AddrOffset = in6AddrOffset;
        this.in6ScopeOffset = in6ScopeOffset;
    }

    public int family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? afInet6 : afInet;
    }

    /** Writes {@code a} at the start of {@code dst} (a {@code sockaddr_storage}); returns its length. */
    public int encode(InetSocketAddress a, MemorySegment dst) {
        InetAddress ip = a.getAddress();
        byte[] bytes = ip.getAddress();
        for (long i = 0; i < in6Size; i++) {
            dst.set(JAVA_BYTE, i, (byte) 0);
        }
        if (ip instanceof Inet4Address) {
            dst.set(JAVA_SHORT, familyOffset, (short) afInet);
            dst.set(PORT, in4PortOffset, (short) a.getPort());
            MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, in4AddrOffset, 4);
            return (int) in4Size;
        }
        dst.set(JAVA_SHORT, familyOffset, (short) afInet6);
        dst.set(PORT, in6PortOffset, (short) a.getPort());
        MemorySegment.copy(bytes, 0, dst, JAVA_BYTE, in6AddrOffset, 16);
        dst.set(JAVA_INT, in6ScopeOffset, ((Inet6Address) ip).getScopeId());
        return (int) in6Size;
    }

    /** The wildcard address of {@code family} with port 0 (to bind before connecting). */
    public int encodeWildcard(int family, MemorySegment dst) {
        try {
            InetAddress any = InetAddress.getByAddress(new byte[family == afInet6 ? 16 : 4]);
            return encode(new InetSocketAddress(any, 0), dst);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the address at the start of {@code src}, or {@code null} for a family other than IPv4/IPv6. */
    public InetSocketAddress decode(MemorySegment src) {
        int family = src.get(JAVA_SHORT, familyOffset);
        try {
            if (family == afInet) {
                byte[] b = new byte[4];
                MemorySegment.copy(src, JAVA_BYTE, in4AddrOffset, b, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(b), Short.toUnsignedInt(src.get(PORT, in4PortOffset)));
            }
            if (family == afInet6) {
                byte[] b = new byte[16];
                MemorySegment.copy(src, JAVA_BYTE, in6AddrOffset, b, 0, 16);
                int port = Short.toUnsignedInt(src.get(PORT, in6PortOffset));
                int scope = src.get(JAVA_INT, in6ScopeOffset);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of the wrong length", e);
        }
        return null;
    }
}
