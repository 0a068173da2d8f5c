package io.netloop.samples;

import io.netloop.samples.chat.ChatServer;
import io.netloop.samples.chat.client.ChatClient;
import java.util.Arrays;

/**
 * The entry point of {@code netloop-chat.jar}: runs the chat server or the console client.
 *
 * <pre>{@code
 * java -jar netloop-chat.jar server --port 6667
 * java -jar netloop-chat.jar client --nick alice
 * }</pre>
 */
public final class ChatMain {
    private ChatMain() {
    }

    public static void main(String[] args) throws Exception {
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (args.length > 0 ? args[0] : "") {
            case "server" -> ChatServer.main(rest);
            case "client" -> ChatClient.main(rest);
            case "help", "-h", "--help" -> System.out.println(usage());
            default -> {
                System.err.println(usage());
                System.exit(2);
            }
        }
    }

    private static String usage() {
        return """
                netloop chat: a chat server on netloop, and a console client for it.

                  server [--host 127.0.0.1] [--port 6667] [--backend ID] [--threads N]   serves until Ctrl-C
                         [--tls-port 6697 --cert CHAIN.pem --key KEY.pem]               and TLS beside plaintext
                         [--redis redis://HOST:PORT]                                   one node of a chat on Redis
                         [--unix PATH]                                                 and a Unix-domain socket too
                         [--admin-port 9190 [--admin-host 127.0.0.1]]                  GET /metrics (Prometheus), /loops
                         [--oper-password PW]                                          OPER, then STATS w: the loops' load
                  client [--nick NICK] [--host 127.0.0.1] [--port 6667] [--backend ID]  chats until /quit

                A plain user can join with: nc 127.0.0.1 6667 (over TLS: openssl s_client -quiet -connect 127.0.0.1:6697;
                over the Unix-domain socket: nc -U PATH)
                Backends: epoll-et (Linux default), epoll-lt, nio. 'server --help' lists the server's limits.""";
    }
}
