package io.netloop.internal.readiness;

import io.netloop.SocketOptions;
import java.io.IOException;
import java.net.SocketAddress;

/** A non-blocking listening socket. */
public interface ListenSocket extends PollableSocket {
    /**
     * Accepts one connection, non-blocking, with {@code options} applied to it.
     *
     * @return {@code null} when none is waiting
     */
    StreamSocket accept(SocketOptions options) throws IOException;

    SocketAddress localAddress();
}
