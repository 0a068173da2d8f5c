package io.netloop.samples.chat;

import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.LoopMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The admin port's {@code GET /metrics}: every {@link LoopMetrics} value of every loop of the chat's
 * group, and the chat's own gauges, in Prometheus' text exposition format 0.0.4.
 *
 * <pre>{@code
 * # HELP netloop_bytes_read_bytes_total Bytes read from connections and received in UDP datagrams.
 * # TYPE netloop_bytes_read_bytes_total counter
 * netloop_bytes_read_bytes_total{loop="netloop-3-epoll-et-0",backend="epoll-et"} 1843
 * netloop_bytes_read_bytes_total{loop="netloop-3-epoll-et-1",backend="epoll-et"} 1311
 * ...
 * # HELP netloop_chat_users Registered users on this server.
 * # TYPE netloop_chat_users gauge
 * netloop_chat_users 23
 * }</pre>
 *
 * <p>Counters end in {@code _total}, times are in seconds (exact: nanoseconds with nine decimals),
 * and a family's {@code # HELP} and {@code # TYPE} lines come before its samples, as the format
 * asks. The loops' values are read without locks ({@link LoopMetrics}), so a scrape costs the loops
 * nothing but serving the scrape's connection.
 */
final class PrometheusText {
    /** The {@code Content-Type} of the format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** One metric family of the loops: its name, type and help, and how to read it. */
    private record LoopFamily(String name, String type, String help, boolean nanosAsSeconds, ToLongFunction<LoopMetrics> value) {
    }

    private static final List<LoopFamily> LOOP_FAMILIES = List.of(
            new LoopFamily("netloop_connections_accepted_total", "counter",
                    "Connections accepted by listeners and handed to the loop.", false, LoopMetrics::connectionsAccepted),
            new LoopFamily("netloop_connections_connected_total", "counter",
                    "Outbound connections the loop opened.", false, LoopMetrics::connectionsConnected),
            new LoopFamily("netloop_connections_closed_total", "counter",
                    "Connections, accepted or connected, that have closed.", false, LoopMetrics::connectionsClosed),
            new LoopFamily("netloop_connections_open", "gauge",
                    "Stream connections (TCP and Unix-domain) open now.", false, LoopMetrics::openConnections),
            new LoopFamily("netloop_bytes_read_bytes_total", "counter",
                    "Bytes read from connections and received in UDP datagrams (TLS: the records).", false, LoopMetrics::bytesRead),
            new LoopFamily("netloop_bytes_written_bytes_total", "counter",
                    "Bytes the kernel took from connections' write queues and in UDP datagrams sent.", false, LoopMetrics::bytesWritten),
            new LoopFamily("netloop_write_pending_bytes", "gauge",
                    "Bytes written to connections and not yet taken by the kernel.", false, LoopMetrics::pendingWriteBytes),
            new LoopFamily("netloop_datagrams_received_total", "counter",
                    "UDP datagrams received.", false, LoopMetrics::datagramsReceived),
            new LoopFamily("netloop_datagrams_sent_total", "counter",
                    "UDP datagrams the kernel took.", false, LoopMetrics::datagramsSent),
            new LoopFamily("netloop_tasks_total", "counter",
                    "Tasks run and timers fired on the loop.", false, LoopMetrics::tasksRun),
            new LoopFamily("netloop_wakeups_total", "counter",
                    "Times another thread woke the loop from its OS wait.", false, LoopMetrics::wakeups),
            new LoopFamily("netloop_iterations_total", "counter",
                    "Turns of the loop: one OS wait, its I/O, then tasks and timers.", false, LoopMetrics::iterations),
            new LoopFamily("netloop_io_events_total", "counter",
                    "I/O events the OS waits returned.", false, LoopMetrics::ioEvents),
            new LoopFamily("netloop_wait_time_seconds_total", "counter",
                    "Time the loop spent blocked in the OS wait.", true, LoopMetrics::waitNanos),
            new LoopFamily("netloop_run_time_seconds_total", "counter",
                    "Time since the loop started; load is 1 - rate(wait) / rate(run).", true, LoopMetrics::runNanos));

    /** The whole exposition, UTF-8. */
    static byte[] scrape(EventLoopGroup group, Hub hub) {
        List<EventLoop> loops = group.loops();
        String backendLabel = ",backend=\"" + escapeLabelValue(group.backendId()) + "\"} ";
        String[] labels = new String[loops.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = "{loop=\"" + escapeLabelValue(loops.get(i).toString()) + "\"" + backendLabel;
        }
        StringBuilder out = new StringBuilder(4096);
        for (LoopFamily f : LOOP_FAMILIES) {
            header(out, f.name, f.type, f.help);
            for (int i = 0; i < labels.length; i++) {
                long v = f.value.applyAsLong(loops.get(i).metrics());
                out.append(f.name).append(labels[i]);
                if (f.nanosAsSeconds) {
                    seconds(out, v);
                } else {
                    out.append(v);
                }
                out.append('\n');
            }
        }
        gauge(out, "netloop_chat_connections", "Connections the chat serves now, registered or not.", hub.clientCount());
        gauge(out, "netloop_chat_users", "Registered users on this server.", hub.registeredCount());
        gauge(out, "netloop_chat_channels", "Channels this server knows, #lobby included.", hub.channels().size());
        Cluster cluster = hub.cluster();
        if (cluster != null) {
            gauge(out, "netloop_chat_remote_users", "Users on the other nodes of the chat cluster, as this node knows them.",
                    hub.remoteUsers().size());
            gauge(out, "netloop_chat_cluster_queued_events",
                    "Events kept for the other nodes: not yet read by all of them, or waiting for Redis.", cluster.queued());
            gauge(out, "netloop_chat_cluster_connected", "1 while Redis can be reached, else 0.", cluster.connected() ? 1 : 0);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    /** Nanoseconds as seconds with nine decimals: exact, and never in exponent notation. */
    static void seconds(StringBuilder out, long nanos) {
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        String fraction = Long.toString(nanos % 1_000_000_000L);
        out.append(nanos / 1_000_000_000L).append('.');
        out.repeat('0', 9 - fraction.length()).append(fraction);
    }

    /** A label value as the format wants it between double quotes: backslash, double quote and line feed escaped. */
    static String escapeLabelValue(String value) {
        return escape(value, true);
    }

    /** {@code # HELP} text: backslash and line feed escaped. */
    static String escapeHelp(String text) {
        return escape(text, false);
    }

    private static String escape(String s, boolean quote) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '"' -> quote ? "\\\"" : null;
                default -> null;
            };
            if (replacement != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (replacement != null) {
                    b.append(replacement);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
