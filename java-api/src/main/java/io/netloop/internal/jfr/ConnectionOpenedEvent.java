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
public final class ConnectionOpenedEvent extends jdk.jfr.Event {
    private static final EventType TYPE = EventType.getEventType(ConnectionOpenedEvent.class);

    /**
     * Whether a recording wants this event now: a field read, no allocation. Call only when
     * {@link Jfr#active()}, as it loads the class and with it JFR.
     */
    public static boolean enabled() {
        return TYPE.isEnabled();
    }

    @Label("Event Loop")
    public String loop;

    @Label("Backend")
    public String backend;

    @Label("Accepted")
    @Description("true when a listener accepted it, false when this side connected")
    public boolean accepted;

    @Label("Local Address")
    public String localAddress;

    @Label("Remote Address")
    public String remoteAddress;

    /** Records one if a recording wants it; call only when {@link Jfr#active()}. */
    public static void record(String loop, String backend, boolean accepted, Object local, Object remote) {
        if (enabled()) {
            ConnectionOpenedEvent e = new ConnectionOpenedEvent();
            e.loop = loop;
            e.backend = backend;
            e.accepted = accepted;
            e.localAddress = Jfr.address(local);
            e.remoteAddress = Jfr.address(remote);
            e.commit();
        }
    }
}
