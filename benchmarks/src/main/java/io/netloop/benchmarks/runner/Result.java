package io.netloop.benchmarks.runner;

import java.util.Locale;

/**
 * One row of summary.csv: a scenario, a server, a connection count, the median of its runs.
 * Server CPU is user + system time of the server process over exactly the load generator's
 * measured window (read from {@code /proc/PID/stat} by the generator at the window's edges),
 * divided by the messages or the megabytes (10^6 bytes read back) of that window.
 */
record Result(String scenario, String server, int connections, double msgsPerS, double mbytesPerS, double p50Us,
              double p99Us, double p999Us, double allocBytesPerMsg, double residentBytesPerConn, double heapBytesPerConn,
              double gcCount, double serverCpuPercent, double loadgenCpuPercent, double serverCpuUsPerMsg,
              double serverCpuUsPerMB, double loadgenCpuUsPerMsg, int loadgenThreads, int runs, String note) {

    /** The first nine columns are those of earlier reports; the CPU columns follow them. */
    static final String CSV_HEADER = "scenario,server,connections,msgs_per_s,mbytes_per_s,p50_us,p99_us,alloc_bytes_per_msg,resident_bytes_per_conn"
            + ",server_cpu_us_per_msg,server_cpu_us_per_mb,server_cpu_percent,loadgen_cpu_percent";
    static final String DETAIL_HEADER = CSV_HEADER + ",p999_us,heap_bytes_per_conn,gc_count,loadgen_cpu_us_per_msg,loadgen_threads,runs,note";

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
                '"' + note.replace("\"", "'") + '"');
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
