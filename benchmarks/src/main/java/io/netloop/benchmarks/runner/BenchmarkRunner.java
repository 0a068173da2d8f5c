package io.netloop.benchmarks.runner;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Runs every scenario against every server, side by side, and writes the report folder:
 * {@code summary.csv}, {@code details.csv}, {@code report.md} (the console table) and one PNG chart
 * per scenario. Each server runs pinned to CPU 1; the load generator (C) gets every other CPU,
 * one thread per CPU (on a 2-CPU machine: CPU 0, one thread).
 *
 * <pre>
 * BenchmarkRunner [--quick | --full] [--out DIR] [--only SCENARIO,...] [--servers NAME,...] [--loadgen-threads N]
 *                 [--rounds N] [--baseline-classpath DIR|FILE]
 * </pre>
 *
 * <p>Observability variants of a netloop server (named in {@code --servers} only, never run by default):
 * {@code netloop-epoll-et+jfr} is the same server with a JFR recording of netloop's events under
 * {@code netloop.jfc}, {@code +jfr-profile} under {@code netloop-profile.jfc} (every loop turn), and
 * {@code netloop-epoll-et@baseline} the same BenchServer on the netloop jars of
 * {@code --baseline-classpath} (built by {@code baseline.sh} from the commit before observability).
 * {@code --rounds N} repeats each scenario's servers N times, each time in fresh processes and in
 * alternating order, and pools the runs; the report's "Observability overhead" section compares
 * each variant with its plain server, with the spread of the runs.
 */
public final class BenchmarkRunner {
    private final Mode mode;
    private final Path out;
    private final Path cDir;
    private final String java;
    private final String classpath;
    private final boolean pin;
    /** CPUs the load generator runs on (all but the server's), as a taskset/--cpus list; empty when not pinned. */
    private final String loadgenCpus;
    private final int loadgenThreads;
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> onlyScenarios;
    private final List<String> onlyServers;
    /** How many times each scenario runs its servers, each time in new processes. */
    private final int rounds;
    /** The class path of the @baseline servers: the baseline's netloop jars, then the rest of ours; null without one. */
    private final String baselineClasspath;
    private int jfrRecordings;

    record Mode(String name, int runs, int warmupSeconds, int durationSeconds, int idleConnections,
                int[] pingPongConnections) {
    }

    static final Mode QUICK = new Mode("quick", 1, 1, 2, 2_000, new int[] {1, 100, 1000});
    static final Mode FULL = new Mode("full", 3, 2, 5, 19_000, new int[] {1, 100, 1000});

    /** Servers by name, and whether they answer STATS (the Java ones). */
    static final List<String> ECHO_SERVERS = List.of("netloop-epoll-et", "netloop-epoll-lt", "netloop-io_uring", "netloop-nio",
            "netty-epoll", "netty-nio", "jdk-selector", "c-epoll");
    /** UDP echo: c-epoll is the C server's UDP form ({@code udp_echo_server}, recvmmsg/sendmmsg). */
    static final List<String> UDP_SERVERS = List.of("netloop-epoll-et", "netloop-epoll-lt", "netloop-io_uring", "netloop-nio",
            "netty-epoll", "netty-nio", "jdk-selector", "c-epoll");
    /** Unix-domain ping-pong, each against TCP loopback on the same server: netloop's backends (the peers have no Unix listener here). */
    static final List<String> UNIX_SERVERS = List.of("netloop-epoll-et", "netloop-epoll-lt", "netloop-io_uring", "netloop-nio");
    static final int SERVER_CPU = 1;
    static final List<String> FANOUT_SERVERS = List.of("netloop-epoll-et", "netloop-epoll-lt", "netloop-io_uring", "netty-epoll", "chat-sample", "c-epoll");

    /** Suffix of a server with a JFR recording of netloop's events under netloop.jfc, the settings for production. */
    static final String JFR = "+jfr";
    /** Suffix of a server with a JFR recording under netloop-profile.jfc: an event per loop turn and per wait. */
    static final String JFR_PROFILE = "+jfr-profile";
    /** Suffix of a server on the baseline's netloop jars ({@code --baseline-classpath}). */
    static final String BASELINE = "@baseline";

    private BenchmarkRunner(Mode mode, Path out, List<String> onlyScenarios, List<String> onlyServers, int threads, int rounds,
                            Path baseline) throws IOException {
        this.mode = mode;
        this.out = out;
        this.onlyScenarios = onlyScenarios;
        this.onlyServers = onlyServers;
        this.rounds = rounds;
        this.cDir = Path.of("target", "c").toAbsolutePath();
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = System.getProperty("java.class.path");
        this.baselineClasspath = baseline == null ? null : baselineClasspath(baseline);
        int cpus = Runtime.getRuntime().availableProcessors();
        this.pin = cpus >= 2 && which("taskset");
        // The server keeps CPU 1 to itself; the load generator gets all the others, a thread on each,
        // so that it is not the limit where the machine has the cores for that.
        List<String> others = new ArrayList<>();
        for (int cpu = 0; cpu < cpus; cpu++) {
            if (cpu != SERVER_CPU) {
                others.add(Integer.toString(cpu));
            }
        }
        this.loadgenCpus = pin ? String.join(",", others) : "";
        this.loadgenThreads = threads > 0 ? threads : pin ? others.size() : 1;
        Files.createDirectories(out);
        Files.createDirectories(cDir);
    }

    public static void main(String[] args) throws Exception {
        Mode mode = QUICK;
        Path out = null;
        List<String> only = List.of();
        List<String> servers = List.of();
        int threads = 0;
        int rounds = 1;
        Path baseline = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> mode = QUICK;
                case "--full" -> mode = FULL;
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--servers" -> servers = Arrays.asList(args[++i].split(","));
                case "--loadgen-threads" -> threads = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--baseline-classpath" -> baseline = Path.of(args[++i]);
                default -> usage(null);
            }
        }
        for (String s : servers) {
            if (!s.equals(implOf(s)) && !(implOf(s).startsWith("netloop-") || implOf(s).equals("chat-sample"))) {
                usage("the " + JFR + ", " + JFR_PROFILE + " and " + BASELINE + " variants are for the netloop servers, not " + s);
            }
            if (s.endsWith(BASELINE) && baseline == null) {
                usage(s + " needs --baseline-classpath (build it with benchmarks/baseline.sh)");
            }
        }
        if (rounds < 1) {
            usage("--rounds must be 1 or more");
        }
        if (out == null) {
            out = Path.of("reports", mode.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        BenchmarkRunner r = new BenchmarkRunner(mode, out.toAbsolutePath(), only, servers, threads, rounds, baseline);
        long start = System.nanoTime();
        r.run();
        System.out.printf(Locale.ROOT, "%nbenchmarks (%s mode) took %.1f min; report in %s%n", mode.name(),
                (System.nanoTime() - start) / 60e9, r.out);
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("BenchmarkRunner: " + problem);
        }
        System.err.println("usage: BenchmarkRunner [--quick|--full] [--out DIR] [--only pingpong,pipeline,stream,fanout,churn,udp-echo,unix-pingpong,idle,jmh]"
                + " [--servers a,b] [--loadgen-threads N] [--rounds N] [--baseline-classpath DIR|FILE]"
                + "\n  a server may carry a variant: netloop-epoll-et" + JFR + ", netloop-epoll-et" + JFR_PROFILE + ", netloop-epoll-et" + BASELINE);
        System.exit(2);
    }

    private void run() throws Exception {
        compileC(cDir);
        String machine = machine();
        System.out.println(machine);
        notes.add(0, machine); // before the baseline's note
        if (wanted("pingpong")) {
            eachServer(ECHO_SERVERS, s ->
                    measure("pingpong", s, "echo", mode.pingPongConnections(), c -> List.of("--connections", c, "--size", "64")));
        }
        if (wanted("pipeline")) {
            eachServer(ECHO_SERVERS, s ->
                    measure("pipeline", s, "echo", new int[] {100}, c -> List.of("--connections", c, "--size", "64", "--depth", "16")));
        }
        if (wanted("stream")) {
            eachServer(ECHO_SERVERS, s -> measure("stream", s, "echo", new int[] {1}, c -> List.of("--connections", c)));
            iperf3();
        }
        if (wanted("fanout")) {
            eachServer(FANOUT_SERVERS, s -> measure("fanout", s, "broadcast", new int[] {1000},
                    c -> List.of("--connections", c, "--senders", "4", "--rate", "2000", "--size", "64")));
        }
        if (wanted("churn")) {
            eachServer(ECHO_SERVERS, s -> measure("churn", s, "echo", new int[] {16}, c -> List.of("--connections", c, "--size", "64")));
        }
        if (wanted("udp-echo")) {
            eachServer(UDP_SERVERS, s -> measure("udp-echo", s, "udp-echo", new int[] {1, 64},
                    c -> List.of("--connections", c, "--size", "64", "--depth", "4")));
        }
        if (wanted("unix-pingpong")) {
            eachServer(UNIX_SERVERS, this::unixPingPong);
        }
        if (wanted("idle")) {
            eachServer(ECHO_SERVERS, this::idle);
        }
        Report.write(out, Report.poolRounds(results), notes);
        if (wanted("jmh")) {
            jmh();
        }
    }

    private boolean wanted(String scenario) {
        return onlyScenarios.isEmpty() || onlyScenarios.contains(scenario);
    }

    /**
     * The scenario's servers that {@code --servers} names (all by default), each variant beside its
     * plain server, in the order of {@code all}.
     */
    private List<String> servers(List<String> all) {
        if (onlyServers.isEmpty()) {
            return all;
        }
        List<String> picked = new ArrayList<>();
        for (String s : all) {
            for (String o : onlyServers) {
                if (implOf(o).equals(s)) {
                    picked.add(o);
                }
            }
        }
        return picked;
    }

    private interface ServerAction {
        void run(String server) throws Exception;
    }

    /**
     * Runs {@code action} on each server, {@code --rounds} times. Every second round goes through the
     * servers backwards, so that a drift of the machine over the run (heat, other load) does not
     * favour the servers that come first.
     */
    private void eachServer(List<String> all, ServerAction action) throws Exception {
        List<String> servers = servers(all);
        for (int round = 0; round < rounds; round++) {
            List<String> order = round % 2 == 0 ? servers : servers.reversed();
            for (String s : order) {
                action.run(s);
            }
        }
    }

    /** The BenchServer implementation of a server name: the name without its variant suffix. */
    static String implOf(String server) {
        for (String suffix : List.of(JFR_PROFILE, JFR, BASELINE)) {
            if (server.endsWith(suffix)) {
                return server.substring(0, server.length() - suffix.length());
            }
        }
        return server;
    }

    // ---- one scenario on one server: warm up, then runs, median ----

    private void measure(String scenario, String server, String serverMode, int[] connectionCounts,
                         java.util.function.Function<String, List<String>> args) throws Exception {
        try (ServerProcess p = startServer(scenario, server, serverMode, List.of(), List.of())) {
            measureOn(p, scenario, server, connectionCounts, args);
        } catch (IOException e) {
            notes.add(scenario + " on " + server + " failed: " + e.getMessage());
            System.out.println(scenario + " on " + server + " FAILED: " + e.getMessage());
        }
    }

    /**
     * Ping-pong over a Unix-domain socket and over TCP loopback against the same server process
     * (it listens on both), each reported as its own row: "SERVER (unix)" and "SERVER (tcp)".
     */
    private void unixPingPong(String server) throws Exception {
        Path socket = Path.of("/tmp", "netloop-bench-" + ProcessHandle.current().pid() + ".sock");
        try (ServerProcess p = startServer("unix-pingpong", server, "echo", List.of(), List.of("--unix", socket.toString()))) {
            for (String transport : List.of("unix", "tcp")) {
                List<String> via = transport.equals("unix") ? List.of("--unix", socket.toString()) : List.of();
                measureOn(p, "unix-pingpong", server + " (" + transport + ")", new int[] {1, 100}, c -> {
                    List<String> a = new ArrayList<>(List.of("--connections", c, "--size", "64"));
                    a.addAll(via);
                    return a;
                });
            }
        } catch (IOException e) {
            notes.add("unix-pingpong on " + server + " failed: " + e.getMessage());
            System.out.println("unix-pingpong on " + server + " FAILED: " + e.getMessage());
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private void measureOn(ServerProcess p, String scenario, String server, int[] connectionCounts,
                           java.util.function.Function<String, List<String>> args) throws Exception {
        for (int connections : connectionCounts) {
            List<String> extra = args.apply(Integer.toString(connections));
            loadgen(p, scenario, extra, 0, Math.max(1, mode.warmupSeconds())); // warms the server's JIT
            List<Map<String, String>> runs = new ArrayList<>();
            List<double[]> serverSide = new ArrayList<>();
            List<Result.Run> perRun = new ArrayList<>();
            for (int run = 0; run < mode.runs(); run++) {
                Map<String, Double> before = p.stats(false);
                // A second of traffic before the window: what accepting the run's new
                // connections still costs the server is then outside it.
                Map<String, String> r = loadgen(p, scenario, extra, 1, mode.durationSeconds());
                Map<String, Double> after = p.stats(false);
                double messages = Json.num(r, "messages");
                // Over the measured window where the generator marked it, else over the whole run.
                boolean window = r.containsKey("window_alloc_bytes");
                double alloc = !p.hasStats ? Double.NaN
                        : (window ? Json.num(r, "window_alloc_bytes") : after.get("alloc_bytes") - before.get("alloc_bytes")) / Math.max(1, messages);
                double gc = !p.hasStats ? Double.NaN
                        : window ? Json.num(r, "window_gc_count") : after.get("gc_count") - before.get("gc_count");
                runs.add(r);
                serverSide.add(new double[] {alloc, gc});
                perRun.add(new Result.Run(Json.num(r, "msgs_per_s"), Json.num(r, "mbytes_per_s"),
                        perUnit(Json.num(r, "server_cpu_s"), messages), perUnit(Json.num(r, "server_cpu_s"), Json.num(r, "bytes") / 1e6)));
            }
            int m = medianIndex(runs, "msgs_per_s");
            Map<String, String> med = runs.get(m);
            double[] ss = serverSide.get(m);
            // The generator read the server's CPU from /proc at its window's edges: nothing of
            // connection set-up or of the STATS round trips is in it.
            double messages = Json.num(med, "messages");
            double mbytes = Json.num(med, "bytes") / 1e6;
            double serverCpu = Json.num(med, "server_cpu_s");
            double loadgenCpu = Json.num(med, "cpu_user_s") + Json.num(med, "cpu_sys_s");
            Result res = new Result(scenario, server, connections, Json.num(med, "msgs_per_s"), Json.num(med, "mbytes_per_s"),
                    Json.num(med, "p50_us"), Json.num(med, "p99_us"), Json.num(med, "p999_us"), ss[0], Double.NaN,
                    Double.NaN, ss[1], Json.num(med, "server_cpu_percent"), Json.num(med, "cpu_percent"),
                    perUnit(serverCpu, messages), perUnit(serverCpu, mbytes), perUnit(loadgenCpu, messages),
                    (int) Json.num(med, "threads"), runs.size(), "errors=" + med.getOrDefault("errors", "?"), perRun);
            results.add(res);
            System.out.printf(Locale.ROOT, "%-9s %-28s conns=%-5d %12.0f msg/s %9.1f MB/s p50=%7.1f us p99=%8.1f us alloc/msg=%6s gc=%s"
                            + " server cpu=%3.0f%% %s us/msg loadgen cpu=%3.0f%%%n",
                    scenario, server, connections, res.msgsPerS(), res.mbytesPerS(), res.p50Us(), res.p99Us(),
                    Result.f(res.allocBytesPerMsg()), Result.f(res.gcCount()), res.serverCpuPercent(),
                    Result.f3(res.serverCpuUsPerMsg()), res.loadgenCpuPercent());
        }
    }

    /** CPU seconds per unit, in µs; NaN without units. */
    private static double perUnit(double cpuSeconds, double units) {
        return units > 0 ? cpuSeconds * 1e6 / units : Double.NaN;
    }

    private static int medianIndex(List<Map<String, String>> runs, String key) {
        Integer[] idx = new Integer[runs.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(Json.num(runs.get(a), key), Json.num(runs.get(b), key)));
        return idx[idx.length / 2];
    }

    /**
     * Idle connections: memory per connection while the load generator holds them. A Java server
     * runs with its heap pre-touched ({@code -XX:+AlwaysPreTouch}), so that its RSS grows only by
     * memory outside the heap; the figure is that growth plus the growth of the live heap (after a
     * GC). Without pre-touching, RSS also grew by the eden pages the garbage of accepting first
     * touched: pages a running server has resident anyway, and up to the whole young generation
     * (about 21 MiB of the 64 MiB heap) divided by the connections: about 1.1 KiB each at 19,000.
     */
    private void idle(String server) throws Exception {
        int n = mode.idleConnections();
        try (ServerProcess p = startServer("idle", server, "echo", List.of("-XX:+AlwaysPreTouch"), List.of())) {
            Map<String, Double> heapBefore = p.stats(true);
            long rssBefore = p.rssBytes();
            List<String> cmd = loadgenCommand(p, "idle", List.of("--connections", Integer.toString(n)), 0, 8);
            Process lg = new ProcessBuilder(cmd).start();
            int holding = -1;
            try (BufferedReader err = new BufferedReader(new InputStreamReader(lg.getErrorStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = err.readLine()) != null) {
                    if (l.startsWith("HOLDING ")) {
                        holding = Integer.parseInt(l.substring(8).trim());
                        break;
                    }
                }
                Thread.sleep(500);
                Map<String, Double> heapAfter = p.stats(true);
                long rssAfter = p.rssBytes();
                double heapPer = p.hasStats ? (heapAfter.get("heap_used") - heapBefore.get("heap_used")) / Math.max(1, holding) : Double.NaN;
                double nativePer = (rssAfter - rssBefore) / (double) Math.max(1, holding);
                double residentPer = nativePer + (p.hasStats ? heapPer : 0);
                results.add(Result.withoutCpu("idle", server, holding, Double.NaN, Double.NaN, residentPer, heapPer,
                        "held " + holding + " of " + n + "; RSS outside the heap " + Math.round(nativePer) + " B/conn"));
                System.out.printf(Locale.ROOT, "idle      %-17s conns=%-5d resident/conn=%8.0f B (RSS outside the heap %6.0f B, live heap %8s B)%n",
                        server, holding, residentPer, nativePer, Result.f(heapPer));
                while (err.readLine() != null) {
                    // let the generator finish its hold and close
                }
            }
            lg.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            notes.add("idle on " + server + " failed: " + e.getMessage());
        }
    }

    /**
     * iperf3 beside the stream scenario, one way, with the scenario's 64 KiB writes ({@code -l 65536}),
     * the server on the servers' CPU and the client on the load generator's first CPU. Server CPU
     * per MB from iperf3's own {@code remote_total} (user + system, % of one core). The like-for-like
     * ceiling of the echo stream is the C server (c-epoll), which the stream scenario runs anyway;
     * iperf3 3.12's {@code --bidir} was tried for a two-way figure and is no ceiling: its one thread
     * starves one direction (0.9 against 8.8 Gbit/s here).
     */
    private void iperf3() throws Exception {
        String name = "iperf3";
        if (!which("iperf3")) {
            notes.add("stream: iperf3 not installed (ci/install-deps.sh installs it); no practical ceiling measured");
            return;
        }
        Process server = new ProcessBuilder(pinned(SERVER_CPU, List.of("iperf3", "-s", "-1", "-p", "15201"))).redirectErrorStream(true).start();
        Thread.sleep(500);
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", "127.0.0.1", "-p", "15201", "-l", "65536", "-t",
                Integer.toString(mode.durationSeconds()), "-J"));
        Process client = new ProcessBuilder(pinned(0, cmd)).redirectErrorStream(true).start();
        String json = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        client.waitFor(60, TimeUnit.SECONDS);
        server.destroy();
        double bps = iperfNumber(json, "\"sum_received\"", "\"bits_per_second\"");
        if (Double.isNaN(bps)) {
            notes.add("stream: iperf3 gave no result");
            return;
        }
        double mbytes = bps / 8 / 1e6;
        double serverPercent = iperfNumber(json, "\"cpu_utilization_percent\"", "\"remote_total\"");
        double clientPercent = iperfNumber(json, "\"cpu_utilization_percent\"", "\"host_total\"");
        // per MB received: the iperf3 server only receives, an echo server also sends every byte back
        double usPerMB = serverPercent / 100 * 1e6 / mbytes;
        results.add(new Result("stream", name, 1, Double.NaN, mbytes, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, serverPercent, clientPercent, Double.NaN, usPerMB, Double.NaN, 1, 1,
                "one-way TCP over loopback, 64 KiB writes; the practical one-way ceiling"));
        System.out.printf(Locale.ROOT, "stream    %-17s conns=1     %9.1f MB/s (one way), server cpu=%3.0f%% %.0f us/MB%n",
                name, mbytes, serverPercent, usPerMB);
    }

    /** The number after {@code key} following {@code section} in iperf3's JSON; NaN if absent. */
    private static double iperfNumber(String json, String section, String key) {
        int at = json.lastIndexOf(section);
        int k = at < 0 ? -1 : json.indexOf(key, at);
        if (k < 0) {
            return Double.NaN;
        }
        return Double.parseDouble(json.substring(json.indexOf(':', k) + 1).trim().split("[,}\\s]")[0]);
    }

    private void jmh() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                "io.netloop.benchmarks.jmh.DowncallBenchmarks", mode == QUICK ? "--quick" : "--full", "--out",
                out.resolve("jmh.json").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("jmh.txt").toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            notes.add("jmh: the downcall benchmark failed; see jmh.txt");
        }
        System.out.println("JMH downcall benchmark: " + out.resolve("jmh.txt"));
    }

    // ---- processes ----

    /**
     * @param scenario   names the server's JFR recording, if it has one
     * @param jvmOptions added to a Java server's options
     * @param serverArgs added to a Java server's own arguments
     */
    private ServerProcess startServer(String scenario, String server, String serverMode, List<String> jvmOptions,
                                      List<String> serverArgs) throws IOException {
        Path log = out.resolve("server.log");
        List<String> cmd;
        boolean stats = true;
        // A 64 MiB heap, as the allocation target asks; direct buffers are not heap, and the JDK
        // would otherwise cap them at the heap size too (the JDK Selector server keeps 64 KiB per connection:
        // 1.2 GiB for the 19,000 idle ones, which 1 GiB refused).
        List<String> jvm = List.of(java, "-Xms64m", "-Xmx64m", "-XX:MaxDirectMemorySize=2g", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", server.endsWith(BASELINE) ? baselineClasspath : classpath);
        if (server.equals("c-epoll") && serverMode.equals("udp-echo")) {
            stats = false;
            cmd = new ArrayList<>(List.of(cDir.resolve("udp_echo_server").toString(), "--port", "0"));
        } else if (server.equals("c-epoll")) {
            stats = false;
            cmd = new ArrayList<>(List.of(cDir.resolve("echo_server").toString(), "--port", "0"));
            if (serverMode.equals("broadcast")) {
                cmd.add("--broadcast");
            }
        } else {
            cmd = new ArrayList<>(jvm);
            cmd.addAll(1, jvmOptions);
            cmd.addAll(1, jfrOptions(scenario, server));
            cmd.addAll(List.of("io.netloop.benchmarks.servers.BenchServer", "--impl", implOf(server), "--mode", serverMode,
                    "--port", "0", "--threads", "1"));
            cmd.addAll(serverArgs);
        }
        return ServerProcess.start(server, pinned(SERVER_CPU, cmd), stats, log);
    }

    /**
     * The JVM options of a {@code +jfr} or {@code +jfr-profile} server: a recording from start to exit
     * with netloop's settings file as the library ships it (copied out of java-api's jar into
     * {@code jfr/} of the report, so the report shows what was recorded), written to
     * {@code jfr/SCENARIO-SERVER-N.jfr} when the server exits. Only netloop's events: the JDK's own
     * ({@code settings=default}) would measure JFR, not netloop. JFR's startup message goes to the
     * server's log rather than to the stdout the runner reads.
     */
    private List<String> jfrOptions(String scenario, String server) throws IOException {
        boolean profile = server.endsWith(JFR_PROFILE);
        if (!profile && !server.endsWith(JFR)) {
            return List.of();
        }
        Path dir = out.resolve("jfr");
        Files.createDirectories(dir);
        String name = profile ? "netloop-profile.jfc" : "netloop.jfc";
        Path settings = dir.resolve(name);
        if (!Files.exists(settings)) {
            try (InputStream in = BenchmarkRunner.class.getClassLoader().getResourceAsStream("io/netloop/" + name)) {
                if (in == null) {
                    throw new IOException("io/netloop/" + name + " is not on the runner's class path (a netloop without observability?)");
                }
                Files.copy(in, settings);
            }
        }
        Path recording = dir.resolve(scenario + "-" + server + "-" + (++jfrRecordings) + ".jfr");
        if ((settings.toString() + recording).matches(".*[,=].*")) {
            throw new IOException("JFR's option cannot take a path with ',' or '=': " + recording);
        }
        return List.of("-XX:StartFlightRecording:settings=" + settings + ",filename=" + recording, "-Xlog:jfr+startup=info:stderr");
    }

    /**
     * The class path of the @baseline servers: the baseline's jars ({@code DIR/classpath} as
     * baseline.sh writes it, else every jar in DIR; or a file holding a class path), then the
     * runner's own class path without netloop's jars or class folders. Our benchmark classes run
     * on both: BenchServer uses no API that the baseline lacks.
     */
    private String baselineClasspath(Path baseline) throws IOException {
        List<String> entries = new ArrayList<>();
        Path listed = Files.isDirectory(baseline) ? baseline.resolve("classpath") : baseline;
        if (Files.isRegularFile(listed)) {
            for (String e : Files.readString(listed).strip().split(File.pathSeparator)) {
                entries.add(listed.resolveSibling(e).toString()); // relative entries are relative to the file
            }
        } else if (Files.isDirectory(baseline)) {
            try (Stream<Path> jars = Files.list(baseline)) {
                jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> entries.add(p.toAbsolutePath().toString()));
            }
        }
        if (entries.isEmpty()) {
            throw new IOException("--baseline-classpath " + baseline + ": no jars (build them with benchmarks/baseline.sh)");
        }
        boolean observability = false;
        for (String e : entries) {
            Path p = Path.of(e);
            if (!Files.exists(p)) {
                throw new IOException("--baseline-classpath " + baseline + ": " + e + " does not exist");
            }
            observability |= contains(p, "io/netloop/NetloopJfr.class");
        }
        List<String> removed = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator)) {
            if (isNetloopLibrary(Path.of(e))) {
                removed.add(e);
            } else {
                entries.add(e);
            }
        }
        Path revision = (Files.isDirectory(baseline) ? baseline : baseline.toAbsolutePath().getParent()).resolve("REVISION");
        String from = Files.isRegularFile(revision) ? Files.readString(revision).strip() : "unknown revision";
        notes.add("@baseline servers: netloop " + from + ", jars from " + baseline.toAbsolutePath() + " (in place of "
                + removed.size() + " netloop entries of the runner's class path)");
        if (removed.isEmpty()) {
            notes.add("WARNING: no netloop jar on the runner's class path was replaced; @baseline may run the current netloop");
        }
        if (observability) {
            notes.add("WARNING: the baseline class path has io.netloop.NetloopJfr: it is not a netloop from before observability");
        }
        return String.join(File.pathSeparator, entries);
    }

    /** netloop's own jars and class folders (java-api, bindings, platforms, samples), not the benchmarks'. */
    static boolean isNetloopLibrary(Path entry) {
        if (Files.isDirectory(entry)) {
            return Files.isDirectory(entry.resolve("io/netloop")) && !Files.isDirectory(entry.resolve("io/netloop/benchmarks"));
        }
        String name = entry.getFileName().toString();
        return name.startsWith("netloop-") && name.endsWith(".jar") && !name.startsWith("netloop-benchmarks");
    }

    private static boolean contains(Path classpathEntry, String resource) throws IOException {
        if (Files.isDirectory(classpathEntry)) {
            return Files.exists(classpathEntry.resolve(resource));
        }
        try (ZipFile zip = new ZipFile(classpathEntry.toFile())) {
            return zip.getEntry(resource) != null;
        }
    }

    private Map<String, String> loadgen(ServerProcess server, String scenario, List<String> extra, int warmup, int duration)
            throws IOException, InterruptedException {
        List<String> cmd = loadgenCommand(server, scenario, extra, warmup, duration);
        Process p = new ProcessBuilder(cmd).start();
        // The generator says on stderr when its measured window starts and ends; the server's
        // allocation and GC counters are read then, so that connecting (every run opens its
        // connections again) is not counted per message.
        Map<String, Map<String, Double>> marks = new ConcurrentHashMap<>();
        Thread errors = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
                 Writer log = Files.newBufferedWriter(out.resolve("loadgen.log"), StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String l;
                while ((l = err.readLine()) != null) {
                    log.write(l + "\n");
                    if (server.hasStats && (l.equals("MEASURING") || l.equals("MEASURED"))) {
                        try {
                            marks.put(l, server.stats(false));
                        } catch (IOException e) {
                            log.write("STATS at " + l + " failed: " + e + "\n");
                        }
                    }
                }
            } catch (IOException e) {
                // the generator's stderr closed early; its exit status tells
            }
        });
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(duration + warmup + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the load generator did not stop");
        }
        errors.join(10_000);
        String[] lines = stdout.split("\n");
        String last = lines[lines.length - 1];
        if (p.exitValue() != 0 || !last.startsWith("{")) {
            throw new IOException("the load generator failed (exit " + p.exitValue() + "): " + stdout);
        }
        Map<String, String> result = new HashMap<>(Json.flat(last));
        Map<String, Double> from = marks.get("MEASURING"), to = marks.get("MEASURED");
        if (from != null && to != null) {
            result.put("window_alloc_bytes", Double.toString(to.get("alloc_bytes") - from.get("alloc_bytes")));
            result.put("window_gc_count", Double.toString(to.get("gc_count") - from.get("gc_count")));
        }
        return result;
    }

    private List<String> loadgenCommand(ServerProcess server, String scenario, List<String> extra, int warmup, int duration) {
        // UDP echo has its own generator (udpgen), with loadgen's options and output keys.
        String generator = scenario.equals("udp-echo") ? "udpgen" : "loadgen";
        // unix-pingpong is loadgen's pingpong over --unix (given in extra).
        String generatorScenario = scenario.equals("unix-pingpong") ? "pingpong" : scenario;
        List<String> cmd = new ArrayList<>(List.of(cDir.resolve(generator).toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(server.port), "--scenario", generatorScenario, "--warmup", Integer.toString(warmup), "--duration",
                Integer.toString(duration), "--threads", Integer.toString(loadgenThreads),
                "--server-pid", Long.toString(server.pid())));
        if (pin) {
            cmd.addAll(List.of("--cpus", loadgenCpus));
        }
        cmd.addAll(extra);
        if (!pin) {
            return cmd;
        }
        List<String> p = new ArrayList<>(List.of("taskset", "-c", loadgenCpus));
        p.addAll(cmd);
        return p;
    }

    private List<String> pinned(int cpu, List<String> cmd) {
        if (!pin) {
            return cmd;
        }
        List<String> p = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        p.addAll(cmd);
        return p;
    }

    /** Builds the load generators and the C servers into {@code cDir}; run from the benchmarks directory. */
    static void compileC(Path cDir) throws IOException, InterruptedException {
        Path src = Path.of("src", "main", "c").toAbsolutePath();
        for (String prog : List.of("loadgen", "echo_server", "udpgen", "udp_echo_server")) {
            Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-pthread", "-o", cDir.resolve(prog).toString(),
                    src.resolve(prog + ".c").toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("gcc failed on " + prog + ".c; the benchmarks need gcc (ci/install-deps.sh installs it)");
            }
        }
    }

    private String machine() throws IOException, InterruptedException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (l.startsWith("model name")) {
                m.put("cpu", l.substring(l.indexOf(':') + 1).trim());
                break;
            }
        }
        m.put("kernel", System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        m.put("pinned", pin ? "server on CPU " + SERVER_CPU + ", load generator on CPU(s) " + loadgenCpus : "no (needs taskset and 2 CPUs)");
        m.put("loadgen threads", loadgenThreads + (pin && loadgenThreads == 1
                ? " (2 CPUs: a second thread would share the server's core)" : ""));
        m.put("mode", mode.name() + ": " + mode.runs() + " run(s) of " + mode.durationSeconds() + " s after warm-up, median"
                + (rounds > 1 ? "; " + rounds + " rounds, each server in a new process each round, runs pooled" : ""));
        StringBuilder b = new StringBuilder("machine:");
        m.forEach((k, v) -> b.append(' ').append(k).append('=').append(v).append(';'));
        return b.toString();
    }

    static boolean which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
