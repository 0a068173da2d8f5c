package io.netloop.conformance;

import io.netloop.Connection;
import java.nio.ByteBuffer;

/**
 * Echoes what it reads, with backpressure: it stops reading while its connection is unwritable,
 * so an echo server's memory stays near the high watermark whatever the client sends.
 */
public class EchoHandler extends RecordingHandler {

    public EchoHandler() {
        super(false);
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
        super.onData(c, data);
        if (!c.write(data)) {
            violation("echo write returned false on an open connection");
        }
    }

    @Override
    public void onWritabilityChanged(Connection c, boolean writable) {
        super.onWritabilityChanged(c, writable);
        if (writable) {
            c.resumeReading();
        } else {
            c.pauseReading();
        }
    }
}
