package io.netloop.internal.nio;

import io.netloop.internal.buffer.DatagramQueue;
import io.netloop.internal.readiness.DatagramBatch;
import io.netloop.internal.readiness.DatagramSocketOps;
import io.netloop.internal.readiness.ReadinessPoller;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A UDP socket on a {@link DatagramChannel}: one datagram per JDK call. The JDK's {@code receive}
 * cuts a long datagram silently, so each slot is one byte longer than the socket's
 * {@code maxDatagramSize}: a datagram that fills it was longer, and is delivered cut to
 * {@code maxDatagramSize} with {@code truncated} set.
 */
final class NioDatagramSocket extends NioPoller.NioSocket implements DatagramSocketOps {
    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final boolean connected;
    private final int maxDatagramSize;
    /** Joined groups: leaving drops the key. Loop thread only. */
    private final Map<String, MembershipKey> memberships = new HashMap<>();
    /** A buffer over the send queue's whole ring, positioned per datagram; rebuilt only if the ring changes. */
    private MemorySegment ringOfView;
    private ByteBuffer ringView;

    /** {@code IPV6_V6ONLY} emulated: IPv4 senders' datagrams are dropped, IPv4 targets refused. */
    private final boolean ipv6Only;

    NioDatagramSocket(DatagramChannel channel, boolean connected, int maxDatagramSize, boolean ipv6Only) throws IOException {
        this.channel = channel;
        this.ipv6Only = ipv6Only;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.connected = connected;
        this.maxDatagramSize = maxDatagramSize;
    }

    @Override
    public int receive(DatagramBatch batch) throws IOException {
        int slots = batch.slots();
        for (int i = 0; i < slots; i++) {
            ByteBuffer b = batch.writableSlot(i).limit(maxDatagramSize + 1);
            InetSocketAddress sender;
            try {
                // The JDK reuses its last sender's address object when the next datagram comes from it.
                sender = (InetSocketAddress) channel.receive(b);
            } catch (IOException e) {
                if (i > 0) {
                    return i; // deliver these first; the error is met again by the next call only if it persists
                }
                throw translate("receive", e);
            }
            if (sender == null) {
                return i;
            }
            if (ipv6Only && sender.getAddress() instanceof java.net.Inet4Address) {
                i--; // as if the kernel had not delivered it (see NioPoller.openUdp)
                continue;
            }
            int n = b.position();
            boolean truncated = n > maxDatagramSize;
            batch.set(i, truncated ? maxDatagramSize : n, truncated, sender);
        }
        return slots;
    }

    @Override
    public int send(DatagramQueue queue, int from, int max) throws IOException {
        for (int k = 0; k < max; k++) {
            int i = from + k;
            ByteBuffer b = view(queue, i);
            if (ipv6Only && queue.target(i).getAddress() instanceof java.net.Inet4Address) {
                if (k > 0) {
                    return k;
                }
                throw new java.net.NoRouteToHostException("send failed: " + queue.target(i)
                        + " is an IPv4 address and this socket is IPv6 only");
            }
            int n;
            try {
                n = connected ? channel.write(b) : channel.send(b, queue.target(i));
            } catch (IOException | RuntimeException e) {
                if (k > 0) {
                    return k;
                }
                throw translate("send", e);
            }
            if (n == 0 && queue.length(i) > 0) {
                return k; // the send buffer is full
            }
        }
        return max;
    }

    /** Datagram {@code i} as a buffer: one view over the ring, positioned, not a new buffer per datagram. */
    private ByteBuffer view(DatagramQueue queue, int i) {
        MemorySegment ring = queue.ring();
        if (ring != ringOfView) {
            ringOfView = ring;
            ringView = ring.asByteBuffer();
        }
        int offset = queue.offset(i);
        return ringView.clear().limit(offset + queue.length(i)).position(offset);
    }

    @Override
    public void membership(boolean join, InetAddress group, NetworkInterface ni) throws IOException {
        String key = group.getHostAddress() + "%" + ni.getName();
        if (join) {
            if (memberships.containsKey(key)) {
                throw new SocketException("already joined " + group + " on " + ni.getName());
            }
            memberships.put(key, channel.join(group, ni));
        } else {
            MembershipKey k = memberships.remove(key);
            if (k == null) {
                throw new SocketException("not a member of " + group + " on " + ni.getName());
            }
            k.drop();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    SelectableChannel channel() {
        return channel;
    }

    @Override
    int toOps(int interest) {
        int ops = 0;
        if ((interest & ReadinessPoller.READ) != 0) {
            ops |= SelectionKey.OP_READ;
        }
        if ((interest & ReadinessPoller.WRITE) != 0) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing has nothing left to report
        }
    }

    /** The JDK says "Connection refused" (or throws PortUnreachableException) for an ICMP port unreachable. */
    private IOException translate(String operation, Exception e) {
        if (e instanceof PortUnreachableException p) {
            return p;
        }
        if (e instanceof IOException io && String.valueOf(io.getMessage()).toLowerCase(Locale.ROOT).contains("connection refused")) {
            PortUnreachableException p = new PortUnreachableException(operation + " failed: the peer's port is unreachable");
            p.initCause(io);
            return p;
        }
        if (e instanceof RuntimeException r && !(e instanceof java.nio.channels.UnresolvedAddressException
                || e instanceof java.nio.channels.UnsupportedAddressTypeException)) {
            return new SocketException(operation + " failed: " + r);
        }
        return NioErrors.translate(operation, e);
    }
}
