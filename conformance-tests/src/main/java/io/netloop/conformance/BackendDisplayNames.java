package io.netloop.conformance;

import java.lang.reflect.Method;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Puts the backend id into every test's display name ({@code "echo to blocking jdk client [epoll-et]"}),
 * so a failure says where it failed even when reports drop the class name.
 */
public class BackendDisplayNames implements DisplayNameGenerator {

    /** Instantiated by JUnit from {@code @DisplayNameGeneration}. */
    public BackendDisplayNames() {
    }

    @Override
    public String generateDisplayNameForClass(Class<?> testClass) {
        return "netloop conformance [" + ConformanceSuite.backendIdOf(testClass) + "]";
    }

    @Override
    public String generateDisplayNameForNestedClass(Class<?> nestedClass) {
        return nestedClass.getSimpleName();
    }

    @Override
    public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
        return testMethod.getName().replace('_', ' ') + " [" + ConformanceSuite.backendIdOf(testClass) + "]";
    }
}
