package io.netloop.benchmarks.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 * scenario's figure and of the server's CPU per message; the cost of observability where the run
 * had netloop's +jfr or @baseline variants) and a chart per scenario.
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

    /**
     * One row per scenario, server and connection count: where {@code --rounds} measured a server
     * several times, the row of the round with the median figure, holding the runs of every round.
     */
    static List<Result> poolRounds(List<Result> results) {
        Map<String, List<Result>> same = new LinkedHashMap<>();
        for (Result r : results) {
            same.computeIfAbsent(r.scenario() + "\n" + r.server() + "\n" + r.connections(), k -> new ArrayList<>()).add(r);
        }
        List<Result> pooled = new ArrayList<>();
        for (List<Result> rounds : same.values()) {
            if (rounds.size() == 1) {
                pooled.add(rounds.get(0));
                continue;
            }
            List<Result> sorted = new ArrayList<>(rounds);
            sorted.sort(Comparator.comparingDouble(Report::metric));
            List<Result.Run> runs = new ArrayList<>();
            rounds.forEach(r -> runs.addAll(r.perRun()));
            pooled.add(sorted.get(sorted.size() / 2).withRuns(runs, "; median of " + rounds.size() + " rounds"));
        }
        return pooled;
    }

    /** The metric a scenario is judged by, and its unit. */
    private static double metric(Result r) {
        return switch (r.scenario()) {
            case "stream" -> r.mbytesPerS();
            case "idle" -> r.residentBytesPerConn();
            default -> r.msgsPerS();
        };
    }

    /** The scenario's metric in one run (not idle, which has no runs). */
    private static double metric(String scenario, Result.Run run) {
        return scenario.equals("stream") ? run.mbytesPerS() : run.msgsPerS();
    }

    private static double cpu(String scenario, Result.Run run) {
        return scenario.equals("stream") ? run.serverCpuUsPerMB() : run.serverCpuUsPerMsg();
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
        overhead(b, byScenario);
        b.append(LEGEND);
        return b.toString();
    }

    /**
     * Each netloop server beside its observability variants ({@code +jfr}, {@code +jfr-profile},
     * {@code @baseline}), per scenario and connection count: the median of every run and the range
     * of the runs, so that a difference can be set against the plain server's own spread.
     */
    private static void overhead(StringBuilder b, Map<String, List<Result>> byScenario) {
        boolean header = false;
        for (List<Result> rows : byScenario.values()) {
            String scenario = rows.get(0).scenario();
            if (scenario.equals("idle")) {
                continue;
            }
            for (Result plain : rows) {
                List<Result> variants = rows.stream()
                        .filter(r -> !r.server().equals(plain.server()) && plainOf(r.server()).equals(plain.server()))
                        .toList();
                if (variants.isEmpty() || plain.perRun().isEmpty()) {
                    continue;
                }
                if (!header) {
                    b.append(OVERHEAD_INTRO);
                    header = true;
                }
                String cu = cpuUnit(scenario);
                b.append("\n### ").append(scenario).append(", ").append(plain.connections()).append(" connection(s): ")
                        .append(plain.server()).append("\n\n");
                b.append("| server | runs | ").append(unit(scenario).split(" ")[0]).append(" median | min..max (spread) | vs plain | server CPU ")
                        .append(cu).append(" median | min..max (spread) | vs plain | CPU ranges overlap | cost of observability, CPU |\n");
                b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                double[] plainRate = figures(plain, true), plainCpu = figures(plain, false);
                List<Result> all = new ArrayList<>(List.of(plain));
                all.addAll(variants);
                for (Result r : all) {
                    double[] rate = figures(r, true), cpu = figures(r, false);
                    String cost = "";
                    if (r != plain && !Double.isNaN(median(cpu)) && !Double.isNaN(median(plainCpu))) {
                        // +jfr: what the recording adds to the plain server; @baseline: what the plain
                        // server (observability compiled in, no recording) adds to the baseline.
                        cost = r.server().endsWith(BenchmarkRunner.BASELINE)
                                ? percent(median(plainCpu) / median(cpu) - 1) + " (plain over baseline)"
                                : percent(median(cpu) / median(plainCpu) - 1) + " (recording)";
                    }
                    b.append("| ").append(r.server()).append(" | ").append(rate.length).append(" | ")
                            .append(fmt(median(rate))).append(" | ").append(range(rate, false)).append(" | ")
                            .append(ratio(median(rate), median(plainRate))).append(" | ")
                            .append(fmtCpu(median(cpu))).append(" | ").append(range(cpu, true)).append(" | ")
                            .append(ratio(median(cpu), median(plainCpu))).append(" | ")
                            .append(r == plain || cpu.length < 2 || plainCpu.length < 2 ? "" : overlap(cpu, plainCpu) ? "yes" : "no")
                            .append(" | ")
                            .append(cost).append(" |\n");
                }
            }
        }
    }

    private static final String OVERHEAD_INTRO = """

            ## Observability overhead

            Each netloop server against its variants in the same scenario: the plain server (observability
            compiled in, no recording: the "events disabled" case), `+jfr` (the same with a JFR recording
            of netloop's events under `netloop.jfc`, the settings for production), `+jfr-profile` (under
            `netloop-profile.jfc`: an event per loop turn and per wait) and `@baseline` (the same BenchServer
            on the netloop of the commit before observability). Medians and ranges are over every measured
            run of every round (each round a new server process); spread = (max − min) / median. A
            difference smaller than the plain server's own spread, with overlapping ranges, is within noise
            (the overlap is shown from two runs on).
            **cost of observability, CPU**: for `+jfr` variants, their CPU per message over the plain
            server's, less 1; for `@baseline`, the plain server's over the baseline's, less 1.
            """;

    /** The plain server of a row: "netloop-epoll-et+jfr (unix)" is a variant of "netloop-epoll-et (unix)". */
    private static String plainOf(String row) {
        int transport = row.indexOf(" (");
        return transport < 0 ? BenchmarkRunner.implOf(row)
                : BenchmarkRunner.implOf(row.substring(0, transport)) + row.substring(transport);
    }

    /** Every run's throughput ({@code rate}) or server CPU per unit of the row, NaNs left out. */
    private static double[] figures(Result r, boolean rate) {
        return r.perRun().stream()
                .mapToDouble(run -> rate ? metric(r.scenario(), run) : cpu(r.scenario(), run))
                .filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String range(double[] sorted, boolean cpu) {
        if (sorted.length == 0) {
            return "";
        }
        double lo = sorted[0], hi = sorted[sorted.length - 1];
        String spread = String.format(Locale.ROOT, " (%.1f %%)", (hi - lo) / median(sorted) * 100);
        return cpu ? fmtCpu(lo) + "..." + fmtCpu(hi) + spread : fmt(lo) + "..." + fmt(hi) + spread;
    }

    private static boolean overlap(double[] a, double[] b) {
        return a.length > 0 && b.length > 0 && a[0] <= b[b.length - 1] && b[0] <= a[a.length - 1];
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%+.1f %%", fraction * 100);
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
