package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * An IRC-mode user through a real IRC client: Debian's python3-irc, driven by
 * {@code src/test/python/irc_driver.py} (commands on its stdin, one event a line on its stdout).
 */
final class IrcClient implements AutoCloseable {
    /** Debian's python, which has python3-irc; a python3 earlier on PATH (pyenv, venv) would not. */
    static final String PYTHON = "/usr/bin/python3";

    private static volatile Boolean installed;

    final String label;
    final Lines lines;
    private final PeerProcess process;

    private IrcClient(String label, PeerProcess process) {
        this.label = label;
        this.process = process;
        this.lines = process.out;
    }

    static void assumeInstalled() {
        Boolean ok = installed;
        if (ok == null) {
            installed = ok = Files.isExecutable(Path.of(PYTHON))
                    && PeerProcess.runs(List.of(PYTHON, "-c", "import irc.client; print('python3-irc ok')"), "python3-irc ok");
        }
        assumeTrue(ok, "python3-irc (for " + PYTHON + ") not installed; ci/install-deps.sh installs it");
    }

    static Path driver() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path script = base.resolve("src/test/python/irc_driver.py");
        assertTrue(Files.isRegularFile(script), () -> "the IRC driver script is at " + script.toAbsolutePath());
        return script;
    }

    /** Connects and sends NICK/USER (after CAP LS 302 with {@code echoMessage}); does not wait for anything. */
    static IrcClient connect(String label, int port, String nick, boolean echoMessage) throws IOException {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of(PYTHON, "-u", driver().toString(), "127.0.0.1", Integer.toString(port), nick));
        if (echoMessage) {
            command.add("--echo-message");
        }
        return new IrcClient(label, PeerProcess.start(label, command, null));
    }

    /** One {@code EVENT} line of the driver: python-irc's event type, the sender's nick, the target, the arguments. */
    record Event(String type, String source, String target, List<String> args) {
        String arg(int i) {
            return i < args.size() ? args.get(i) : null;
        }

        static Event parse(String line) {
            if (!line.startsWith("EVENT\t")) {
                return null;
            }
            String[] f = line.split("\t", -1);
            List<String> fields = Arrays.stream(f).map(Event::unescape).toList();
            return new Event(fields.get(1), fields.get(2), fields.get(3), fields.subList(4, fields.size()));
        }

        private static String unescape(String s) {
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    char n = s.charAt(++i);
                    b.append(switch (n) {
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case 'n' -> '\n';
                        default -> n;
                    });
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }

    /** Consumes output up to the first event that matches; the skipped lines come with it. */
    Event awaitEvent(String what, Predicate<Event> matches) {
        Lines.Match m = lines.await(what, l -> {
            Event e = Event.parse(l);
            return e != null && matches.test(e);
        });
        return Event.parse(m.line());
    }

    /** Like {@link #awaitEvent} but returns the whole match, to look at what came before. */
    Lines.Match awaitEventMatch(String what, Predicate<Event> matches) {
        return lines.await(what, l -> {
            Event e = Event.parse(l);
            return e != null && matches.test(e);
        });
    }

    /** Consumes output up to the first raw server line equal to {@code raw}. */
    void awaitRaw(String raw) {
        lines.await("the server line " + Lines.quote(raw), ("RAW\t" + raw)::equals);
    }

    /** Expects registration to complete (001) and the server's JOIN of #lobby, in that order. */
    void awaitRegistered(String nick) {
        awaitEvent("001 (welcome) for " + nick, e -> e.type().equals("welcome") && nick.equals(e.target()));
        awaitEvent(nick + " auto-joined to #lobby", e -> e.type().equals("join") && nick.equals(e.source())
                && "#lobby".equalsIgnoreCase(e.target()));
        awaitEvent("366 (end of names) for #lobby", e -> e.type().equals("endofnames"));
    }

    /** Sends one driver command (see irc_driver.py): {@code privmsg #lobby hi}, {@code nick x}, {@code quit}, ... */
    void send(String command) throws IOException {
        process.writeLine(command);
    }

    /** Expects the connection to end (a {@code CLOSED} line) and the driver to exit. */
    void awaitClosed() throws InterruptedException {
        lines.await("the connection to close", l -> l.startsWith("CLOSED\t"));
        assertTrue(process.waitForExit(Lines.LIMIT.toSeconds()), () -> label + ": the driver exits once closed");
    }

    @Override
    public void close() {
        process.close();
    }
}
