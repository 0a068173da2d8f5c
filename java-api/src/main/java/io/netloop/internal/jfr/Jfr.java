package io.netloop.internal.jfr;

import jdk.jfr.FlightRecorder;

/**
 * The gate every netloop event passes first. Until a recording has started in this JVM, no event
 * class is even loaded (loading the first one initialises JFR, about 130 ms); after that, an event
 * is built only when its type's {@code enabled()} says a recording wants it, so a JVM that once
 * recorded allocates no event objects for types no recording wants.
 */
public final class Jfr {
    private Jfr() {
    }

    /** Whether JFR is running in this JVM at all: one static read. */
    public static boolean active() {
        return FlightRecorder.isInitialized();
    }

    /** The text of a connection's cause of close: empty for an orderly close. */
    static String cause(Throwable t) {
        if (t == null) {
            return "";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
    }

    static String address(Object a) {
        return a == null ? "" : a.toString();
    }
}
