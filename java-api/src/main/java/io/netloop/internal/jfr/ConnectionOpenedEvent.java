package io.netloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A connection opened: accepted by a listener or connected to a peer. */
@Name("netloop.ConnectionOpened")
@Label("Connection Opened")
@Category({"netloop", "Connection"})
@Description("A TCP or Unix-domain connection was accepted or connected, just before its handler's onOpen")
@StackTrace(false)
// Off unless a recording names it (netloop.jfc does): see BackendWaitEvent.
@Enabled(false)
public final class ConnectionOpenedEvent extends ConnectionEvent {
    private static final EventType TYPE = EventType.getEventType(ConnectionOpenedEvent.class);

    /**
     * Whether a recording wants this event now: a field read, no allocation. Call only when
     * {@link Jfr#active()}, as it loads the class and with it JFR.
     */
    public static boolean enabled() {
        return TYPE.isEnabled();
    }

    /** Records one if a recording wants it; call only when {@link Jfr#active()}. */
    public static void record(String loop, String backend, boolean accepted, Object local, Object remote) {
        if (enabled()) {
            ConnectionOpenedEvent e = new ConnectionOpenedEvent();
            e.connection(loop, backend, accepted, local, remote);
            e.commit();
        }
    }
}
