package io.netloop.benchmarks.runner;

import java.util.Locale;

/** One row of summary.csv: a scenario, a server, a connection count, the median of its runs. */
record Result(String scenario, String server, int connections, double msgsPerS, double mbytesPerS, double p50Us,
              double p99Us, double p999Us, double allocBytesPerMsg, double rssBytesPerConn, double heapBytesPerConn,
              double gcCount, double serverCpuPercent, double loadgenCpuPercent, int runs, String note) {

    static final String CSV_HEADER = "scenario,server,connections,msgs_per_s,mbytes_per_s,p50_us,p99_us,alloc_bytes_per_msg,rss_bytes_per_conn";
    static final String DETAIL_HEADER = CSV_HEADER + ",p999_us,heap_bytes_per_conn,gc_count,server_cpu_percent,loadgen_cpu_percent,runs,note";

    String csv() {
        return String.join(",", scenario, server, Integer.toString(connections), f(msgsPerS), f(mbytesPerS), f(p50Us),
                f(p99Us), f(allocBytesPerMsg), f(rssBytesPerConn));
    }

    String detailCsv() {
        return csv() + "," + String.join(",", f(p999Us), f(heapBytesPerConn), f(gcCount), f(serverCpuPercent),
                f(loadgenCpuPercent), Integer.toString(runs), '"' + note.replace("\"", "'") + '"');
    }

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
