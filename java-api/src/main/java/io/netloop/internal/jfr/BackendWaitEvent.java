package io.netloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One OS wait of an event loop: epoll_wait, io_uring_enter, GetQueuedCompletionStatusEx... */
@Name("netloop.BackendWait")
@Label("Backend Wait")
@Category({"netloop", "Event Loop"})
@Description("An event loop blocked in the operating system (epoll_wait, io_uring_enter, poll, select, Selector.select, "
        + "GetQueuedCompletionStatusEx, WSAWaitForMultipleEvents...) until I/O, a wakeup or its timeout")
@StackTrace(false)
// Off unless a recording names it (netloop-profile.jfc does): an event type without @Enabled(false)
// is on in every recording that does not mention it, -XX:StartFlightRecording's default settings
// included. netloop's events are all off by default: JFR run for something else (GC, the JDK's
// socket events) costs the loops nothing, not even a clock read per turn.
@Enabled(false)
public final class BackendWaitEvent extends jdk.jfr.Event {
    private static final EventType TYPE = EventType.getEventType(BackendWaitEvent.class);

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

    @Label("Timeout")
    @Description("The timeout asked for: 0 to only check, negative to wait until woken")
    @Timespan(Timespan.NANOSECONDS)
    public long timeout;

    @Label("Events")
    @Description("Ready sockets or completions the wait returned")
    public int events;
}
