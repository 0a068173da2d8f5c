package io.netloop.internal.jfr;

import javax.net.ssl.SSLSession;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A TLS handshake of netloop's TLS layer, finished or failed; its duration is the handshake's. */
@Name("netloop.TlsHandshake")
@Label("TLS Handshake")
@Category({"netloop", "TLS"})
@Description("A TLS handshake from the transport connection's open to its end: finished (protocol and cipher suite "
        + "set) or failed (failure set)")
@StackTrace(false)
// Off unless a recording names it (netloop.jfc does): see BackendWaitEvent.
@Enabled(false)
public final class TlsHandshakeEvent extends jdk.jfr.Event {
    private static final EventType TYPE = EventType.getEventType(TlsHandshakeEvent.class);

    /**
     * Whether a recording wants this event now: a field read, no allocation. Call only when
     * {@link Jfr#active()}, as it loads the class and with it JFR.
     */
    public static boolean enabled() {
        return TYPE.isEnabled();
    }

    @Label("Client")
    @Description("true on the connecting side")
    public boolean client;

    @Label("Remote Address")
    public String remoteAddress;

    @Label("Server Name")
    @Description("The SNI host name asked for, if any")
    public String serverName;

    @Label("Protocol")
    public String protocol;

    @Label("Cipher Suite")
    public String cipherSuite;

    @Label("Failure")
    @Description("Empty when the handshake finished, else the exception that ended it")
    public String failure;

    /** A handshake begins: an event with its clock started, or {@code null} unless a recording wants one. Call only when {@link Jfr#active()}. */
    public static TlsHandshakeEvent beginIfEnabled() {
        if (!enabled()) {
            return null;
        }
        TlsHandshakeEvent e = new TlsHandshakeEvent();
        e.begin();
        return e;
    }

    /** Ends and records the handshake: {@code session} when it finished, else the {@code failure}. */
    public void finish(boolean client, Object remote, String serverName, SSLSession session, Throwable failure) {
        end();
        this.client = client;
        this.remoteAddress = Jfr.address(remote);
        this.serverName = serverName == null ? "" : serverName;
        this.protocol = session == null ? "" : session.getProtocol();
        this.cipherSuite = session == null ? "" : session.getCipherSuite();
        this.failure = Jfr.cause(failure);
        commit();
    }
}
