package io.netloop.benchmarks.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Runs the downcall benchmarks ({@link GetppidBenchmark}, {@link EpollWaitBenchmark}) through the
 * JMH Runner API, writes JMH's JSON results and prints one table of ns/op per variant:
 *
 * <pre>{@code
 * java -cp <benchmarks classpath> io.netloop.benchmarks.jmh.DowncallBenchmarks --quick --out reports/jmh.json
 * }</pre>
 *
 * <p>Each benchmark runs in its own forked JVM, started with this JVM's {@code java} and class path
 * plus {@code --enable-native-access=ALL-UNNAMED}; run it on JDK 22 or newer. A benchmark that
 * fails (a fork that does not start, a binding that returns the wrong value) fails the run with
 * exit status 1 rather than leaving a hole in the table.
 */
public final class DowncallBenchmarks {

    private static final List<Class<?>> BENCHMARKS = List.of(GetppidBenchmark.class, EpollWaitBenchmark.class);

    /** Per mode: forks, then warmup and measurement iterations and their length. */
    private record Plan(String name, int forks, int warmups, TimeValue warmupTime, int measurements, TimeValue measurementTime) {
    }

    // 14 benchmarks x 3+3 iterations of 0.4 s, plus ~0.5 s to start each fork: about 45 s in all.
    // Downcalls reach C2 within a few thousand calls, far inside the first warmup iteration.
    private static final Plan QUICK = new Plan("quick", 1,
            3, TimeValue.milliseconds(400), 3, TimeValue.milliseconds(400));
    // Two forks, so that run-to-run (JIT, layout) variance shows in the error: about 5 min.
    private static final Plan FULL = new Plan("full", 2,
            5, TimeValue.seconds(1), 5, TimeValue.seconds(1));

    private DowncallBenchmarks() {
    }

    public static void main(String[] args) throws IOException {
        Plan plan = FULL;
        Path out = null;
        String filter = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> plan = QUICK;
                case "--full" -> plan = FULL;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--include" -> filter = value(args, ++i, "--include");
                case "-h", "--help" -> {
                    usage(System.out);
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    usage(System.err);
                    System.exit(2);
                }
            }
        }

        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(plan.forks())
                .warmupIterations(plan.warmups())
                .warmupTime(plan.warmupTime())
                .measurementIterations(plan.measurements())
                .measurementTime(plan.measurementTime())
                .threads(1)
                // Bytes allocated per call: the errno capture must not allocate on the loop's hot path.
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        Pattern variants = null;
        try {
            variants = filter == null ? null : Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            System.err.println("--include: " + e.getMessage());
            System.exit(2);
        }
        int included = 0;
        for (Class<?> benchmark : BENCHMARKS) {
            for (Method m : benchmark.getMethods()) {
                if (m.isAnnotationPresent(Benchmark.class) && (variants == null || variants.matcher(m.getName()).find())) {
                    // JMH finds include patterns anywhere in "class.method": anchor both ends.
                    options.include("^" + Pattern.quote(benchmark.getName() + "." + m.getName()) + "$");
                    included++;
                }
            }
        }
        if (included == 0) {
            System.err.println("no variant matches --include " + filter + "; the variants are " + VARIANTS);
            System.exit(2);
        }
        // Setting fork arguments here replaces the @Fork ones, so they are repeated in full.
        List<String> forkArgs = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            // JMH 1.37 calls sun.misc.Unsafe::objectFieldOffset, which warns in every fork from
            // JDK 24 on; allow it there to keep the output readable. The flag is unknown to JDK 22.
            forkArgs.add("--sun-misc-unsafe-memory-access=allow");
        }
        options.jvmArgsAppend(forkArgs.toArray(String[]::new));
        if (out != null) {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            options.result(out.toString()).resultFormat(ResultFormatType.JSON);
        }

        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            // JMH has printed the failing benchmark's own exception above; this says the run is void.
            System.err.println("JMH run failed, no results table: " + rootCause(e));
            e.printStackTrace();
            System.exit(1);
            return;
        }
        if (results.isEmpty()) {
            System.err.println("JMH returned no results");
            System.exit(1);
        }
        printTable(System.out, plan, results);
        if (out != null) {
            System.out.println("JMH JSON results: " + out.toAbsolutePath());
        }
    }

    /** Rows in this order within each call; the plain downcall first, as the others are read against it. */
    private static final List<String> VARIANTS = List.of("ffmPlain", "ffmCaptureErrno", "ffmCritical",
            "ffmCriticalCaptureErrno", "netloopBinding", "jnaDirect", "jnaInterface", "jdkSelectNow");

    /**
     * One block per benchmark class: each variant's time, against the plain FFM downcall of the same
     * call, and the bytes it allocated per call (JMH's {@code gc.alloc.rate.norm}).
     */
    static void printTable(PrintStream ps, Plan plan, Collection<RunResult> results) {
        Map<String, List<RunResult>> byCall = new LinkedHashMap<>();
        for (Class<?> benchmark : BENCHMARKS) {
            byCall.put(label(benchmark.getSimpleName()), new ArrayList<>());
        }
        for (RunResult r : results) {
            byCall.computeIfAbsent(call(r), k -> new ArrayList<>()).add(r);
        }
        ps.println();
        ps.printf(Locale.ROOT, "Downcall cost, %s mode (%d fork(s), %d x %s measured), JDK %s, %s%n",
                plan.name(), plan.forks(), plan.measurements(), plan.measurementTime(),
                Runtime.version(), System.getProperty("os.arch"));
        ps.printf(Locale.ROOT, "%-20s %-24s %9s %11s %9s %7s%n", "call", "variant", "ns/op", "± 99.9% CI", "vs plain", "B/op");
        for (Map.Entry<String, List<RunResult>> call : byCall.entrySet()) {
            List<RunResult> rows = call.getValue();
            rows.sort(Comparator.comparingInt(r -> {
                int i = VARIANTS.indexOf(method(r));
                return i < 0 ? VARIANTS.size() : i;
            }));
            double plain = rows.stream().filter(r -> method(r).equals("ffmPlain"))
                    .mapToDouble(r -> r.getPrimaryResult().getScore()).findFirst().orElse(Double.NaN);
            for (RunResult r : rows) {
                double score = r.getPrimaryResult().getScore();
                double error = r.getPrimaryResult().getScoreError();
                Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                ps.printf(Locale.ROOT, "%-20s %-24s %9.1f %11s %9s %7s%n", call.getKey(), method(r), score,
                        Double.isNaN(error) ? "" : String.format(Locale.ROOT, "%.1f", error),
                        Double.isNaN(plain) ? "" : String.format(Locale.ROOT, "%.2fx", score / plain),
                        alloc == null ? "" : String.format(Locale.ROOT, "%.1f", alloc.getScore()));
            }
        }
    }

    private static String call(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        String cls = benchmark.substring(0, benchmark.lastIndexOf('.'));
        return label(cls.substring(cls.lastIndexOf('.') + 1));
    }

    private static String label(String simpleName) {
        return switch (simpleName) {
            case "GetppidBenchmark" -> "getppid()";
            case "EpollWaitBenchmark" -> "epoll_wait(64, 0)";
            default -> simpleName;
        };
    }

    private static String method(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static String rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            usage(System.err);
            System.exit(2);
        }
        return args[i];
    }

    private static void usage(PrintStream ps) {
        ps.println("usage: DowncallBenchmarks [--quick | --full] [--out <results.json>] [--include <regex>]");
        ps.println("  --quick            3+3 iterations of 0.4 s, 1 fork: about 45 s");
        ps.println("  --full             5+5 iterations of 1 s, 2 forks: about 5 min (the default)");
        ps.println("  --out <path>       write JMH's JSON results there (parent directories are created)");
        ps.println("  --include <regex>  only the variants whose method name it finds, e.g. 'ffm|netloop' or '^jnaDirect$';");
        ps.println("                     the variants are " + String.join(", ", VARIANTS));
    }
}
