package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waits. Every wait in the suite goes through here so that a hang becomes a failure that
 * says what was awaited, well inside the test's {@code @Timeout}. The bound is generous: it only
 * separates "never happens" from "happens", and says nothing about speed.
 */
public final class Await {
    /** How long any single expected event may take before it counts as never happening. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Await() {
    }

    /** The future's value; fails the test if it does not complete in time or completes exceptionally. */
    public static <T> T get(Future<T> future, String what) {
        try {
            return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("timed out after " + LIMIT.toSeconds() + " s waiting for " + what);
        } catch (ExecutionException e) {
            return fail(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + what);
        }
    }

    /** The exception the future completes with; fails the test if it completes normally or not in time. */
    public static Throwable failure(Future<?> future, String what) {
        try {
            Object value = future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            return fail(what + " was expected to fail but completed with " + value);
        } catch (TimeoutException e) {
            return fail("timed out after " + LIMIT.toSeconds() + " s waiting for " + what + " to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted waiting for " + what);
        }
    }

    /** Polls {@code condition} until it holds; fails with {@code what} and the current state otherwise. */
    public static void until(BooleanSupplier condition, String what) {
        until(condition, () -> what);
    }

    public static void until(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + LIMIT.toSeconds() + " s waiting for " + what.get());
            }
            sleep(Duration.ofMillis(5));
        }
    }

    /**
     * Runs an empty task on {@code loop} and waits for it: everything the loop was asked to do
     * before this call, and every callback that work caused, has then happened.
     */
    public static void loopDrained(EventLoop loop) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> done.complete(null));
        get(done, "a task on " + loop);
    }

    /** {@link #loopDrained} for every loop of the group. */
    public static void loopsDrained(EventLoopGroup group) {
        for (EventLoop loop : group.loops()) {
            loopDrained(loop);
        }
    }

    /**
     * Gives a wrong event the chance to happen before the test checks that it did not. Used only
     * for asserting absence; a test never asserts that something happened within this time.
     */
    public static void quietPeriod() {
        sleep(Duration.ofMillis(300));
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
