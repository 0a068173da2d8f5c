package io.netloop.benchmarks.runner;

import io.netloop.samples.chat.ChatConfig;
import io.netloop.samples.chat.ChatServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The chat sample as a fan-out server under test: one loop, flood limit and send queue opened up
 * so the benchmark measures delivery, not the sample's protection. Prints {@code READY <port>},
 * answers {@code STATS} like the other Java servers, stops on {@code QUIT} or stdin EOF.
 */
public final class ChatSampleServer {
    private ChatSampleServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length >= 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 0;
        ChatConfig config = ChatConfig.defaults().withPort(port).withThreads(1).withMaxClients(20_000)
                .withFloodBurst(1_000_000).withFloodRate(1e9).withMaxSendQueueBytes(16L * 1024 * 1024);
        try (ChatServer server = ChatServer.start(config)) {
            System.out.println("READY " + server.address().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("QUIT")) {
                if (line.startsWith("STATS")) {
                    System.out.println(stats(line.contains("gc"), server.clientCount()));
                    System.out.flush();
                }
            }
        }
    }

    private static String stats(boolean gc, int connections) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("netloop-")) {
                alloc += mx.getThreadAllocatedBytes(t.threadId());
            }
        }
        long gcCount = 0;
        long gcTime = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, b.getCollectionCount());
            gcTime += Math.max(0, b.getCollectionTime());
        }
        if (gc) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "STATS alloc_bytes=" + alloc + " gc_count=" + gcCount + " gc_time_ms=" + gcTime + " heap_used=" + heap
                + " connections=" + connections;
    }
}
