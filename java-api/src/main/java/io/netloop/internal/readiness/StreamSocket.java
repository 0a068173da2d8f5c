package io.netloop.internal.readiness;

import io.netloop.PeerCredentials;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import java.io.IOException;
import java.net.SocketAddress;

/** A non-blocking connected (or connecting) stream socket: TCP or Unix-domain. */
public interface StreamSocket extends PollableSocket {
    /** Most chunks one {@link #write} gathers. */
    int MAX_GATHER = 256;

    /**
     * Reads into the start of {@code buffer}.
     *
     * @return bytes read; 0 when nothing is available now; -1 at end of input
     */
    int read(ReadBuffer buffer) throws IOException;

    /**
     * Writes from the head of {@code queue} in one gathering call over at most {@link #MAX_GATHER}
     * chunks, without consuming them.
     *
     * @return bytes written; 0 when the socket cannot take any now
     */
    long write(WriteQueue queue) throws IOException;

    /** @return {@code true} once connected, {@code false} while still in progress; throws when it failed */
    boolean finishConnect() throws IOException;

    void shutdownOutput() throws IOException;

    /** Closes so that the peer sees a reset ({@code SO_LINGER} 0); never throws. */
    void abort();

    /** The socket's pending error ({@code SO_ERROR}), or {@code null}. */
    IOException pendingError();

    SocketAddress localAddress();

    SocketAddress remoteAddress();

    /** The peer's credentials ({@code SO_PEERCRED}) for an {@code AF_UNIX} socket, or {@code null} where unknown. */
    default PeerCredentials peerCredentials() {
        return null;
    }
}
