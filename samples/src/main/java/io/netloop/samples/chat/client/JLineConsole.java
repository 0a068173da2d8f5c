package io.netloop.samples.chat.client;

import java.io.IOException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The console on a real terminal, with JLine: line editing and history (arrows, Ctrl-R), and chat
 * printed above the line being typed ({@link LineReader#printAbove}), which JLine redraws.
 * The only class of the client that knows JLine.
 *
 * <pre>{@code
 * ChatConsole console = JLineConsole.openOrNull();   // null on a dumb terminal
 * }</pre>
 */
final class JLineConsole extends ChatConsole {
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle INFO = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle ERROR = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    private static final AttributedStyle PRIVATE = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);
    private static final AttributedStyle CONFIRMED = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);

    private final Terminal terminal;
    private final LineReader reader;
    private volatile String prompt = "> ";
    // The last line shown, if it was a pending message: its text after "… " and the rows it took.
    private String lastPending;
    private int lastPendingRows;

    private JLineConsole(Terminal terminal) {
        this.terminal = terminal;
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("netloop-chat")
                .variable(LineReader.HISTORY_SIZE, 500)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // "!" in a message is text, not history
                .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)    // the pending line shows what was sent
                .build();
        useEncoding(terminal.encoding());
    }

    /** A console on the system terminal, or {@code null} when JLine finds only a dumb one. */
    static JLineConsole openOrNull() throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
        if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
            terminal.close();
            return null;
        }
        return new JLineConsole(terminal);
    }

    /**
     * Prints {@code text} above the line being typed. A confirmation that follows its own pending
     * line directly (the usual case: the echo comes back within a millisecond) overwrites it, so
     * that each message ends as one line; otherwise it is a line of its own.
     */
    @Override
    public synchronized void show(Kind kind, String text) {
        text = glyphs(text);
        AttributedStringBuilder line = new AttributedStringBuilder();
        String mark = glyphs(" " + ClientCore.CHECK);
        if (kind == Kind.OWN && lastPending != null && text.equals(lastPending + mark) && terminal.getWidth() > 0) {
            // Cursor up over the pending line, to its start, clear to the end of the screen. printAbove
            // has just cleared the prompt, so the cursor is at the start of the row below that line.
            line.append("\u001b[" + lastPendingRows + "A\r\u001b[J");
        }
        switch (kind) {
            case PENDING -> line.styled(DIM, text);
            case INFO -> line.styled(INFO, text);
            case ERROR -> line.styled(ERROR, text);
            case PRIVATE -> line.styled(PRIVATE, text);
            case OWN -> {
                if (text.endsWith(mark)) {
                    line.append(text, 0, text.length() - mark.length()).styled(CONFIRMED, mark);
                } else {
                    line.append(text);
                }
            }
            case MESSAGE -> line.append(text);
        }
        reader.printAbove(line.toAttributedString());
        String ellipsis = glyphs(ClientCore.ELLIPSIS + " ");
        if (kind == Kind.PENDING && text.startsWith(ellipsis)) {
            lastPending = text.substring(ellipsis.length());
            int width = Math.max(1, terminal.getWidth());
            lastPendingRows = Math.max(1, (new AttributedString(text).columnLength() + width - 1) / width);
        } else {
            lastPending = null;
        }
    }

    @Override
    public void promptChanged(String newPrompt) {
        prompt = newPrompt;
        // Redraw the line being typed with the new prompt; between reads the next readLine uses it.
        if (reader instanceof LineReaderImpl impl && impl.isReading()) {
            impl.setPrompt(newPrompt);
            try {
                impl.callWidget(LineReader.REDISPLAY); // diffs against the screen, so a shorter prompt leaves nothing behind
            } catch (IllegalStateException readEnded) {
                // the read finished meanwhile: the next one shows the prompt
            }
        }
    }

    @Override
    String readLine() {
        return read(prompt);
    }

    @Override
    String ask(String question) {
        return read(question);
    }

    private String read(String p) {
        try {
            return reader.readLine(p);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
