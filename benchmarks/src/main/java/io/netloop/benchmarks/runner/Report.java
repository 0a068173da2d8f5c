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

/** Writes summary.csv, details.csv, report.md (ratios against Netty epoll and the C server) and a chart per scenario. */
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
            case "idle" -> r.rssBytesPerConn();
            default -> r.msgsPerS();
        };
    }

    private static String unit(String scenario) {
        return switch (scenario) {
            case "stream" -> "MB/s";
            case "idle" -> "RSS bytes per connection (lower is better)";
            case "churn" -> "connections/s";
            case "fanout" -> "deliveries/s";
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
            b.append("| server | ").append(unit(scenario).split(" ")[0]).append(" | vs netty-epoll | vs c-epoll | vs netloop-epoll-lt | p50 µs | p99 µs | alloc B/msg | GC | server CPU % | loadgen CPU % |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Result r : rows) {
                b.append("| ").append(r.server()).append(" | ").append(fmt(metric(r))).append(" | ")
                        .append(ratio(r, netty)).append(" | ").append(ratio(r, c)).append(" | ")
                        .append(ratio(r, epollLt)).append(" | ").append(fmt(r.p50Us())).append(" | ").append(fmt(r.p99Us())).append(" | ")
                        .append(fmt(r.allocBytesPerMsg())).append(" | ").append(fmt(r.gcCount())).append(" | ")
                        .append(fmt(r.serverCpuPercent())).append(" | ").append(fmt(r.loadgenCpuPercent())).append(" |\n");
            }
        }
        return b.toString();
    }

    private static Result find(List<Result> rows, String server) {
        return rows.stream().filter(r -> r.server().equals(server)).findFirst().orElse(null);
    }

    private static String ratio(Result r, Result base) {
        if (base == null || Double.isNaN(metric(r)) || Double.isNaN(metric(base)) || metric(base) == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f×", metric(r) / metric(base));
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
