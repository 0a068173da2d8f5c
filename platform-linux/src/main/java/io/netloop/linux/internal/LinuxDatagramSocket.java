package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.UdpOptions;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.buffer.DatagramQueue;
import io.netloop.internal.net.AddressCache;
import io.netloop.internal.readiness.DatagramBatch;
import io.netloop.internal.readiness.DatagramSocketOps;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;

/**
 * A non-blocking UDP socket: {@code recvmmsg} and {@code sendmmsg} over its poller's shared
 * {@link DatagramScratch}. Loop thread only.
 *
 * <p>Recent senders' raw addresses and their {@link InetSocketAddress}es are kept ({@link AddressCache}),
 * and so are recent targets' encodings: an echo or a request-reply server answering up to about 64
 * peers in turn decodes and encodes nothing per datagram.
 */
final class LinuxDatagramSocket extends LinuxSocket implements DatagramSocketOps {
    private static final int SEND_SLOTS = 64;

    private final boolean ipv6;
    private final boolean connected;
    private final int maxDatagramSize;
    private final InetSocketAddress local;

    /** Recent senders and targets, so that answering peers in turn decodes and encodes nothing. */
    private final AddressCache addresses = new AddressCache(SockAddrs.CODEC);

    LinuxDatagramSocket(LinuxPoller poller, int fd, boolean ipv6, boolean connected, int maxDatagramSize) {
        super(poller, fd);
        this.ipv6 = ipv6;
        this.connected = connected;
        this.maxDatagramSize = maxDatagramSize;
        this.local = (InetSocketAddress) poller.sockets.socketName(fd, false);
    }

    /** Opens, configures, binds and (with {@code remote}) connects ({@link SocketCalls#openUdp}). */
    static LinuxDatagramSocket open(LinuxPoller poller, InetSocketAddress localAddress, InetSocketAddress remote,
                                    UdpOptions options) throws IOException {
        int fd = poller.sockets.openUdp(localAddress, remote, options, Sockets.SOCK_NONBLOCK);
        return new LinuxDatagramSocket(poller, fd, localAddress.getAddress() instanceof Inet6Address, remote != null,
                options.maxDatagramSize());
    }

    @Override
    public int receive(DatagramBatch batch) throws IOException {
        int slots = batch.slots();
        DatagramScratch s = poller.datagramScratch(slots);
        MemorySegment hdrs = s.headers;
        long iovBase = s.iovecs.address();
        long nameBase = s.names.address();
        for (int i = 0; i < slots; i++) {
            long h = i * DatagramScratch.HDR;
            long iov = i * DatagramScratch.IOV;
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_NAME_OFFSET, nameBase + (long) i * DatagramScratch.NAME);
            hdrs.set(JAVA_INT, h + Sockets.MSGHDR_MSG_NAMELEN_OFFSET, DatagramScratch.NAME);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_IOV_OFFSET, iovBase + iov);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_IOVLEN_OFFSET, 1);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_CONTROL_OFFSET, 0);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_CONTROLLEN_OFFSET, 0);
            hdrs.set(JAVA_INT, h + Sockets.MSGHDR_MSG_FLAGS_OFFSET, 0);
            // maxDatagramSize, not the slot's full size: the kernel says MSG_TRUNC for anything longer.
            s.iovecs.set(JAVA_LONG, iov + Sockets.IOVEC_IOV_BASE_OFFSET, batch.slotAddress(i));
            s.iovecs.set(JAVA_LONG, iov + Sockets.IOVEC_IOV_LEN_OFFSET, maxDatagramSize);
        }
        // Unconnected, a UDP socket has no error a retry would not meet again (no ICMP errors
        // without IP_RECVERR): receive without errno, which allocates nothing, and ask the capturing
        // form why only after a -1. A connected socket's ECONNREFUSED is consumed by the call that
        // returns it, so it is always received with errno.
        int n = connected ? -1 : Sockets.recvmmsg(fd, hdrs, slots, Sockets.MSG_DONTWAIT, MemorySegment.NULL);
        if (n < 0 && !connected && poller.edgeTriggered()) {
            // Edge-triggered, every event ends in a -1, which is EAGAIN: an unconnected UDP socket
            // has no other receive error short of a bug or ENOMEM, and neither can spin here (no
            // edge comes for it); the next datagram's edge reads again.
            return 0;
        }
        while (n < 0 && (n = Sockets.recvmmsg(poller.errno, fd, hdrs, slots, Sockets.MSG_DONTWAIT, MemorySegment.NULL)) < 0) {
            int e = Errno.errno(poller.errno);
            if (e == Errno.EAGAIN) {
                return 0;
            }
            if (e != Errno.EINTR) {
                throw error("receive", e);
            }
        }
        for (int i = 0; i < n; i++) {
            long h = i * DatagramScratch.HDR;
            int length = hdrs.get(JAVA_INT, h + Sockets.MMSGHDR_MSG_LEN_OFFSET);
            boolean truncated = (hdrs.get(JAVA_INT, h + Sockets.MSGHDR_MSG_FLAGS_OFFSET) & Sockets.MSG_TRUNC) != 0;
            batch.set(i, Math.min(length, maxDatagramSize), truncated, sender(s.names, (long) i * DatagramScratch.NAME));
        }
        return n;
    }

    /** The sender at {@code offset}: a recent one again when its bytes are the same. */
    private InetSocketAddress sender(MemorySegment names, long offset) {
        int length = names.get(JAVA_SHORT, offset) == Sockets.AF_INET6
                ? (int) Sockets.SOCKADDR_IN6.byteSize() : (int) Sockets.SOCKADDR_IN.byteSize();
        return addresses.sender(names, offset, length);
    }

    @Override
    public int send(DatagramQueue queue, int from, int max) throws IOException {
        int count = Math.min(max, SEND_SLOTS);
        DatagramScratch s = poller.datagramScratch(SEND_SLOTS);
        MemorySegment hdrs = s.headers;
        long iovBase = s.iovecs.address();
        long nameBase = s.names.address();
        for (int k = 0; k < count; k++) {
            int i = from + k;
            long h = k * DatagramScratch.HDR;
            long iov = k * DatagramScratch.IOV;
            long nameOffset = (long) k * DatagramScratch.NAME;
            if (connected) {
                hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_NAME_OFFSET, 0);
                hdrs.set(JAVA_INT, h + Sockets.MSGHDR_MSG_NAMELEN_OFFSET, 0);
            } else {
                int len = encodeTarget(queue.target(i), s.names, nameOffset);
                hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_NAME_OFFSET, nameBase + nameOffset);
                hdrs.set(JAVA_INT, h + Sockets.MSGHDR_MSG_NAMELEN_OFFSET, len);
            }
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_IOV_OFFSET, iovBase + iov);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_IOVLEN_OFFSET, 1);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_CONTROL_OFFSET, 0);
            hdrs.set(JAVA_LONG, h + Sockets.MSGHDR_MSG_CONTROLLEN_OFFSET, 0);
            hdrs.set(JAVA_INT, h + Sockets.MSGHDR_MSG_FLAGS_OFFSET, 0);
            s.iovecs.set(JAVA_LONG, iov + Sockets.IOVEC_IOV_BASE_OFFSET, queue.address(i));
            s.iovecs.set(JAVA_LONG, iov + Sockets.IOVEC_IOV_LEN_OFFSET, queue.length(i));
        }
        // As in receive: an unconnected socket's refusals (EMSGSIZE, EACCES, no route) recur when
        // asked again, so only a -1 costs the capturing call; a connected one's pending
        // ECONNREFUSED would not, so it always sends with errno.
        int n = connected ? -1 : Sockets.sendmmsg(fd, hdrs, count, 0);
        while (n < 0 && (n = Sockets.sendmmsg(poller.errno, fd, hdrs, count, 0)) < 0) {
            int e = Errno.errno(poller.errno);
            if (e == Errno.EAGAIN) {
                return 0;
            }
            if (e != Errno.EINTR) {
                throw error("send to " + queue.target(from), e);
            }
        }
        return n;
    }

    /** Writes {@code t}'s sockaddr at {@code offset}; an IPv4 target of an IPv6 socket as ::ffff:a.b.c.d. */
    private int encodeTarget(InetSocketAddress t, MemorySegment names, long offset) {
        int cached = addresses.writeTarget(t, names, offset);
        if (cached >= 0) {
            return cached;
        }
        MemorySegment slot = names.asSlice(offset, DatagramScratch.NAME);
        int length;
        if (ipv6 && t.getAddress() instanceof Inet4Address v4) {
            slot.fill((byte) 0);
            slot.set(JAVA_SHORT, Sockets.SOCKADDR_IN6_SIN6_FAMILY_OFFSET, (short) Sockets.AF_INET6);
            slot.set(Sockets.IN_PORT_T, Sockets.SOCKADDR_IN6_SIN6_PORT_OFFSET, (short) t.getPort());
            slot.set(JAVA_BYTE, Sockets.SOCKADDR_IN6_SIN6_ADDR_OFFSET + 10, (byte) 0xff);
            slot.set(JAVA_BYTE, Sockets.SOCKADDR_IN6_SIN6_ADDR_OFFSET + 11, (byte) 0xff);
            MemorySegment.copy(v4.getAddress(), 0, slot, JAVA_BYTE, Sockets.SOCKADDR_IN6_SIN6_ADDR_OFFSET + 12, 4);
            length = (int) Sockets.SOCKADDR_IN6.byteSize();
        } else {
            length = SockAddrs.CODEC.encode(t, slot);
        }
        addresses.encoded(t, names, offset, length);
        return length;
    }

    @Override
    public void membership(boolean join, InetAddress group, NetworkInterface ni) throws IOException {
        poller.sockets.membership(fd, ipv6, join, group, ni);
    }

    @Override
    public IOException pendingError() {
        try {
            int error = poller.sockets.getIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
            return error == 0 ? null : error("receive", error);
        } catch (IOException e) {
            return e;
        }
    }

    /** ECONNREFUSED on a UDP socket is an ICMP port unreachable from its peer. */
    private IOException error(String operation, int errno) {
        IOException e = LinuxErrors.exception(operation, errno);
        if (errno == Errno.ECONNREFUSED) {
            PortUnreachableException p = new PortUnreachableException(e.getMessage() + " (ICMP port unreachable)");
            p.initCause(e);
            return p;
        }
        return e;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
