/**
 * Peer servers for the benchmarks: the same echo and broadcast protocols on netloop (epoll ET,
 * epoll LT, NIO), Netty 4.2 (epoll, NIO) and a plain JDK {@link java.nio.channels.Selector}, behind
 * one command line ({@link io.netloop.benchmarks.servers.BenchServer}) so the load generator can
 * drive each the same way.
 */
package io.netloop.benchmarks.servers;
