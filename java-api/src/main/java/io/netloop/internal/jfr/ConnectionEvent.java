package io.netloop.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;

/**
 * The fields that name a connection in {@link ConnectionOpenedEvent} and {@link ConnectionClosedEvent}.
 * Abstract, so JFR registers no event type of its own for it; the subclasses' events carry its fields.
 */
abstract class ConnectionEvent extends jdk.jfr.Event {
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

    /** Sets the fields naming the connection. */
    final void connection(String loop, String backend, boolean accepted, Object local, Object remote) {
        this.loop = loop;
        this.backend = backend;
        this.accepted = accepted;
        this.localAddress = Jfr.address(local);
        this.remoteAddress = Jfr.address(remote);
    }
}
