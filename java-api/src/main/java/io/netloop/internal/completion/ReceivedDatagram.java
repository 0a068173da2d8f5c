package io.netloop.internal.completion;

import io.netloop.internal.net.AddressCache;
import io.netloop.internal.net.SockAddrCodec;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One received datagram as a port describes it to the core ({@link CompletionPort#receivedDatagram}):
 * one per UDP socket, refilled for every datagram, so that receiving allocates nothing per datagram.
 * Loop thread only.
 *
 * <p>A sender is decoded only when its address bytes were not seen lately ({@link AddressCache}): a
 * socket that hears from up to about 64 peers in turn decodes each address once.
 */
public final class ReceivedDatagram {

    /** The payload: a read-only view from its position to its limit, valid until the datagram is released. */
    public ByteBuffer data;
    /** The sender, set by {@link #sender}. */
    public InetSocketAddress sender;
    /** Whether the datagram was longer than the socket's {@code maxDatagramSize} and cut. */
    public boolean truncated;
    /** The port's buffer that holds the datagram, for {@link CompletionPort.DatagramBuffers#release}; -1 for the core's own. */
    public int portBuffer = -1;

    /** Recent senders by their address bytes; made at the first datagram, with the port's codec. */
    private AddressCache senders;

    /** Creates an empty description, filled by the port per datagram. */
    public ReceivedDatagram() {
    }

    /**
     * Sets {@link #sender} from the {@code sockaddr} of {@code length} bytes at {@code offset} of
     * {@code memory}: a recent sender again when the bytes are the same, else decoded by {@code codec}.
     */
    public void sender(MemorySegment memory, long offset, int length, SockAddrCodec codec) {
        if (senders == null) {
            senders = new AddressCache(codec);
        }
        sender = senders.sender(memory, offset, length);
    }
}
