package io.netloop.benchmarks.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's observability variants: names, the baseline's class path, rounds pooled, the overhead table. */
class ReportTest {

    @Test
    void variantNamesStripToTheirServer() {
        assertEquals("netloop-epoll-et", BenchmarkRunner.implOf("netloop-epoll-et+jfr"));
        assertEquals("netloop-io_uring", BenchmarkRunner.implOf("netloop-io_uring+jfr-profile"));
        assertEquals("netloop-epoll-et", BenchmarkRunner.implOf("netloop-epoll-et@baseline"));
        assertEquals("netty-epoll", BenchmarkRunner.implOf("netty-epoll"));
    }

    @Test
    void baselineReplacesNetloopJarsAndClassFoldersOnly(@TempDir Path dir) throws IOException {
        Path apiClasses = Files.createDirectories(dir.resolve("java-api/target/classes/io/netloop")).getParent().getParent();
        Path benchClasses = Files.createDirectories(dir.resolve("benchmarks/target/classes/io/netloop/benchmarks"))
                .getParent().getParent().getParent();
        assertTrue(BenchmarkRunner.isNetloopLibrary(apiClasses));
        assertFalse(BenchmarkRunner.isNetloopLibrary(benchClasses));
        assertTrue(BenchmarkRunner.isNetloopLibrary(Path.of("/m2/io/netloop/netloop-java-api/0.1.0/netloop-java-api-0.1.0.jar")));
        assertTrue(BenchmarkRunner.isNetloopLibrary(Path.of("/x/netloop-samples-0.1.0.jar")));
        assertFalse(BenchmarkRunner.isNetloopLibrary(Path.of("/x/netloop-benchmarks-0.1.0.jar")));
        assertFalse(BenchmarkRunner.isNetloopLibrary(Path.of("/m2/io/netty/netty-transport/4.2.7.Final/netty-transport-4.2.7.Final.jar")));
    }

    @Test
    void roundsArePooledIntoTheMedianRound() {
        List<Result> rounds = List.of(
                row("netloop-epoll-et", 100, List.of(run(100, 2.0), run(90, 2.2))),
                row("netloop-epoll-et", 120, List.of(run(120, 1.9))),
                row("netloop-epoll-et", 110, List.of(run(110, 2.1))));
        List<Result> pooled = Report.poolRounds(rounds);
        assertEquals(1, pooled.size());
        assertEquals(110, pooled.get(0).msgsPerS()); // the median round's row
        assertEquals(4, pooled.get(0).runs());
        assertEquals(4, pooled.get(0).perRun().size());
    }

    @Test
    void overheadSetsEachVariantAgainstItsPlainServer() {
        List<Result> rows = new ArrayList<>();
        rows.add(row("netloop-epoll-et", 100, List.of(run(100, 2.0), run(98, 2.1), run(102, 1.9))));
        rows.add(row("netloop-epoll-et+jfr", 90, List.of(run(90, 2.2), run(91, 2.3), run(89, 2.2))));
        rows.add(row("netloop-epoll-et@baseline", 100, List.of(run(101, 1.6), run(100, 1.6), run(99, 1.6))));
        rows.add(row("netty-epoll", 100, List.of(run(100, 2.0))));
        String md = Report.table(rows, List.of());
        assertTrue(md.contains("## Observability overhead"), md);
        assertTrue(md.contains("| netloop-epoll-et+jfr | 3 | 90.00 | 89.00...91.00 (2.2 %) | 0.90× | 2.200 | 2.200...2.300 (4.5 %) | 1.10× | no | +10.0 % (recording) |"), md);
        // plain 2.0 over baseline 1.6: observability compiled in costs 25 %
        assertTrue(md.contains("| netloop-epoll-et@baseline | 3 | 100 | 99.00...101 (2.0 %) | 1.00× | 1.600 |"), md);
        assertTrue(md.contains("+25.0 % (plain over baseline)"), md);
        assertFalse(md.contains("connection(s): netty-epoll"), md);
    }

    private static Result.Run run(double msgsPerS, double cpuUsPerMsg) {
        return new Result.Run(msgsPerS, Double.NaN, cpuUsPerMsg, Double.NaN);
    }

    private static Result row(String server, double msgsPerS, List<Result.Run> runs) {
        return new Result("pingpong", server, 100, msgsPerS, Double.NaN, 1, 2, 3, 0, Double.NaN, Double.NaN, 0, 50, 50,
                runs.get(0).serverCpuUsPerMsg(), Double.NaN, 1, 1, runs.size(), "", runs);
    }
}
