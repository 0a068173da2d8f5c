package io.netloop.linux;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netloop.Backends;
import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The select backend and FD_SETSIZE: a socket whose descriptor is 1024 or more is refused with an
 * error that names the limit and the backends without it, never written past the fd_set; once
 * descriptors are low again, the same group connects.
 */
class SelectLimitTest {

    @Test
    void descriptorAtOrAboveFdSetSizeIsRefusedWithTheLimitNamed() throws Exception {
        assumeTrue(Backends.isAvailable("select"), () -> "select unavailable: " + Backends.unavailabilityCause("select").orElse(""));
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull) && Files.isDirectory(Path.of("/proc/self/fd")), "needs /dev/null and /proc/self/fd");
        try (EventLoopGroup group = EventLoopGroup.builder().backend("select").threads(1).daemon(true).build();
             ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            ConnectionHandler ignore = (c, data) -> { };

            List<FileChannel> fillers = new ArrayList<>();
            try {
                while (openDescriptors() < 1100) {
                    fillers.add(FileChannel.open(devNull));
                }
                CompletableFuture<Connection> refused = group.connect(address, ignore);
                Throwable cause = failure(refused);
                assertInstanceOf(IOException.class, cause);
                assertTrue(cause.getMessage().contains("FD_SETSIZE (1024)") && cause.getMessage().contains("epoll"),
                        () -> "the error names the limit and the way out: " + cause.getMessage());
            } finally {
                for (FileChannel f : fillers) {
                    f.close();
                }
            }
            Connection ok = group.connect(address, ignore).get(30, TimeUnit.SECONDS);
            assertTrue(ok.isOpen(), "with descriptors below the limit again, select connects");
            ok.close().get(30, TimeUnit.SECONDS);
            group.shutdownGracefully(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            Object v = f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
