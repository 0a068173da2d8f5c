package io.netloop.internal.completion;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.netloop.internal.net.SockAddrCodec;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One received datagram as a port describes it to the core ({@link CompletionPort#receivedDatagram}):
 * one per UDP socket, refilled for every datagram, so that receiving allocates nothing per datagram.
 * Loop thread only.
 *
 * <p>The sender is decoded only when its address bytes differ from the last sender's: a socket
 * that hears from one peer (a connected socket, a client of one server) decodes its address once.
 */
public final class ReceivedDatagram {
    /** The longest address a sender may have here ({@code sockaddr_in6} is 28 bytes on both platforms). */
    private static final int MAX_ADDRESS = 128;

    /** The payload: a read-only view from its position to its limit, valid until the datagram is released. */
    public ByteBuffer data;
    /** The sender, set by {@link #sender}. */
    public InetSocketAddress sender;
    /** Whether the datagram was longer than the socket's {@code maxDatagramSize} and cut. */
    public boolean truncated;
    /** The port's buffer that holds the datagram, for {@link CompletionPort.DatagramBuffers#release}; -1 for the core's own. */
    public int portBuffer = -1;

    /** The last sender's address bytes (heap memory of this object), and how many of them there are. */
    private final byte[] lastAddress = new byte[MAX_ADDRESS];
    private final MemorySegment lastAddressSegment = MemorySegment.ofArray(lastAddress);
    private int lastAddressLength = -1;

    /** Creates an empty description, filled by the port per datagram. */
    public ReceivedDatagram() {
    }

    /**
     * Sets {@link #sender} from the {@code sockaddr} of {@code length} bytes at {@code offset} of
     * {@code memory}: the last sender again when the bytes are the same, else decoded by {@code codec}.
     */
    public void sender(MemorySegment memory, long offset, int length, SockAddrCodec codec) {
        if (length == lastAddressLength && sender != null
                && MemorySegment.mismatch(memory, offset, offset + length, lastAddressSegment, 0, length) < 0) {
            return;
        }
        int n = Math.min(length, MAX_ADDRESS);
        MemorySegment.copy(memory, JAVA_BYTE, offset, lastAddress, 0, n);
        lastAddressLength = n;
        sender = codec.decode(memory.asSlice(offset, n));
    }
}
