package io.netloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A connection closed: its lifetime, the bytes it carried, and why it ended. */
@Name("netloop.ConnectionClosed")
@Label("Connection Closed")
@Category({"netloop", "Connection"})
@Description("A connection that had opened has closed: committed as the loop closes it, just before its handler's onClose")
@StackTrace(false)
// Off unless a recording names it (netloop.jfc does): see BackendWaitEvent.
@Enabled(false)
public final class ConnectionClosedEvent extends ConnectionEvent {
    private static final EventType TYPE = EventType.getEventType(ConnectionClosedEvent.class);

    /**
     * Whether a recording wants this event now: a field read, no allocation. Call only when
     * {@link Jfr#active()}, as it loads the class and with it JFR.
     */
    public static boolean enabled() {
        return TYPE.isEnabled();
    }

    @Label("Lifetime")
    @Description("From open to close")
    @Timespan(Timespan.NANOSECONDS)
    public long lifetime;

    @Label("Bytes Read")
    @DataAmount
    public long bytesRead;

    @Label("Bytes Written")
    @Description("Bytes the kernel took from the connection's write queue")
    @DataAmount
    public long bytesWritten;

    @Label("Bytes Discarded")
    @Description("Queued output dropped by an abortive close or a failure")
    @DataAmount
    public long bytesDiscarded;

    @Label("Cause")
    @Description("Empty for an orderly close (either side), else the exception that ended it (reset, abort, timeout, error)")
    public String cause;

    /** Records one if a recording wants it; call only when {@link Jfr#active()}. */
    public static void record(String loop, String backend, boolean accepted, Object local, Object remote, long lifetime,
                              long bytesRead, long bytesWritten, long bytesDiscarded, Throwable cause) {
        if (enabled()) {
            ConnectionClosedEvent e = new ConnectionClosedEvent();
            e.connection(loop, backend, accepted, local, remote);
            e.lifetime = lifetime;
            e.bytesRead = bytesRead;
            e.bytesWritten = bytesWritten;
            e.bytesDiscarded = bytesDiscarded;
            e.cause = Jfr.cause(cause);
            e.commit();
        }
    }
}
