package io.netloop.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/** One turn of an event loop: the OS wait, the I/O it returned, then timers and tasks. */
@Name("netloop.LoopIteration")
@Label("Loop Iteration")
@Category({"netloop", "Event Loop"})
@Description("One turn of an event loop: its duration is the whole turn; waitTime of it was spent blocked in the OS wait, "
        + "the rest running I/O callbacks, timers and tasks")
@StackTrace(false)
// Off unless a recording names it (netloop.jfc does): see BackendWaitEvent.
@Enabled(false)
@Threshold("10 ms")
public final class LoopIterationEvent extends jdk.jfr.Event {
    private static final EventType TYPE = EventType.getEventType(LoopIterationEvent.class);

    /**
     * Whether a recording wants this event now: a field read, no allocation. Call only when
     * {@link Jfr#active()}, as it loads the class and with it JFR.
     */
    public static boolean enabled() {
        return TYPE.isEnabled();
    }

    @Label("Event Loop")
    @Description("The loop's thread name")
    public String loop;

    @Label("Backend")
    public String backend;

    @Label("Wait Time")
    @Description("Time blocked in the OS wait")
    @Timespan(Timespan.NANOSECONDS)
    public long waitTime;

    @Label("I/O Events")
    @Description("Ready sockets or completions the OS wait returned")
    public int ioEvents;

    @Label("I/O Time")
    @Description("Time running I/O callbacks: the turn less the wait, the timers and the tasks")
    @Timespan(Timespan.NANOSECONDS)
    public long ioTime;

    @Label("Tasks")
    @Description("Tasks and timers run")
    public int tasks;

    @Label("Task Time")
    @Description("Time running tasks and timers")
    @Timespan(Timespan.NANOSECONDS)
    public long taskTime;

    @Label("Pending Write Bytes")
    @Description("Bytes the loop's connections had queued for the kernel when the turn ended")
    @DataAmount
    public long pendingWriteBytes;
}
