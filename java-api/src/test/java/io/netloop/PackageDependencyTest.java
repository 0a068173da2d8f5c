package io.netloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The shape of java-api, read by {@code jdeps} from the compiled classes: no package cycle, and
 * the public API ({@code io.netloop}) depends on no package of the SPI or the implementation: the
 * SPI and the generic loop depend on the API, never the other way round.
 */
class PackageDependencyTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(io\\.netloop[\\w.]*)\\s+->\\s+(io\\.netloop[\\w.]*)\\s");

    @Test
    void noPackageCycleInsideJavaApi() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        assertTrue(graph.containsKey("io.netloop") && graph.containsKey("io.netloop.internal.loop"),
                () -> "jdeps saw the packages: " + graph.keySet());
        List<String> cycle = findCycle(graph);
        assertTrue(cycle.isEmpty(), () -> "package cycle: " + String.join(" -> ", cycle) + "; graph " + graph);
    }

    @Test
    void apiDependsOnNeitherTheSpiNorTheImplementation() throws Exception {
        Set<String> fromApi = packageGraph().getOrDefault("io.netloop", Set.of());
        assertEquals(Set.of(), fromApi, "io.netloop must depend only on the JDK and slf4j");
    }

    /** Package-level edges between netloop packages, from {@code jdeps -verbose:package}. */
    private static Map<String, Set<String>> packageGraph() throws URISyntaxException {
        Path classes = Path.of(EventLoopGroup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // The classes hold module-info: jdeps resolves io.netloop's requirements, so slf4j goes on the module path.
        Path slf4j = Path.of(org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                "--multi-release", String.valueOf(Runtime.version().feature()), "--module-path", slf4j.toString(), classes.toString());
        assertEquals(0, rc, () -> "jdeps failed: " + out + err);
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    graph.get(m.group(1)).add(m.group(2));
                }
            }
        }
        return graph;
    }

    private static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // 1 on the path, 2 done
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(start, graph, state, path)) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return false;
        }
        path.add(node);
        if (s != null && s == 1) {
            return true;
        }
        state.put(node, 1);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (visit(next, graph, state, path)) {
                return true;
            }
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        return false;
    }
}
