package io.netloop.internal.nio;

import io.netloop.internal.readiness.ReadinessDriver;
import io.netloop.spi.Availability;
import io.netloop.spi.Backend;
import io.netloop.spi.DriverContext;
import io.netloop.spi.IoDriver;
import java.io.IOException;

/** The pure-JDK backend ({@code nio}): the readiness core on a {@link java.nio.channels.Selector}. Runs everywhere. */
public final class NioBackend implements Backend {
    public static final String ID = "nio";

    /**
     * The longest Unix-domain path the JDK's channels take here: one byte less than the native
     * backends ({@code sun_path} less its NUL), for the JDK keeps a second byte spare: 106 on
     * Linux and Windows ({@code sun_path} of 108), 102 on macOS and the BSDs (104); measured with
     * JDK 25, which throws {@code SocketException: Unix domain path too long} past it. The JDK does
     * not publish it, so this backend tells the OS once, as a backend's probe does.
     */
    private static final int MAX_UNIX_PATH_BYTES = maxUnixPathBytes(System.getProperty("os.name", ""));

    static int maxUnixPathBytes(String osName) {
        return osName.startsWith("Linux") || osName.startsWith("Windows") ? 106 : 102;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public IoDriver newDriver(DriverContext context) throws IOException {
        return new ReadinessDriver(context, new NioPoller(MAX_UNIX_PATH_BYTES));
    }
}
