package io.netloop.samples.chat.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * The console without a terminal: lines from standard input, chat on standard output, one line
 * each, no prompt (the output may be a pipe or a log). Messages arrive between typed lines.
 *
 * <pre>{@code
 * printf 'hello\n/quit\n' | java -jar netloop-chat.jar client --nick bot
 * }</pre>
 */
final class PlainConsole extends ChatConsole {
    private final BufferedReader in;
    private final PrintStream out = System.out;

    PlainConsole() {
        this.in = new BufferedReader(new InputStreamReader(System.in, charset("stdin.encoding")));
        useEncoding(out.charset());
    }

    private static Charset charset(String property) {
        String name = System.getProperty(property, System.getProperty("native.encoding", "UTF-8"));
        try {
            return Charset.forName(name);
        } catch (RuntimeException unknown) {
            return Charset.defaultCharset();
        }
    }

    @Override
    public void show(Kind kind, String text) {
        synchronized (out) {
            out.println(glyphs(text));
            out.flush();
        }
    }

    @Override
    String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    String ask(String prompt) throws IOException {
        synchronized (out) {
            out.print(prompt);
            out.flush();
        }
        return in.readLine();
    }

    @Override
    public void close() {
        out.flush();
    }
}
