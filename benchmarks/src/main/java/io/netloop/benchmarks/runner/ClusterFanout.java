package io.netloop.benchmarks.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cross-node fan-out of the chat sample: one chat server alone (the baseline) against chat
 * clusters of 1, 2 and 3 nodes on a private Redis, at the same fixed line rates, in one run.
 *
 * <p>For each rate and configuration it starts a fresh {@code redis-server} (clustered
 * configurations) and the nodes ({@code BenchServer --impl chat-sample [--redis URI]}, one chat
 * loop each), all pinned to CPU 1; the C load generator, pinned to CPU 0, spreads the plain-mode
 * clients round-robin over the nodes, waits until every client has been greeted, and its first
 * {@code senders} clients send timestamped lines at a fixed total rate. Every client records the
 * latency of every line it receives, and checks that it gets every other sender's lines exactly
 * once, in order ({@code loadgen --verify}). A warm-up run precedes each measured run.
 * Writes {@code results.csv} and {@code report.md}.
 *
 * <pre>
 * ClusterFanout [--out DIR] [--configs single,1,2,3] [--rates 100,1000,2000,4000,8000] [--clients 240] [--senders 6]
 *               [--size 64] [--warmup 2] [--duration 10] [--drain 5]
 * </pre>
 */
public final class ClusterFanout {
    /** What the chat greets a plain-mode client with once its nickname is registered. */
    private static final String GREETING = "*** Hello ";
    private static final int WARMUP_RUN_SECONDS = 3;

    /** {@code nodes} chat servers; with Redis they form a cluster, without it there is one server alone. */
    record Config(String name, int nodes, boolean redis) {
        static Config parse(String s) {
            if (s.equals("single")) {
                return new Config("single", 1, false);
            }
            int n = Integer.parseInt(s);
            if (n < 1 || n > 16) {
                throw new IllegalArgumentException("a cluster has 1 to 16 nodes, not " + n);
            }
            return new Config("cluster-" + n, n, true);
        }
    }

    /**
     * One measured run: the load generator's JSON, the server side's CPU (% of one core) and GCs over it, and how
     * long the server side took to go quiet after the warm-up run.
     */
    record Run(Config config, double rate, Map<String, String> lg, double nodesCpu, double redisCpu, double gcs, double settle) {
        double num(String key) {
            return Json.num(lg, key);
        }
    }

    private final Path out;
    private final Path cDir;
    private final String java;
    private final String classpath;
    private final boolean pin;
    private final List<Config> configs;
    private final double[] rates;
    private final int clients;
    private final int senders;
    private final int size;
    private final int warmup;
    private final int duration;
    private final int drain;
    private final List<Run> runs = new ArrayList<>();

    private ClusterFanout(Path out, List<Config> configs, double[] rates, int clients, int senders, int size, int warmup,
                          int duration, int drain) throws IOException {
        this.out = out;
        this.configs = configs;
        this.rates = rates;
        this.clients = clients;
        this.senders = senders;
        this.size = size;
        this.warmup = warmup;
        this.duration = duration;
        this.drain = drain;
        this.cDir = Path.of("target", "c").toAbsolutePath();
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = System.getProperty("java.class.path");
        this.pin = Runtime.getRuntime().availableProcessors() >= 2 && BenchmarkRunner.which("taskset");
        Files.createDirectories(out);
        Files.createDirectories(cDir);
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        List<Config> configs = List.of(Config.parse("single"), Config.parse("1"), Config.parse("2"), Config.parse("3"));
        double[] rates = {100, 1000, 2000, 4000, 8000};
        int clients = 240;
        int senders = 6;
        int size = 64;
        int warmup = 2;
        int duration = 10;
        int drain = 5;
        try {
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--out" -> out = Path.of(v);
                    case "--configs" -> configs = Arrays.stream(v.split(",")).map(Config::parse).toList();
                    case "--rates" -> rates = Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
                    case "--clients" -> clients = Integer.parseInt(v);
                    case "--senders" -> senders = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--duration" -> duration = Integer.parseInt(v);
                    case "--drain" -> drain = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (senders < 1 || senders > clients) {
                throw new IllegalArgumentException("--senders must be 1 to --clients");
            }
        } catch (RuntimeException e) {
            System.err.println("ClusterFanout: " + e.getMessage());
            System.err.println("usage: ClusterFanout [--out DIR] [--configs single,1,2,3] [--rates 100,1000,2000,4000,8000] [--clients 240]"
                    + " [--senders 6] [--size 64] [--warmup 2] [--duration 10] [--drain 5]");
            System.exit(2);
            return;
        }
        if (out == null) {
            out = Path.of("reports", "cluster-fanout-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        ClusterFanout f = new ClusterFanout(out.toAbsolutePath(), configs, rates, clients, senders, size, warmup, duration, drain);
        long start = System.nanoTime();
        f.run("ClusterFanout " + String.join(" ", args));
        System.out.printf(Locale.ROOT, "%ncluster fan-out took %.1f min; report in %s%n", (System.nanoTime() - start) / 60e9, f.out);
    }

    private void run(String command) throws Exception {
        BenchmarkRunner.compileC(cDir);
        String machine = machine();
        System.out.println(machine);
        for (double rate : rates) {
            for (Config c : configs) {
                try {
                    measure(c, rate);
                } catch (IOException e) {
                    System.out.println(c.name() + " at " + rate + " lines/s FAILED: " + e.getMessage());
                    log("nodes.log", c.name() + " at " + rate + " lines/s failed: " + e);
                }
            }
        }
        Files.write(out.resolve("results.csv"), csv());
        String report = report(command, machine);
        Files.writeString(out.resolve("report.md"), report);
        System.out.println();
        System.out.println(report);
    }

    // ---- one configuration at one rate: fresh Redis and nodes, a warm-up run, a measured run ----

    private void measure(Config c, double rate) throws Exception {
        String header = "=== " + c.name() + " at " + fmt(rate) + " lines/s, " + LocalDateTime.now();
        for (String log : List.of("nodes.log", "loadgen.log", "redis.log")) {
            log(log, header);
        }
        RedisProcess redis = c.redis() ? RedisProcess.start(pinned(1, List.of()), out.resolve("redis.log")) : null;
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < c.nodes(); i++) {
                nodes.add(startNode(redis));
            }
            String ports = String.join(",", nodes.stream().map(n -> Integer.toString(n.port)).toList());
            Map<String, String> w = loadgen(ports, rate, "w", 0, WARMUP_RUN_SECONDS);
            double settle = awaitQuiet(nodes, redis);
            System.out.printf(Locale.ROOT, "%-10s %6s lines/s warm-up: %s deliveries/s, p99 %s us, lost %s; quiet %.1f s later%n",
                    c.name(), fmt(rate), fmt(Json.num(w, "msgs_per_s")), fmt(Json.num(w, "p99_us")), w.get("lost"), settle);

            double[] cpu0 = cpu(nodes, redis);
            double gc0 = gcs(nodes);
            long t0 = System.nanoTime();
            Map<String, String> r = loadgen(ports, rate, "m", warmup, duration);
            double wall = (System.nanoTime() - t0) / 1e9;
            double[] cpu1 = cpu(nodes, redis);
            Run run = new Run(c, rate, r, 100 * (cpu1[0] - cpu0[0]) / wall, redis == null ? Double.NaN : 100 * (cpu1[1] - cpu0[1]) / wall,
                    gcs(nodes) - gc0, settle);
            runs.add(run);
            System.out.printf(Locale.ROOT, "%-10s %6s lines/s: %10s deliveries/s p50=%8s p99=%8s max=%8s us cross-node p50=%8s p99=%8s us"
                            + " lost=%s dup/late=%s stale=%s errors=%s nodes cpu=%.0f%% redis cpu=%s%% loadgen cpu=%s%%%n",
                    c.name(), fmt(rate), fmt(run.num("msgs_per_s")), fmt(run.num("p50_us")), fmt(run.num("p99_us")),
                    fmt(run.num("max_us")), fmt(run.num("remote_p50_us")), fmt(run.num("remote_p99_us")), r.get("lost"),
                    r.get("duplicate_or_late"), r.get("stale"), r.get("errors"), run.nodesCpu(), fmt(run.redisCpu()), fmt(run.num("cpu_percent")));
        } finally {
            for (ServerProcess n : nodes) {
                n.close();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** A chat server with one chat loop, flood limits opened (see ChatSampleServer); with Redis, a node of its cluster. */
    private ServerProcess startNode(RedisProcess redis) throws IOException {
        // As BenchmarkRunner starts its servers: 64 MiB heap, serial GC; GC pauses logged, to explain latency outliers.
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx64m", "-XX:MaxDirectMemorySize=1g", "-XX:+UseSerialGC",
                "-Xlog:gc:stderr",
                "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath,
                "io.netloop.benchmarks.servers.BenchServer", "--impl", "chat-sample", "--mode", "broadcast", "--port", "0",
                "--threads", "1"));
        if (redis != null) {
            cmd.addAll(List.of("--redis", redis.uri()));
        }
        return ServerProcess.start("chat-node", pinned(1, cmd), true, out.resolve("nodes.log"));
    }

    private Map<String, String> loadgen(String ports, double rate, String nickPrefix, int warmupSeconds, int seconds)
            throws IOException, InterruptedException {
        List<String> cmd = pinned(0, List.of(cDir.resolve("loadgen").toString(), "--host", "127.0.0.1", "--port", ports,
                "--scenario", "fanout", "--connections", Integer.toString(clients), "--senders", Integer.toString(senders),
                "--rate", plain(rate), "--size", Integer.toString(size), "--warmup", Integer.toString(warmupSeconds),
                "--duration", Integer.toString(seconds), "--verify", "--drain", Integer.toString(drain),
                "--nick-prefix", nickPrefix, "--ready", GREETING));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(out.resolve("loadgen.log").toFile())).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(warmupSeconds + seconds + drain + 90L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the load generator did not stop");
        }
        String[] lines = stdout.split("\n");
        String last = lines[lines.length - 1];
        if (p.exitValue() != 0 || !last.startsWith("{")) {
            throw new IOException("the load generator failed (exit " + p.exitValue() + "): " + stdout);
        }
        return Json.flat(last);
    }

    /**
     * Waits (at most 60 s) until the nodes and Redis together use under 5 % of a core over half a second: a run
     * that fell behind leaves a backlog in the stream that the nodes work off after its clients have gone, and
     * the next run's clients would get those lines (the load generator counts them as {@code stale}).
     *
     * @return the seconds waited
     */
    private static double awaitQuiet(List<ServerProcess> nodes, RedisProcess redis) throws IOException, InterruptedException {
        long start = System.nanoTime();
        double[] before = cpu(nodes, redis);
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(500);
            double[] now = cpu(nodes, redis);
            double used = now[0] + now[1] - before[0] - before[1];
            before = now;
            if (used < 0.025) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** CPU seconds so far: the nodes together, and Redis. */
    private static double[] cpu(List<ServerProcess> nodes, RedisProcess redis) throws IOException {
        double n = 0;
        for (ServerProcess p : nodes) {
            n += p.cpuSeconds();
        }
        return new double[] {n, redis == null ? 0 : redis.cpuSeconds()};
    }

    private static double gcs(List<ServerProcess> nodes) throws IOException {
        double n = 0;
        for (ServerProcess p : nodes) {
            n += p.stats(false).get("gc_count");
        }
        return n;
    }

    private List<String> pinned(int cpu, List<String> cmd) {
        List<String> p = new ArrayList<>();
        if (pin) {
            p.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        p.addAll(cmd);
        return p;
    }

    private void log(String file, String line) throws IOException {
        Files.writeString(out.resolve(file), line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    // ---- output ----

    private static final String[] CSV_KEYS = {"msgs_per_s", "p50_us", "p99_us", "p999_us", "max_us", "remote_deliveries",
        "remote_p50_us", "remote_p99_us", "remote_max_us", "lines_sent", "expected_deliveries", "lost", "duplicate_or_late",
        "unexpected", "stale", "drain_s", "errors", "connections_open", "cpu_percent", "seconds"};

    private List<String> csv() {
        List<String> lines = new ArrayList<>();
        lines.add("config,nodes,redis,rate,clients,senders,size," + String.join(",", CSV_KEYS)
                + ",nodes_cpu_percent,redis_cpu_percent,gc_count,quiet_after_warmup_s");
        for (Run r : runs) {
            StringBuilder b = new StringBuilder();
            b.append(r.config().name()).append(',').append(r.config().nodes()).append(',').append(r.config().redis())
                    .append(',').append(plain(r.rate())).append(',').append(clients).append(',').append(senders).append(',').append(size);
            for (String k : CSV_KEYS) {
                b.append(',').append(r.lg().getOrDefault(k, ""));
            }
            b.append(',').append(String.format(Locale.ROOT, "%.1f,%s,%.0f,%.1f", r.nodesCpu(),
                    Double.isNaN(r.redisCpu()) ? "" : String.format(Locale.ROOT, "%.1f", r.redisCpu()), r.gcs(), r.settle()));
            lines.add(b.toString());
        }
        return lines;
    }

    private String report(String command, String machine) {
        StringBuilder b = new StringBuilder("# Chat cluster: cross-node fan-out\n\n");
        b.append("- ").append(machine).append('\n');
        b.append("- command (in `benchmarks/`): `").append(command).append("`\n");
        b.append(String.format(Locale.ROOT, "- %d plain-mode clients spread round-robin over the nodes (client i on node i mod N);"
                + " clients 0..%d send %d-byte lines at the rate given, in total; %d s measured after %d s of warm-up traffic,"
                + " preceded by a %d s warm-up run on the same processes (and a wait until they are quiet); then up to %d s for lines"
                + " still on their way%n",
                clients, senders - 1, size, duration, warmup, WARMUP_RUN_SECONDS, drain));
        b.append("- each node: one JVM (64 MiB heap, serial GC), `--threads 1` (one chat loop; a cluster node also runs"
                + " its cluster loop, the Redis connections' thread); all nodes and redis-server pinned to CPU 1,"
                + " the load generator to CPU 0\n\n");
        for (double rate : rates) {
            Run base = runs.stream().filter(r -> r.rate() == rate && !r.config().redis()).findFirst().orElse(null);
            b.append(String.format(Locale.ROOT, "## %s lines/s (%s deliveries/s offered)%n%n", fmt(rate), fmt(rate * (clients - 1))));
            b.append("| configuration | deliveries/s | vs single | p50 µs | p99 µs | max µs | p50 vs single | p99 vs single"
                    + " | cross-node p50 µs | cross-node p99 µs | lost | dup/late | stale | other errors | drain s"
                    + " | nodes CPU % | Redis CPU % | loadgen CPU % | GCs |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Run r : runs) {
                if (r.rate() != rate) {
                    continue;
                }
                double other = r.num("errors") - r.num("lost") - r.num("duplicate_or_late") - r.num("unexpected");
                b.append("| ").append(r.config().name())
                        .append(" | ").append(fmt(r.num("msgs_per_s")))
                        .append(" | ").append(ratio(r.num("msgs_per_s"), base == null ? Double.NaN : base.num("msgs_per_s")))
                        .append(" | ").append(fmt(r.num("p50_us")))
                        .append(" | ").append(fmt(r.num("p99_us")))
                        .append(" | ").append(fmt(r.num("max_us")))
                        .append(" | ").append(ratio(r.num("p50_us"), base == null ? Double.NaN : base.num("p50_us")))
                        .append(" | ").append(ratio(r.num("p99_us"), base == null ? Double.NaN : base.num("p99_us")))
                        .append(" | ").append(fmt(r.num("remote_p50_us")))
                        .append(" | ").append(fmt(r.num("remote_p99_us")))
                        .append(" | ").append(fmt(r.num("lost")))
                        .append(" | ").append(fmt(r.num("duplicate_or_late") + r.num("unexpected")))
                        .append(" | ").append(fmt(r.num("stale")))
                        .append(" | ").append(fmt(other))
                        .append(" | ").append(String.format(Locale.ROOT, "%.2f", r.num("drain_s")))
                        .append(" | ").append(fmt(r.nodesCpu()))
                        .append(" | ").append(fmt(r.redisCpu()))
                        .append(" | ").append(fmt(r.num("cpu_percent")))
                        .append(" | ").append(fmt(r.gcs()))
                        .append(" |\n");
            }
            b.append('\n');
        }
        b.append("""
                What the columns mean:

                - **deliveries/s**: `MSG` lines received by all clients together in the measured window, per second.
                  The senders are open-loop (a fixed schedule, not waiting for replies), so below saturation every
                  configuration delivers what is offered, rate × (clients − 1); a configuration that cannot keep up
                  delivers less, and its latency grows through the run.
                - **p50 / p99 / max µs**: from a line's send time (written into the line by the load generator) to its
                  receipt by one client, over every delivery in the window; one process and one clock
                  (`CLOCK_MONOTONIC`), so no clock skew. Histogram error under 0.8 %; max is exact.
                - **cross-node**: the same, only for deliveries whose sender is connected to another node than the
                  receiver (the path through Redis); the other deliveries are local to a node.
                - **vs single**: the ratio to the single chat server without Redis at the same rate, in the same run.
                - **lost**: deliveries that never came: every line a sender wrote is due once at every other client that
                  stayed connected, checked by sequence number per sender and receiver after the window and the drain
                  (so lines still queued at the end of a saturated run count as lost). **dup/late**: a line at or below
                  one the client already had from that sender (a duplicate, or one that came after a later line, which
                  then also counts as lost), or the sender's own line back. **stale**: lines stamped before this load
                  generator run began (the warm-up run's, still worked off by the nodes), left out of every other
                  column. **other errors**: failed connects, lost connections, lines a sender dropped with 16 MiB unsent.
                  All counted over the warm-up traffic and the window, not only the window.
                - **drain s**: how long after the window the last due line took to arrive (capped by `--drain`).
                - **nodes CPU %**, **Redis CPU %**: CPU time of the node JVMs together and of redis-server over the
                  measured load generator run (registration, warm-up, window and drain), in % of one core; they share
                  CPU 1, so together they cannot pass about 100 %. Softirq time is not included. **loadgen CPU %**: the
                  load generator over the window. **GCs**: collections in the node JVMs together over that run.
                """);
        return b.toString();
    }

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
        return String.format(Locale.ROOT, Math.abs(v) >= 100 || v == Math.rint(v) ? "%,.0f" : "%.1f", v);
    }

    /** A number as a command line or CSV wants it: no grouping. */
    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String machine() throws IOException, InterruptedException {
        String cpu = "?";
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (l.startsWith("model name")) {
                cpu = l.substring(l.indexOf(':') + 1).trim();
                break;
            }
        }
        Process v = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
        String redis = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        v.waitFor(10, TimeUnit.SECONDS);
        return "machine: cpus=" + Runtime.getRuntime().availableProcessors() + "; cpu=" + cpu + "; kernel="
                + System.getProperty("os.version") + "; jdk=" + System.getProperty("java.vm.vendor") + " " + Runtime.version()
                + "; " + redis.replaceAll("\\s+sha=\\S+", "");
    }
}
