package io.netloop.benchmarks.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Writes summary.csv, details.csv, report.md (ratios against Netty epoll and the C server, of the
 * scenario's figure and of the server's CPU per message) and a chart per scenario.
 */
final class Report {
    private Report() {
    }

    static void write(Path out, List<Result> results, List<String> notes) throws IOException {
        List<String> csv = new ArrayList<>(List.of(Result.CSV_HEADER));
        List<String> details = new ArrayList<>(List.of(Result.DETAIL_HEADER));
        for (Result r : results) {
            csv.add(r.csv());
            details.add(r.detailCsv());
        }
        Files.write(out.resolve("summary.csv"), csv);
        Files.write(out.resolve("details.csv"), details);
        String table = table(results, notes);
        Files.writeString(out.resolve("report.md"), table);
        System.out.println();
        System.out.println(table);
        charts(out, results);
    }

    /** The metric a scenario is judged by, and its unit. */
    private static double metric(Result r) {
        return switch (r.scenario()) {
            case "stream" -> r.mbytesPerS();
            case "idle" -> r.residentBytesPerConn();
            default -> r.msgsPerS();
        };
    }

    /** Server CPU per unit of work: per MB for stream (its messages are 64 KiB chunks), else per message. */
    private static double cpu(Result r) {
        return r.scenario().equals("stream") ? r.serverCpuUsPerMB() : r.serverCpuUsPerMsg();
    }

    private static String cpuUnit(String scenario) {
        return scenario.equals("stream") ? "µs/MB" : "µs/msg";
    }

    private static String unit(String scenario) {
        return switch (scenario) {
            case "stream" -> "MB/s";
            case "idle" -> "resident bytes per connection: RSS outside the pre-touched heap plus live heap (lower is better)";
            case "churn" -> "connections/s";
            case "fanout" -> "deliveries/s";
            case "udp-echo" -> "datagrams/s (echoed; connections = client sockets, 4 in flight each)";
            default -> "messages/s";
        };
    }

    static String table(List<Result> results, List<String> notes) {
        StringBuilder b = new StringBuilder("# netloop benchmark report\n\n");
        for (String n : notes) {
            b.append("- ").append(n).append('\n');
        }
        Map<String, List<Result>> byScenario = new LinkedHashMap<>();
        for (Result r : results) {
            byScenario.computeIfAbsent(r.scenario() + " " + r.connections(), k -> new ArrayList<>()).add(r);
        }
        for (var e : byScenario.entrySet()) {
            List<Result> rows = e.getValue();
            String scenario = rows.get(0).scenario();
            Result netty = find(rows, "netty-epoll");
            Result c = find(rows, "c-epoll");
            Result epollLt = find(rows, "netloop-epoll-lt");
            b.append("\n## ").append(scenario).append(", ").append(rows.get(0).connections()).append(" connection(s) — ")
                    .append(unit(scenario)).append("\n\n");
            if (scenario.equals("idle")) {
                b.append("| server | resident B/conn | vs netty-epoll | vs c-epoll | vs netloop-epoll-lt | of which live heap B/conn |\n");
                b.append("|---|---:|---:|---:|---:|---:|\n");
                for (Result r : rows) {
                    b.append("| ").append(r.server()).append(" | ").append(fmt(metric(r))).append(" | ")
                            .append(ratio(r, netty)).append(" | ").append(ratio(r, c)).append(" | ")
                            .append(ratio(r, epollLt)).append(" | ").append(fmt(r.heapBytesPerConn())).append(" |\n");
                }
                continue;
            }
            String cu = cpuUnit(scenario);
            b.append("| server | ").append(unit(scenario).split(" ")[0]).append(" | vs netty-epoll | vs c-epoll | vs netloop-epoll-lt | p50 µs | p99 µs | alloc B/msg | GC")
                    .append(" | server CPU ").append(cu).append(" | CPU vs netty-epoll | CPU vs c-epoll | server CPU % | loadgen CPU % |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Result r : rows) {
                b.append("| ").append(r.server()).append(" | ").append(fmt(metric(r))).append(" | ")
                        .append(ratio(r, netty)).append(" | ").append(ratio(r, c)).append(" | ")
                        .append(ratio(r, epollLt)).append(" | ").append(fmt(r.p50Us())).append(" | ").append(fmt(r.p99Us())).append(" | ")
                        .append(fmt(r.allocBytesPerMsg())).append(" | ").append(fmt(r.gcCount())).append(" | ")
                        .append(fmtCpu(cpu(r))).append(" | ").append(cpuRatio(r, netty)).append(" | ").append(cpuRatio(r, c)).append(" | ")
                        .append(fmt(r.serverCpuPercent())).append(" | ").append(fmt(r.loadgenCpuPercent())).append(" |\n");
            }
            if (scenario.equals("stream")) {
                ceiling(b, rows, c);
            }
        }
        b.append(LEGEND);
        return b.toString();
    }

    /** The stream scenario's ceilings: the C server with the same 64 KiB buffers, and iperf3 beside it. */
    private static void ceiling(StringBuilder b, List<Result> rows, Result c) {
        Result oneWay = find(rows, "iperf3");
        b.append("\nStreaming ceiling: ");
        if (c != null) {
            b.append("c-epoll, the C server echoing with the same 64 KiB reads and writes as the scenario, ")
                    .append(fmt(c.mbytesPerS())).append(" MB/s (").append(fmtCpu(c.serverCpuUsPerMB())).append(" µs of server CPU per MB); ");
        }
        if (oneWay != null) {
            b.append("iperf3, one way with 64 KiB writes (the server only receives), ").append(fmt(oneWay.mbytesPerS()))
                    .append(" MB/s (").append(fmtCpu(oneWay.serverCpuUsPerMB())).append(" µs/MB)");
        }
        b.append(".\n");
        for (Result r : rows) {
            if (r.server().startsWith("netloop-")) {
                b.append("- ").append(r.server()).append(": ").append(ratio(r, c).isEmpty() ? "?" : ratio(r, c)).append(" c-epoll");
                if (oneWay != null) {
                    b.append(", ").append(ratio(r, oneWay)).append(" iperf3 one way");
                }
                if (c != null && !cpuRatio(r, c).isEmpty()) {
                    b.append("; server CPU per MB ").append(cpuRatio(r, c)).append(" c-epoll's");
                }
                b.append('\n');
            }
        }
    }

    private static final String LEGEND = """

            ---
            - **server CPU µs/msg** (µs/MB for stream, per 10^6 bytes read back): user + system CPU of the server
              process, read by the load generator from `/proc/PID/stat` at the edges of its measured window
              (10 ms ticks), divided by that window's messages. **CPU vs …**: that figure over the peer's; below
              1.00× the server spends less CPU per message than the peer.
            - **server CPU %**, **loadgen CPU %**: each process's CPU over the window, in % of one core (the
              load generator's summed over its threads). The side near its cores' limit is the one that set
              the pace: when the load generator is near 100 % of its core(s), msgs/s measures the generator
              as much as the server, and CPU per message is the fairer comparison. Softirq time is accounted
              separately on this kernel and is in neither figure.
            """;

    private static String cpuRatio(Result r, Result base) {
        return base == null ? "" : ratio(cpu(r), cpu(base));
    }

    private static String fmtCpu(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    private static Result find(List<Result> rows, String server) {
        return rows.stream().filter(r -> r.server().equals(server)).findFirst().orElse(null);
    }

    private static String ratio(Result r, Result base) {
        return base == null ? "" : ratio(metric(r), metric(base));
    }

    /** {@code v} over {@code base} as "1.23×"; empty where either is missing or the base is 0. */
    private static String ratio(double v, double base) {
        if (Double.isNaN(v) || Double.isNaN(base) || base == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f×", v / base);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void charts(Path out, List<Result> results) throws IOException {
        Map<String, List<Result>> byScenario = new LinkedHashMap<>();
        for (Result r : results) {
            byScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r);
        }
        for (var e : byScenario.entrySet()) {
            String scenario = e.getKey();
            CategoryChart chart = new CategoryChartBuilder().width(1000).height(520)
                    .title("netloop benchmarks: " + scenario).xAxisTitle("connections").yAxisTitle(unit(scenario)).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            Set<Integer> conns = new LinkedHashSet<>();
            Set<String> servers = new LinkedHashSet<>();
            for (Result r : e.getValue()) {
                conns.add(r.connections());
                servers.add(r.server());
            }
            List<String> xs = conns.stream().map(String::valueOf).toList();
            for (String server : servers) {
                List<Double> ys = new ArrayList<>();
                for (int c : conns) {
                    double v = e.getValue().stream().filter(r -> r.server().equals(server) && r.connections() == c)
                            .mapToDouble(Report::metric).findFirst().orElse(0);
                    ys.add(Double.isNaN(v) ? 0 : v);
                }
                chart.addSeries(server, xs, ys);
            }
            BitmapEncoder.saveBitmap(chart, out.resolve(scenario + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
