package io.netloop.samples.chat;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encoded output lines and the server's IRC replies. */
final class Wire {
    static final String SERVER = "netloop";

    private Wire() {
    }

    /** A line encoded once as UTF-8 with CRLF, sent as is to many clients. */
    record Line(byte[] bytes) {
        static Line of(String text) {
            return new Line((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code :netloop CODE TARGET params...}, the last parameter as trailing text. */
    static String numeric(String code, String target, String... params) {
        StringBuilder b = new StringBuilder(64).append(':').append(SERVER).append(' ').append(code).append(' ').append(target);
        for (int i = 0; i < params.length; i++) {
            b.append(' ');
            if (i == params.length - 1) {
                b.append(':');
            }
            b.append(params[i]);
        }
        return b.toString();
    }

    /** {@link #relay} as one line to send. */
    static Line relayLine(String prefix, String command, String target, String text) {
        return Line.of(String.join("\r\n", relay(prefix, command, target, text)));
    }

    /**
     * {@code :prefix COMMAND target :text} lines for IRC clients, the text split so that no line
     * passes IRC's 512 bytes: a long plain-mode message reaches IRC users whole.
     */
    static List<String> relay(String prefix, String command, String target, String text) {
        String head = ":" + prefix + " " + command + " " + target + " :";
        int room = 510 - head.getBytes(StandardCharsets.UTF_8).length;
        List<String> parts = Text.splitUtf8(text, Math.max(64, room));
        return parts.stream().map(p -> head + p).toList();
    }
}
