package io.netloop.internal.nio;

import io.netloop.ConnectionResetException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;

/**
 * Maps the JDK's exceptions to the types every backend reports. The JDK gives no native code, so
 * reset is recognised by the JDK's own message for it.
 */
final class NioErrors {
    private NioErrors() {
    }

    static IOException translate(String operation, Exception e) {
        if (e instanceof ConnectException || e instanceof BindException || e instanceof SocketTimeoutException
                || e instanceof ConnectionResetException) {
            return (IOException) e;
        }
        if (e instanceof UnresolvedAddressException || e instanceof UnsupportedAddressTypeException) {
            return new SocketException(operation + " failed: " + e);
        }
        if (e instanceof IOException io) {
            String m = String.valueOf(io.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("connection reset") || m.contains("broken pipe") || m.contains("connection aborted")) {
                return new ConnectionResetException(operation + " failed: " + io.getMessage(), io);
            }
            if (operation.startsWith("connect") && m.contains("no such file or directory")) {
                // A Unix-domain path with no socket file: the native backends report ENOENT as refused too.
                ConnectException refused = new ConnectException(operation + " failed: " + io.getMessage());
                refused.initCause(io);
                return refused;
            }
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        return new IOException(operation + " failed", e);
    }
}
