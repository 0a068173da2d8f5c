package io.netloop.bindings.linux;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tests run on the class path, so the module descriptor is checked here, from the compiled classes. */
class ModuleDescriptorTest {

    @Test
    void exportsTheBindingPackagesAndRequiresOnlyJavaBase() throws URISyntaxException {
        Path classes = Path.of(Errno.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<ModuleReference> modules = ModuleFinder.of(classes).findAll();
        assertEquals(1, modules.size(), "one module in " + classes);
        ModuleDescriptor descriptor = modules.iterator().next().descriptor();

        assertEquals("io.netloop.bindings", descriptor.name());
        assertEquals(Set.of("io.netloop.bindings.linux", "io.netloop.bindings.windows"),
                descriptor.exports().stream()
                        .peek(export -> assertTrue(!export.isQualified(), export + " is qualified"))
                        .map(ModuleDescriptor.Exports::source)
                        .collect(Collectors.toSet()));
        assertEquals(Set.of("java.base"),
                descriptor.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
        assertTrue(descriptor.opens().isEmpty(), "opens nothing");
    }
}
