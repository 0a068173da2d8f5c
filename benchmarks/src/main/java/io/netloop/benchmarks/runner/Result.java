package io.netloop.benchmarks.runner;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One row of summary.csv: a scenario, a server, a connection count, the median of its runs.
 * Server CPU is user + system time of the server process over exactly the load generator's
 * measured window (read from {@code /proc/PID/stat} by the generator at the window's edges),
 * divided by the messages or the megabytes (10^6 bytes read back) of that window. {@code perRun} keeps
 * every measured run's figures (the row's other fields are the median run's), so that the spread
 * between runs can be reported beside the median.
 */
record Result(String scenario, String server, int connections, double msgsPerS, double mbytesPerS, double p50Us,
              double p99Us, double p999Us, double allocBytesPerMsg, double residentBytesPerConn, double heapBytesPerConn,
              double gcCount, double serverCpuPercent, double loadgenCpuPercent, double serverCpuUsPerMsg,
              double serverCpuUsPerMB, double loadgenCpuUsPerMsg, int loadgenThreads, int runs, String note,
              List<Run> perRun) {

    /** One measured run: throughput and the server's CPU per message and per MB. */
    record Run(double msgsPerS, double mbytesPerS, double serverCpuUsPerMsg, double serverCpuUsPerMB) {
    }

    /** A row whose runs were not kept one by one. */
    Result(String scenario, String server, int connections, double msgsPerS, double mbytesPerS, double p50Us,
           double p99Us, double p999Us, double allocBytesPerMsg, double residentBytesPerConn, double heapBytesPerConn,
           double gcCount, double serverCpuPercent, double loadgenCpuPercent, double serverCpuUsPerMsg,
           double serverCpuUsPerMB, double loadgenCpuUsPerMsg, int loadgenThreads, int runs, String note) {
        this(scenario, server, connections, msgsPerS, mbytesPerS, p50Us, p99Us, p999Us, allocBytesPerMsg, residentBytesPerConn,
                heapBytesPerConn, gcCount, serverCpuPercent, loadgenCpuPercent, serverCpuUsPerMsg, serverCpuUsPerMB,
                loadgenCpuUsPerMsg, loadgenThreads, runs, note, List.of());
    }

    /** This row with the runs of several rounds pooled into it (this one being the median round). */
    Result withRuns(List<Run> pooled, String moreNote) {
        return new Result(scenario, server, connections, msgsPerS, mbytesPerS, p50Us, p99Us, p999Us, allocBytesPerMsg,
                residentBytesPerConn, heapBytesPerConn, gcCount, serverCpuPercent, loadgenCpuPercent, serverCpuUsPerMsg,
                serverCpuUsPerMB, loadgenCpuUsPerMsg, loadgenThreads, pooled.size(), note + moreNote, List.copyOf(pooled));
    }

    /** The first nine columns are those of earlier reports; the CPU columns follow them. */
    static final String CSV_HEADER = "scenario,server,connections,msgs_per_s,mbytes_per_s,p50_us,p99_us,alloc_bytes_per_msg,resident_bytes_per_conn"
            + ",server_cpu_us_per_msg,server_cpu_us_per_mb,server_cpu_percent,loadgen_cpu_percent";
    /** The per-run columns (each run's figure, ';'-separated, in the order run) follow the earlier ones. */
    static final String DETAIL_HEADER = CSV_HEADER + ",p999_us,heap_bytes_per_conn,gc_count,loadgen_cpu_us_per_msg,loadgen_threads,runs,note"
            + ",run_msgs_per_s,run_mbytes_per_s,run_server_cpu_us_per_msg,run_server_cpu_us_per_mb";

    /** A row without CPU figures (idle, iperf3). */
    static Result withoutCpu(String scenario, String server, int connections, double msgsPerS, double mbytesPerS,
                             double residentBytesPerConn, double heapBytesPerConn, String note) {
        return new Result(scenario, server, connections, msgsPerS, mbytesPerS, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                residentBytesPerConn, heapBytesPerConn, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                0, 1, note);
    }

    String csv() {
        return String.join(",", scenario, server, Integer.toString(connections), f(msgsPerS), f(mbytesPerS), f(p50Us),
                f(p99Us), f(allocBytesPerMsg), f(residentBytesPerConn), f3(serverCpuUsPerMsg), f3(serverCpuUsPerMB),
                f(serverCpuPercent), f(loadgenCpuPercent));
    }

    String detailCsv() {
        return csv() + "," + String.join(",", f(p999Us), f(heapBytesPerConn), f(gcCount), f3(loadgenCpuUsPerMsg),
                loadgenThreads > 0 ? Integer.toString(loadgenThreads) : "", Integer.toString(runs),
                '"' + note.replace("\"", "'") + '"', runs(Run::msgsPerS, false), runs(Run::mbytesPerS, false),
                runs(Run::serverCpuUsPerMsg, true), runs(Run::serverCpuUsPerMB, true));
    }

    private String runs(ToDoubleFunction<Run> figure, boolean cpu) {
        return String.join(";", perRun.stream().map(r -> cpu ? f3(figure.applyAsDouble(r)) : f(figure.applyAsDouble(r))).toList());
    }

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** CPU per message is often well below a microsecond: three decimals. */
    static String f3(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
