/**
 * JMH microbenchmarks of the downcall itself: what one call into the kernel costs through plain FFM,
 * FFM with {@code errno} captured (as {@code io.netloop.bindings} does), FFM marked critical, our
 * bindings, JNA (direct and interface mapping) and the JDK's own path. Run them with
 * {@link io.netloop.benchmarks.jmh.DowncallBenchmarks}:
 *
 * <pre>{@code
 * java -cp <benchmarks classpath> io.netloop.benchmarks.jmh.DowncallBenchmarks --quick --out reports/jmh.json
 * }</pre>
 */
package io.netloop.benchmarks.jmh;
