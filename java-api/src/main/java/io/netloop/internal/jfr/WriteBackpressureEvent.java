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

/** A connection's queued output crossed a watermark: a slow consumer, or one catching up. */
@Name("netloop.WriteBackpressure")
@Label("Write Backpressure")
@Category({"netloop", "Connection"})
@Description("A connection's queued output rose above its high watermark (writable = false) or fell to its low "
        + "watermark again (writable = true, with how long it was unwritable)")
@StackTrace(false)
// Off unless a recording names it (netloop.jfc does): see BackendWaitEvent.
@Enabled(false)
public final class WriteBackpressureEvent extends jdk.jfr.Event {
    private static final EventType TYPE = EventType.getEventType(WriteBackpressureEvent.class);

    /**
     * Whether a recording wants this event now: a field read, no allocation. Call only when
     * {@link Jfr#active()}, as it loads the class and with it JFR.
     */
    public static boolean enabled() {
        return TYPE.isEnabled();
    }

    @Label("Event Loop")
    public String loop;

    @Label("Remote Address")
    public String remoteAddress;

    @Label("Writable")
    @Description("false: crossed the high watermark; true: back at the low watermark")
    public boolean writable;

    @Label("Pending Bytes")
    @Description("Bytes queued when the watermark was crossed")
    @DataAmount
    public long pendingBytes;

    @Label("Watermark")
    @Description("The watermark crossed")
    @DataAmount
    public long watermark;

    @Label("Unwritable Time")
    @Description("How long the connection stayed above its high watermark (0 when it just crossed it)")
    @Timespan(Timespan.NANOSECONDS)
    public long unwritableTime;

    /** Records one if a recording wants it; call only when {@link Jfr#active()}. */
    public static void record(String loop, Object remote, boolean writable, long pendingBytes, long watermark,
                              long unwritableTime) {
        if (enabled()) {
            WriteBackpressureEvent e = new WriteBackpressureEvent();
            e.loop = loop;
            e.remoteAddress = Jfr.address(remote);
            e.writable = writable;
            e.pendingBytes = pendingBytes;
            e.watermark = watermark;
            e.unwritableTime = unwritableTime;
            e.commit();
        }
    }
}
