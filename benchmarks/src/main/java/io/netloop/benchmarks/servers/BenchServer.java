package io.netloop.benchmarks.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One peer server for the load generator, chosen by {@code --impl}, driven over stdin.
 *
 * <pre>
 * BenchServer --impl IMPL --mode echo|broadcast|udp-echo --port P [--threads N] [--netty-allocator pooled|adaptive]
 *             [--redis redis://HOST:PORT]
 *
 *   IMPL: netloop-epoll-et | netloop-epoll-lt | netloop-io_uring | netloop-nio | netty-epoll | netty-nio | jdk-selector | chat-sample
 * </pre>
 *
 * <p>{@code --redis} (chat-sample only) makes the chat server one node of the chat cluster on that Redis.
 *
 * <p>Binds 127.0.0.1:P (0 picks a free port), prints {@code READY <port>} once listening, then reads
 * commands from stdin, one per line:
 * <ul>
 *   <li>{@code STATS} prints {@code STATS alloc_bytes=.. gc_count=.. gc_time_ms=.. heap_used=.. connections=..};
 *       {@code alloc_bytes} sums what the server's I/O threads have allocated since they started.</li>
 *   <li>{@code STATS gc} is the same after a {@link System#gc()}, so {@code heap_used} is the live heap.</li>
 *   <li>{@code QUIT}, or end of stdin, closes gracefully and exits 0: a server whose parent died exits
 *       by itself.</li>
 * </ul>
 * Only those lines go to stdout; diagnostics go to stderr.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp ... io.netloop.benchmarks.servers.BenchServer \
 *     --impl netloop-epoll-et --mode echo --port 0
 * }</pre>
 */
public final class BenchServer {
    static final List<String> IMPLS = List.of(
            "netloop-epoll-et", "netloop-epoll-lt", "netloop-io_uring", "netloop-nio", "netty-epoll", "netty-nio", "jdk-selector", "chat-sample");
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final String USAGE = "usage: BenchServer --impl " + String.join("|", IMPLS)
            + " --mode echo|broadcast|udp-echo --port P [--threads N] [--netty-allocator pooled|adaptive] [--redis URI (chat-sample)] [--unix PATH (netloop-*, echo: also listen there)]";

    private BenchServer() {
    }

    public static void main(String[] args) {
        String impl = null;
        String mode = null;
        String port = null;
        String threads = "1";
        String allocator = "pooled";
        String redis = null;
        String unix = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                usage("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--impl" -> impl = v;
                case "--mode" -> mode = v;
                case "--port" -> port = v;
                case "--threads" -> threads = v;
                case "--netty-allocator" -> allocator = v;
                case "--redis" -> redis = v;
                case "--unix" -> unix = v;
                default -> usage("unknown option " + a);
            }
        }
        if (impl == null || mode == null || port == null) {
            usage("--impl, --mode and --port are required");
        }
        if (redis != null && !"chat-sample".equals(impl)) {
            usage("--redis is for --impl chat-sample only");
        }
        if (unix != null && !(impl.startsWith("netloop-") && "echo".equals(mode))) {
            usage("--unix is for the netloop-* servers in echo mode only");
        }
        PeerServer server;
        try {
            server = unix != null
                    ? NetloopServer.start(impl.substring("netloop-".length()), Mode.ECHO, parseInt("--port", port, 0, 65535),
                            parseInt("--threads", threads, 1, 1024), Path.of(unix))
                    : start(impl, Mode.parse(mode), parseInt("--port", port, 0, 65535),
                            parseInt("--threads", threads, 1, 1024), allocator, redis);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        } catch (Exception | Error e) {
            System.err.println("BenchServer: " + impl + " failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        // Which netloop the server runs on: the runner's @baseline servers swap the jars under the same code.
        System.err.println("BenchServer: " + impl + " on netloop from " + codeSource(io.netloop.EventLoopGroup.class));
        System.out.println("READY " + server.port());
        System.out.flush();
        try {
            serveCommands(server);
        } catch (IOException e) {
            System.err.println("BenchServer: stdin failed, stopping: " + e);
        }
        server.close(CLOSE_TIMEOUT_MILLIS);
        System.out.flush();
        // Halt rather than wait for stray non-daemon threads (Netty's global executor, a stuck loop):
        // the contract is that the server is gone once stdin is.
        System.exit(0);
    }

    static PeerServer start(String impl, Mode mode, int port, int threads, String nettyAllocator, String redis) throws Exception {
        if (mode == Mode.UDP_ECHO) {
            return startUdp(impl, port, threads);
        }
        return switch (impl) {
            case "netloop-epoll-et" -> NetloopServer.start("epoll-et", mode, port, threads);
            case "netloop-epoll-lt" -> NetloopServer.start("epoll-lt", mode, port, threads);
            case "netloop-io_uring" -> NetloopServer.start("io_uring", mode, port, threads);
            case "netloop-nio" -> NetloopServer.start("nio", mode, port, threads);
            case "netty-epoll" -> NettyServer.start(true, mode, port, threads, nettyAllocator);
            case "netty-nio" -> NettyServer.start(false, mode, port, threads, nettyAllocator);
            case "jdk-selector" -> {
                if (threads != 1) {
                    throw new IllegalArgumentException("jdk-selector is single-threaded; --threads must be 1, was " + threads);
                }
                yield JdkSelectorServer.start(mode, port);
            }
            case "chat-sample" -> ChatSampleServer.start(port, threads, redis); // broadcast by nature: lines reach the lobby
            default -> throw new IllegalArgumentException("unknown --impl '" + impl + "'; expected one of " + IMPLS);
        };
    }

    private static PeerServer startUdp(String impl, int port, int threads) throws Exception {
        return switch (impl) {
            case "netloop-epoll-et" -> NetloopUdpServer.start("epoll-et", port, threads);
            case "netloop-epoll-lt" -> NetloopUdpServer.start("epoll-lt", port, threads);
            case "netloop-io_uring" -> NetloopUdpServer.start("io_uring", port, threads);
            case "netloop-nio" -> NetloopUdpServer.start("nio", port, threads);
            case "netty-epoll" -> NettyUdpServer.start(true, port, threads);
            case "netty-nio" -> NettyUdpServer.start(false, port, threads);
            case "jdk-selector" -> {
                if (threads != 1) {
                    throw new IllegalArgumentException("jdk-selector is single-threaded; --threads must be 1, was " + threads);
                }
                yield JdkUdpServer.start(port);
            }
            default -> throw new IllegalArgumentException("--mode udp-echo has no --impl '" + impl + "'");
        };
    }

    private static void serveCommands(PeerServer server) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.strip();
            switch (command.toUpperCase(Locale.ROOT)) {
                case "" -> {
                }
                case "STATS" -> stats(server, false);
                case "STATS GC" -> stats(server, true);
                case "QUIT" -> {
                    return;
                }
                default -> System.err.println("BenchServer: unknown command '" + command + "'; expected STATS, STATS gc or QUIT");
            }
        }
    }

    private static void stats(PeerServer server, boolean gcFirst) {
        if (gcFirst) {
            System.gc();
        }
        System.out.println(statsLine(server));
        System.out.flush();
    }

    static String statsLine(PeerServer server) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc = 0;
        for (Thread t : server.ioThreads()) {
            long bytes = threads.getThreadAllocatedBytes(t.threadId());
            if (bytes > 0) { // -1 once a thread has ended
                alloc += bytes;
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "STATS alloc_bytes=" + alloc + " gc_count=" + gcCount + " gc_time_ms=" + gcMillis
                + " heap_used=" + heapUsed + " connections=" + server.connections();
    }

    private static String codeSource(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "an unknown location" : source.getLocation().getPath();
    }

    /** Live threads whose name starts with {@code prefix}. */
    static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix))
                .toList();
    }

    private static int parseInt(String name, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + n);
        }
        return n;
    }

    private static void usage(String problem) {
        System.err.println("BenchServer: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }
}
