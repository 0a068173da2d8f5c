package io.netloop.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Tests run on the class path; this one checks that the same artifacts also work on the module
 * path: the descriptors resolve together, the API module exports only its API, SPI and TLS layer,
 * and the platform modules' backends are found through {@code provides}.
 */
class ModuleGraphTest {

    private static ModuleLayer layer() {
        Path[] entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("netloop") || p.contains("slf4j") || p.contains("jline") || p.contains("samples"))
                .map(Path::of)
                .toArray(Path[]::new);
        ModuleFinder finder = ModuleFinder.of(entries);
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(finder, ModuleFinder.of(), Set.of("io.netloop.samples"));
        return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    }

    @Test
    void apiModuleExportsOnlyTheApiSpiAndTlsUnqualified() {
        ModuleDescriptor api = layer().findModule("io.netloop").orElseThrow().getDescriptor();
        Set<String> unqualified = api.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("io.netloop", "io.netloop.spi", "io.netloop.tls")), unqualified);
    }

    @Test
    void platformBackendsAreFoundThroughProvidesOnTheModulePath() throws Exception {
        ModuleLayer layer = layer();
        assertTrue(layer.findModule("io.netloop.linux").isPresent(), "service binding pulls in io.netloop.linux");
        assertTrue(layer.findModule("io.netloop.windows").isPresent(), "service binding pulls in io.netloop.windows");
        Class<?> spi = layer.findLoader("io.netloop").loadClass("io.netloop.spi.Backend");
        Set<String> ids = new TreeSet<>();
        for (Object backend : ServiceLoader.load(layer, spi)) {
            ids.add((String) spi.getMethod("id").invoke(backend));
        }
        // Every provider is listed on every OS, the API module's own NIO fallback included; whether
        // one can run is its availability's business.
        assertEquals(new TreeSet<>(List.of("asyncselect", "epoll-et", "epoll-lt", "eventselect", "io_uring", "iocp", "nio", "overlapped-events", "overlapped-routines", "poll", "select", "winsock-select")), ids);
    }
    @Test
    void noPackageIsSplitAcrossModules() {
        // The JDK refuses a package in two modules on the module path; on the class path the split
        // would pass unnoticed. Every netloop module is checked, service providers included.
        java.util.Map<String, String> owner = new java.util.TreeMap<>();
        List<String> splits = new java.util.ArrayList<>();
        for (Module m : layer().modules()) {
            for (String p : m.getDescriptor().packages()) {
                String other = owner.putIfAbsent(p, m.getName());
                if (other != null) {
                    splits.add(p + " in " + other + " and " + m.getName());
                }
            }
        }
        assertTrue(owner.keySet().containsAll(List.of("io.netloop", "io.netloop.tls", "io.netloop.bindings.linux", "io.netloop.linux")),
                () -> "the layer holds netloop's modules: " + owner.values());
        assertEquals(List.of(), splits);
    }
}
