package io.netloop.internal.nio;

import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

final class NioStreamSocket extends NioPoller.NioSocket implements StreamSocket {
    private final NioPoller poller;
    private final SocketChannel channel;

    NioStreamSocket(NioPoller poller, SocketChannel channel) {
        this.poller = poller;
        this.channel = channel;
    }

    @Override
    public int read(ReadBuffer buffer) throws IOException {
        ByteBuffer bb = buffer.buffer();
        bb.clear();
        try {
            return channel.read(bb);
        } catch (IOException e) {
            throw NioErrors.translate("read", e);
        }
    }

    @Override
    public long write(WriteQueue queue) throws IOException {
        if (queue.chunkCount() == 1) {
            // The JDK's gathering write allocates a releaser per arena-backed buffer; a single
            // buffer's write does not, and one chunk is what small messages queue.
            Chunk c = queue.chunk(0);
            try {
                return channel.write(c.buffer().limit(c.writeIndex()).position(c.readIndex()));
            } catch (IOException e) {
                throw NioErrors.translate("write", e);
            }
        }
        ByteBuffer[] gather = poller.gather;
        int count = Math.min(queue.chunkCount(), MAX_GATHER);
        for (int i = 0; i < count; i++) {
            Chunk c = queue.chunk(i);
            gather[i] = c.buffer().limit(c.writeIndex()).position(c.readIndex());
        }
        try {
            return channel.write(gather, 0, count);
        } catch (IOException e) {
            throw NioErrors.translate("write", e);
        } finally {
            java.util.Arrays.fill(gather, 0, count, null);
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        try {
            return channel.finishConnect();
        } catch (IOException e) {
            throw NioErrors.translate("connect", e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw NioErrors.translate("shutdown", e);
        }
    }

    @Override
    public void abort() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
            // a socket that cannot linger is closed plainly
        }
        close();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing has nothing left to report
        }
    }

    @Override
    public IOException pendingError() {
        return null; // the JDK reports socket errors through the next read or write
    }

    @Override
    public SocketAddress localAddress() {
        try {
            return (SocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        try {
            return (SocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
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
            ops |= channel.isConnectionPending() ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
        }
        return ops;
    }
}
