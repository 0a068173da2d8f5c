package io.netloop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Optional;

/**
 * How the API reaches its implementation without depending on it: the generic loop and the SPI
 * depend on this package, never the other way round, so the implementation class is found by
 * name once ({@code io.netloop.internal.loop.ApiBridge}, in this module) and called through method
 * handles. The JDK's own API packages reach their internals the same way.
 */
final class Implementation {
    private static final MethodHandle NEW_GROUP;
    private static final MethodHandle BACKEND_IDS;
    private static final MethodHandle UNAVAILABILITY_CAUSE;
    private static final MethodHandle DEFAULT_BACKEND_ID;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> bridge = Class.forName("io.netloop.internal.loop.ApiBridge", true, Implementation.class.getClassLoader());
            NEW_GROUP = lookup.findStatic(bridge, "newGroup",
                    MethodType.methodType(EventLoopGroup.class, String.class, int.class, int.class, boolean.class));
            BACKEND_IDS = lookup.findStatic(bridge, "backendIds", MethodType.methodType(List.class));
            UNAVAILABILITY_CAUSE = lookup.findStatic(bridge, "unavailabilityCause", MethodType.methodType(Optional.class, String.class));
            DEFAULT_BACKEND_ID = lookup.findStatic(bridge, "defaultBackendId", MethodType.methodType(String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Implementation() {
    }

    static EventLoopGroup newGroup(String backendId, int threads, int readBufferSize, boolean daemon) {
        try {
            return (EventLoopGroup) NEW_GROUP.invokeExact(backendId, threads, readBufferSize, daemon);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> backendIds() {
        try {
            return (List<String>) BACKEND_IDS.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    @SuppressWarnings("unchecked")
    static Optional<String> unavailabilityCause(String id) {
        try {
            return (Optional<String>) UNAVAILABILITY_CAUSE.invokeExact(id);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String defaultBackendId() {
        try {
            return (String) DEFAULT_BACKEND_ID.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** What the implementation threw, as it was when unchecked; it declares no checked exception. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
