package io.netloop.internal.nio;

import io.netloop.SocketOptions;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

final class NioListenSocket extends NioPoller.NioSocket implements ListenSocket {
    private final NioPoller poller;
    private final ServerSocketChannel channel;
    private final SocketAddress local;

    NioListenSocket(NioPoller poller, ServerSocketChannel channel) throws IOException {
        this.poller = poller;
        this.channel = channel;
        this.local = (SocketAddress) channel.getLocalAddress();
    }

    @Override
    public StreamSocket accept(SocketOptions options) throws IOException {
        SocketChannel ch;
        try {
            ch = channel.accept();
        } catch (IOException e) {
            throw NioErrors.translate("accept", e);
        }
        if (ch == null) {
            return null;
        }
        try {
            ch.configureBlocking(false);
            NioPoller.configure(ch, options);
            return new NioStreamSocket(poller, ch);
        } catch (IOException e) {
            ch.close();
            throw NioErrors.translate("accept", e);
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    SelectableChannel channel() {
        return channel;
    }

    @Override
    int toOps(int interest) {
        return (interest & ReadinessPoller.READ) != 0 ? SelectionKey.OP_ACCEPT : 0;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a listening channel has nothing left to report
        }
        poller.flushCancelledKeys();
    }
}
