package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --unix PATH}: the chat server listens on a Unix-domain socket beside its TCP port, with
 * the same handlers, so a user through {@code nc -U} and a user through TCP share the rooms; the
 * socket file is gone once the server stops.
 */
class UnixSocketChatTest {

    @EachBackend
    void ncUnixUserChatsWithTcpUser(String backend) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "nlchat");
        Path socket = dir.resolve("chat.sock");
        try {
            try (ChatFixture chat = ChatFixture.start(backend, c -> c.withUnixSocket(socket))) {
                assertEquals(UnixDomainSocketAddress.of(socket), chat.server.unixAddress());
                assertTrue(Files.exists(socket), "the server made its socket file");
                NcUser alice = chat.join("alice", 0);
                NcUser bob = chat.own(NcUser.connectUnix(backend + "/bob-over-unix", socket));
                bob.register("bob", 1);
                alice.awaitLine("*** bob joined");

                bob.send("hello over a Unix-domain socket");
                alice.awaitLine("<bob> hello over a Unix-domain socket");
                alice.send("and back over TCP");
                bob.awaitLine("<alice> and back over TCP");
            }
            assertFalse(Files.exists(socket), "the server removed its socket file when it stopped");
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    @EachBackend
    void jdkUnixChannelGetsThePrompt(String backend) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "nlchat");
        Path socket = dir.resolve("chat.sock");
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withUnixSocket(socket));
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer in = ByteBuffer.allocate(4096);
            StringBuilder got = new StringBuilder();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!got.toString().contains(NcUser.PROMPT) && System.nanoTime() < deadline) {
                in.clear();
                if (ch.read(in) < 0) {
                    break;
                }
                got.append(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
            }
            assertTrue(got.toString().contains(NcUser.PROMPT), "the chat's prompt over the Unix-domain socket: " + got);
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    @org.junit.jupiter.api.Test
    void unixFlagIsParsedAndShownInUsage() {
        ChatConfig c = ChatConfig.parse(new String[] {"--port", "0", "--unix", "/tmp/chat.sock"});
        assertEquals(Path.of("/tmp/chat.sock"), c.unixSocket());
        assertTrue(ChatConfig.usage().contains("--unix PATH"));
        assertEquals(null, ChatConfig.defaults().unixSocket());
    }
}
