package io.netloop.samples.echo;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import java.nio.ByteBuffer;

/**
 * Sends every byte back. Stops reading while the peer is slow to take the echo (writability),
 * so a client that sends without reading cannot make the server queue without bound.
 */
public final class EchoHandler implements ConnectionHandler {
    @Override
    public void onData(Connection connection, ByteBuffer data) {
        connection.write(data);
        if (!connection.isWritable()) {
            connection.pauseReading();
        }
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (writable) {
            connection.resumeReading();
        }
    }
}
