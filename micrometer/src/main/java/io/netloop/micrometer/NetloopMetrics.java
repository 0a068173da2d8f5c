package io.netloop.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.LoopMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds the {@linkplain EventLoop#metrics() metrics of each loop} of an {@link EventLoopGroup} to a
 * Micrometer {@link MeterRegistry}. Every meter reads the loop's live {@link LoopMetrics} when the
 * registry publishes (a scrape, a push), without a lock and at no cost to the loop; nothing is
 * recorded in between.
 *
 * <pre>{@code
 * EventLoopGroup group = EventLoopGroup.builder().threads(4).build();
 * NetloopMetrics.of(group).tags("app", "chat").bindTo(registry);
 * }</pre>
 *
 * <p>Each loop gets the meters below, tagged {@code loop} (the loop's name, its {@code toString()},
 * for example {@code netloop-1-epoll-et-0}), {@code backend} ({@link EventLoopGroup#backendId()})
 * and the {@linkplain #tags(Iterable) tags given here}; a given tag named {@code loop} or
 * {@code backend} is replaced by netloop's. Counters only grow; gauges go up and down. The
 * Prometheus names are those Micrometer's Prometheus registry gives them.
 *
 * <table class="striped">
 * <caption>Meters of each loop</caption>
 * <thead>
 * <tr><th scope="col">Meter</th><th scope="col">Type</th><th scope="col">Base unit</th>
 *     <th scope="col">Prometheus name</th><th scope="col">Reads</th></tr>
 * </thead>
 * <tbody>
 * <tr><th scope="row">{@code netloop.connections.accepted}</th><td>counter</td><td></td>
 *     <td>{@code netloop_connections_accepted_total}</td><td>{@link LoopMetrics#connectionsAccepted()}</td></tr>
 * <tr><th scope="row">{@code netloop.connections.connected}</th><td>counter</td><td></td>
 *     <td>{@code netloop_connections_connected_total}</td><td>{@link LoopMetrics#connectionsConnected()}</td></tr>
 * <tr><th scope="row">{@code netloop.connections.closed}</th><td>counter</td><td></td>
 *     <td>{@code netloop_connections_closed_total}</td><td>{@link LoopMetrics#connectionsClosed()}</td></tr>
 * <tr><th scope="row">{@code netloop.connections.open}</th><td>gauge</td><td></td>
 *     <td>{@code netloop_connections_open}</td><td>{@link LoopMetrics#openConnections()}</td></tr>
 * <tr><th scope="row">{@code netloop.bytes.read}</th><td>counter</td><td>bytes</td>
 *     <td>{@code netloop_bytes_read_bytes_total}</td><td>{@link LoopMetrics#bytesRead()}</td></tr>
 * <tr><th scope="row">{@code netloop.bytes.written}</th><td>counter</td><td>bytes</td>
 *     <td>{@code netloop_bytes_written_bytes_total}</td><td>{@link LoopMetrics#bytesWritten()}</td></tr>
 * <tr><th scope="row">{@code netloop.write.pending}</th><td>gauge</td><td>bytes</td>
 *     <td>{@code netloop_write_pending_bytes}</td><td>{@link LoopMetrics#pendingWriteBytes()}</td></tr>
 * <tr><th scope="row">{@code netloop.datagrams.received}</th><td>counter</td><td></td>
 *     <td>{@code netloop_datagrams_received_total}</td><td>{@link LoopMetrics#datagramsReceived()}</td></tr>
 * <tr><th scope="row">{@code netloop.datagrams.sent}</th><td>counter</td><td></td>
 *     <td>{@code netloop_datagrams_sent_total}</td><td>{@link LoopMetrics#datagramsSent()}</td></tr>
 * <tr><th scope="row">{@code netloop.tasks}</th><td>counter</td><td></td>
 *     <td>{@code netloop_tasks_total}</td><td>{@link LoopMetrics#tasksRun()}</td></tr>
 * <tr><th scope="row">{@code netloop.wakeups}</th><td>counter</td><td></td>
 *     <td>{@code netloop_wakeups_total}</td><td>{@link LoopMetrics#wakeups()}</td></tr>
 * <tr><th scope="row">{@code netloop.iterations}</th><td>counter</td><td></td>
 *     <td>{@code netloop_iterations_total}</td><td>{@link LoopMetrics#iterations()}</td></tr>
 * <tr><th scope="row">{@code netloop.io.events}</th><td>counter</td><td></td>
 *     <td>{@code netloop_io_events_total}</td><td>{@link LoopMetrics#ioEvents()}</td></tr>
 * <tr><th scope="row">{@code netloop.wait.time}</th><td>counter</td><td>seconds</td>
 *     <td>{@code netloop_wait_time_seconds_total}</td><td>{@link LoopMetrics#waitNanos()}</td></tr>
 * <tr><th scope="row">{@code netloop.run.time}</th><td>counter</td><td>seconds</td>
 *     <td>{@code netloop_run_time_seconds_total}</td><td>{@link LoopMetrics#runNanos()}</td></tr>
 * </tbody>
 * </table>
 *
 * <p><b>Time as counters.</b> Time in the OS wait and time run only grow, so they are
 * {@link FunctionCounter}s in seconds, as Micrometer's own {@code jvm.compilation.time} is a
 * function counter of accumulated time (and Prometheus's {@code process_cpu_seconds_total} a
 * counter of seconds): a rate of them is a fraction of wall time. A {@code FunctionTimer} would
 * need a count of timed events, which a wait in progress does not fit, and a {@code TimeGauge}
 * would lose the counter semantics that {@code rate()} and step registries rely on. A loop's load
 * over an interval is one less the rate of its wait time:
 * {@code 1 - rate(netloop_wait_time_seconds_total[1m])}.
 *
 * <p><b>Per loop only.</b> No group-level meters are registered: a group's total is the sum of its
 * loops' ({@code sum without (loop) (rate(netloop_bytes_read_bytes_total[1m]))} in PromQL, or a
 * {@code registry.find(name).functionCounters()} sum), and meters of the same name at both levels
 * would be counted twice by every such sum. Loop names are unique within a JVM, so several groups
 * bound to one registry stay apart; give them the same tag keys, as Prometheus wants every meter of
 * one name to carry the same tag keys.
 *
 * <p><b>References.</b> The meters hold each loop's {@link LoopMetrics} view strongly, as
 * Micrometer's binder of Netty's event loops does through its gauge suppliers: Micrometer's
 * default of a weak reference would make the gauges read {@code NaN} once a shut-down group has
 * been dropped, while its counters froze. Held strongly, counters keep their final totals and
 * gauges read 0 after a shutdown. The view is a small block of counters: the loop's thread,
 * buffers and sockets are not kept by it. {@link #close()} removes the meters this binder
 * registered, for groups that come and go while the registry stays.
 *
 * <p>Thread-safe. Binding one group twice to one registry registers nothing new: Micrometer hands
 * back the meters it has under the same names and tags, and closing either binder removes them.
 */
public final class NetloopMetrics implements MeterBinder, AutoCloseable {

    private static final double NANOS_PER_SECOND = 1e9;

    /** One meter per loop: name, type, base unit (or {@code null}), description, and what it reads. */
    private record Definition(String name, boolean gauge, String baseUnit, String description,
            ToDoubleFunction<LoopMetrics> reading) {
    }

    private static final List<Definition> DEFINITIONS = List.of(
            counter("netloop.connections.accepted", null,
                    "Connections accepted by listeners and handed to this loop", LoopMetrics::connectionsAccepted),
            counter("netloop.connections.connected", null,
                    "Outbound connections this loop opened", LoopMetrics::connectionsConnected),
            counter("netloop.connections.closed", null,
                    "Connections of this loop, accepted or connected, that have closed", LoopMetrics::connectionsClosed),
            gauge("netloop.connections.open", null,
                    "Stream connections of this loop open now", LoopMetrics::openConnections),
            counter("netloop.bytes.read", BaseUnits.BYTES,
                    "Bytes read from stream connections and received in UDP datagrams", LoopMetrics::bytesRead),
            counter("netloop.bytes.written", BaseUnits.BYTES,
                    "Bytes the kernel took from write queues and in UDP datagrams sent", LoopMetrics::bytesWritten),
            gauge("netloop.write.pending", BaseUnits.BYTES,
                    "Bytes written to this loop's connections and not yet taken by the kernel", LoopMetrics::pendingWriteBytes),
            counter("netloop.datagrams.received", null,
                    "UDP datagrams handed to handlers", LoopMetrics::datagramsReceived),
            counter("netloop.datagrams.sent", null,
                    "UDP datagrams the kernel took", LoopMetrics::datagramsSent),
            counter("netloop.tasks", null,
                    "Tasks run and timers fired on this loop", LoopMetrics::tasksRun),
            counter("netloop.wakeups", null,
                    "Times another thread woke this loop from its OS wait", LoopMetrics::wakeups),
            counter("netloop.iterations", null,
                    "Turns of the loop: an OS wait, its I/O, then tasks and timers", LoopMetrics::iterations),
            counter("netloop.io.events", null,
                    "I/O events (ready sockets or completions) the OS waits returned", LoopMetrics::ioEvents),
            counter("netloop.wait.time", "seconds",
                    "Time this loop spent blocked in the OS wait", m -> m.waitNanos() / NANOS_PER_SECOND),
            counter("netloop.run.time", "seconds",
                    "Time since this loop started", m -> m.runNanos() / NANOS_PER_SECOND));

    private final EventLoopGroup group;
    private final Tags tags;
    /** What {@link #bindTo} registered where, for {@link #close()}; guarded by {@code this}. */
    private final List<Registration> registrations = new ArrayList<>();

    private record Registration(MeterRegistry registry, Meter meter) {
    }

    private NetloopMetrics(EventLoopGroup group, Tags tags) {
        this.group = Objects.requireNonNull(group, "group");
        this.tags = tags;
    }

    /**
     * A binder of {@code group}'s loops, with no tags beyond {@code loop} and {@code backend}.
     *
     * <pre>{@code
     * NetloopMetrics.of(group).bindTo(registry);
     * }</pre>
     *
     * @param group the group whose loops to bind
     * @return a binder that has bound nothing yet
     */
    public static NetloopMetrics of(EventLoopGroup group) {
        return new NetloopMetrics(group, Tags.empty());
    }

    /**
     * A binder of the same group whose meters also carry {@code tags}, added to this binder's own.
     * This binder is left unchanged.
     *
     * <pre>{@code
     * NetloopMetrics.of(group).tags(Tags.of("app", "chat", "role", "server")).bindTo(registry);
     * }</pre>
     *
     * @param tags the tags to add; a tag named {@code loop} or {@code backend} is replaced by netloop's
     * @return a new binder that has bound nothing yet
     */
    public NetloopMetrics tags(Iterable<? extends Tag> tags) {
        return new NetloopMetrics(group, this.tags.and(tags));
    }

    /**
     * A binder of the same group whose meters also carry the tags given as key-value pairs, added to
     * this binder's own. This binder is left unchanged.
     *
     * <pre>{@code
     * NetloopMetrics.of(group).tags("app", "chat").bindTo(registry);
     * }</pre>
     *
     * @param keyValues an even number of strings: key, value, key, value...
     * @return a new binder that has bound nothing yet
     * @throws IllegalArgumentException if the number of strings is odd
     */
    public NetloopMetrics tags(String... keyValues) {
        return new NetloopMetrics(group, this.tags.and(keyValues));
    }

    /**
     * Registers the meters of each of the group's loops with {@code registry}: the
     * {@linkplain NetloopMetrics table above}, tagged with the loop, the backend and this binder's
     * tags. May be called for several registries; the group may be running or shut down.
     *
     * @param registry the registry to register the meters with
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        for (EventLoop loop : group.loops()) {
            Tags loopTags = tags.and("loop", loop.toString(), "backend", group.backendId());
            LoopMetrics metrics = loop.metrics();
            for (Definition d : DEFINITIONS) {
                registrations.add(new Registration(registry, register(registry, d, metrics, loopTags)));
            }
        }
    }

    private static Meter register(MeterRegistry registry, Definition d, LoopMetrics metrics, Tags tags) {
        ToDoubleFunction<LoopMetrics> reading = d.reading();
        if (d.gauge()) {
            return Gauge.builder(d.name(), metrics, reading)
                    .strongReference(true)
                    .baseUnit(d.baseUnit())
                    .description(d.description())
                    .tags(tags)
                    .register(registry);
        }
        // A function counter holds its object weakly, with no option to do otherwise: the function
        // holding the view keeps it reachable for as long as the counter is registered (see the
        // class comment, References).
        return FunctionCounter.builder(d.name(), metrics, ignored -> reading.applyAsDouble(metrics))
                .baseUnit(d.baseUnit())
                .description(d.description())
                .tags(tags)
                .register(registry);
    }

    /**
     * Removes from every registry this binder was bound to the meters it registered there. The group
     * is not touched. The binder may be bound again afterwards; closing twice does nothing more.
     *
     * <pre>{@code
     * group.shutdownGracefully(Duration.ofSeconds(5)).join();
     * binder.close();
     * }</pre>
     */
    @Override
    public synchronized void close() {
        for (Registration r : registrations) {
            r.registry().remove(r.meter());
        }
        registrations.clear();
    }

    private static Definition counter(String name, String baseUnit, String description, ToDoubleFunction<LoopMetrics> reading) {
        return new Definition(name, false, baseUnit, description, reading);
    }

    private static Definition gauge(String name, String baseUnit, String description, ToDoubleFunction<LoopMetrics> reading) {
        return new Definition(name, true, baseUnit, description, reading);
    }
}
