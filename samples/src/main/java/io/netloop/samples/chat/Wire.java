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

    // What users on every node are told of membership changes, IRC form and plain form, said once
    // for the changes made here (Client) and those heard from other nodes (Cluster).

    static Line join(String prefix, String channel) {
        return Line.of(":" + prefix + " JOIN " + channel);
    }

    static Line joined(String nick) {
        return Line.of("*** " + nick + " joined");
    }

    static Line part(String prefix, String channel, String reason) {
        return Line.of(":" + prefix + " PART " + channel + " :" + reason);
    }

    static Line quit(String prefix, String reason) {
        return Line.of(":" + prefix + " QUIT :" + reason);
    }

    /** A plain user's view of a part or a quit. */
    static Line left(String nick, String reason) {
        return Line.of("*** " + nick + " left (" + reason + ")");
    }

    static Line nick(String oldPrefix, String newNick) {
        return Line.of(":" + oldPrefix + " NICK :" + newNick);
    }

    static Line renamed(String oldNick, String newNick) {
        return Line.of("*** " + oldNick + " is now known as " + newNick);
    }

    static Line topic(String prefix, String channel, String topic) {
        return Line.of(":" + prefix + " TOPIC " + channel + " :" + topic);
    }

    /** A plain user's view of a topic change, without IRC formatting. */
    static Line topicSet(String nick, String topic) {
        return Line.of("*** " + nick + " set the topic: " + Text.stripFormatting(topic));
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

    /**
     * A line rendered into a reusable array: the allocation-free form of {@link Line} for the
     * busiest path (a plain user's message to #lobby). Each thread has two ({@link #scratch});
     * what is rendered stays valid until that thread renders again, which is enough because a
     * connection's {@code write} copies the bytes before it returns.
     */
    static final class Scratch {
        byte[] bytes = new byte[4096];
        int length;

        Scratch reset() {
            length = 0;
            return this;
        }

        Scratch put(byte b) {
            room(1);
            bytes[length++] = b;
            return this;
        }

        Scratch put(byte[] b) {
            return put(b, 0, b.length);
        }

        Scratch put(byte[] b, int off, int len) {
            room(len);
            System.arraycopy(b, off, bytes, length, len);
            length += len;
            return this;
        }

        Scratch crlf() {
            return put((byte) '\r').put((byte) '\n');
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    private static final ThreadLocal<Scratch[]> SCRATCH = ThreadLocal.withInitial(() -> new Scratch[] {new Scratch(), new Scratch()});

    /** This thread's two scratch lines. */
    static Scratch[] scratch() {
        return SCRATCH.get();
    }

    static final byte[] PRIVMSG = "PRIVMSG".getBytes(StandardCharsets.US_ASCII);

    /**
     * {@link #relay} rendered into {@code out} from bytes: {@code :prefix COMMAND target :text}
     * lines, the text split at code-point boundaries so that no line passes 510 bytes. The text
     * must be valid UTF-8.
     */
    static void relayInto(Scratch out, byte[] prefix, byte[] command, byte[] target, byte[] text, int off, int len) {
        int head = 1 + prefix.length + 1 + command.length + 1 + target.length + 2;
        int max = Math.max(64, 510 - head);
        int pos = off;
        int end = off + len;
        do {
            int partEnd = Math.min(end, pos + max);
            if (partEnd < end) {
                while (partEnd > pos && (text[partEnd] & 0xc0) == 0x80) {
                    partEnd--; // not inside a code point
                }
            }
            out.put((byte) ':').put(prefix).put((byte) ' ').put(command).put((byte) ' ').put(target)
                    .put((byte) ' ').put((byte) ':').put(text, pos, partEnd - pos).crlf();
            pos = partEnd;
        } while (pos < end);
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
