package io.netloop.samples.chat.client;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;

/**
 * Where the console client reads typed lines and shows chat: a JLine terminal when there is a
 * real one, else plain standard input and output (pipes, {@code TERM=dumb}, IDE consoles).
 *
 * <pre>{@code
 * try (ChatConsole console = ChatConsole.open()) {
 *     String nick = console.ask("Nickname: ");
 *     console.show(ChatView.Kind.INFO, "*** hello " + nick);
 * }
 * }</pre>
 */
abstract class ChatConsole implements ChatView, AutoCloseable {
    private volatile boolean asciiOnly;

    /** A JLine console on an interactive terminal, else a plain one. */
    static ChatConsole open() throws IOException {
        java.io.Console system = System.console();
        if (system != null && system.isTerminal()) {
            ChatConsole terminal = JLineConsole.openOrNull();
            if (terminal != null) {
                return terminal;
            }
        }
        return new PlainConsole();
    }

    /** The next typed line, or {@code null} at end of input (Ctrl-D) or on Ctrl-C. */
    abstract String readLine() throws IOException;

    /** Shows {@code prompt} and reads one line; {@code null} at end of input. */
    abstract String ask(String prompt) throws IOException;

    @Override
    public abstract void close() throws IOException;

    /** Where the output encoding cannot show ✓ and …, they are written as [ok] and ... . */
    final void useEncoding(Charset charset) {
        CharsetEncoder encoder = charset.newEncoder();
        asciiOnly = !encoder.canEncode(ClientCore.CHECK + ClientCore.ELLIPSIS);
    }

    final String glyphs(String text) {
        return asciiOnly ? text.replace(ClientCore.CHECK, "[ok]").replace(ClientCore.ELLIPSIS, "...") : text;
    }
}
