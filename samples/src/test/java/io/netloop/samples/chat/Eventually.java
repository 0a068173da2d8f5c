package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** Polls a value until it equals the expected one, for state with no event to wait on (a server's client count). */
final class Eventually {
    private Eventually() {
    }

    static <T> void equal(T expected, Supplier<T> actual, String what) {
        equal(expected, actual, what, Lines.LIMIT);
    }

    static <T> void equal(T expected, Supplier<T> actual, String what, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = actual.get();
        while (!Objects.equals(expected, last)) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": expected " + expected + " within " + limit.toSeconds() + " s, still " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(what + ": interrupted");
            }
            last = actual.get();
        }
    }
}
