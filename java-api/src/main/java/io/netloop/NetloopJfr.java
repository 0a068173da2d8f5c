package io.netloop;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import jdk.jfr.Configuration;

/**
 * netloop's JFR events: their names, and the two settings files the library ships
 * ({@code io/netloop/netloop.jfc} and {@code io/netloop/netloop-profile.jfc} in its jar). Events
 * are recorded only while a recording enables them; until a recording starts in the JVM, the loop
 * does not so much as load an event class.
 *
 * <pre>{@code
 * try (Recording r = new Recording(NetloopJfr.configuration())) {
 *     r.start();
 *     ...
 *     r.dump(Path.of("netloop.jfr"));
 * }
 * // or from the command line, with the file taken out of the jar:
 * //   java -XX:StartFlightRecording:settings=default,settings=netloop.jfc,filename=app.jfr ...
 * }</pre>
 */
public final class NetloopJfr {
    /** One turn of a loop: duration, time in the OS wait, I/O events, tasks, time on each. */
    public static final String LOOP_ITERATION = "netloop.LoopIteration";
    /** One OS wait: duration, timeout asked, events returned. */
    public static final String BACKEND_WAIT = "netloop.BackendWait";
    /** A connection accepted or connected: loop, backend, addresses. */
    public static final String CONNECTION_OPENED = "netloop.ConnectionOpened";
    /** A connection closed: lifetime, bytes each way, bytes discarded, cause. */
    public static final String CONNECTION_CLOSED = "netloop.ConnectionClosed";
    /** A write watermark crossed: pending bytes, the watermark, time spent unwritable. */
    public static final String WRITE_BACKPRESSURE = "netloop.WriteBackpressure";
    /** A TLS handshake: duration, protocol, cipher suite, server name, failure. */
    public static final String TLS_HANDSHAKE = "netloop.TlsHandshake";

    private NetloopJfr() {
    }

    /**
     * The settings of {@code netloop.jfc}: connection, backpressure and TLS events always, loop
     * iterations of 10 ms or more, no per-wait events. Low overhead; for recordings left running.
     *
     * @return the parsed settings, to pass to {@code new Recording(...)}
     */
    public static Configuration configuration() {
        return load("netloop.jfc");
    }

    /**
     * The settings of {@code netloop-profile.jfc}: every event, every time, including one
     * iteration and one wait event per loop turn. For short diagnostic recordings.
     *
     * @return the parsed settings
     */
    public static Configuration profileConfiguration() {
        return load("netloop-profile.jfc");
    }

    private static Configuration load(String name) {
        try (InputStream in = NetloopJfr.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the netloop jar");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Configuration.create(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from the netloop jar", e);
        } catch (ParseException e) {
            throw new IllegalStateException(name + " in the netloop jar does not parse", e);
        }
    }
}
