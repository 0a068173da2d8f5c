package io.netloop.samples.chat.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One IRC protocol line (RFC 1459 section 2.3.1), without its CRLF: an optional source, a command,
 * and parameters, the last of which may be a trailing parameter (after {@code " :"}, may hold spaces).
 * IRCv3 message tags are skipped when parsing: this client asks for none.
 *
 * <pre>{@code
 * IrcLine in = IrcLine.parse(":bob!bob@127.0.0.1 PRIVMSG #lobby :hi all");
 * in.sourceNick();                      // "bob"
 * in.param(1);                          // "hi all"
 * IrcLine.of("PRIVMSG", "#lobby").withTrailing("hello").format();   // "PRIVMSG #lobby :hello"
 * }</pre>
 *
 * @param source   {@code nick!user@host} or a server name; {@code null} when the line had none
 * @param command  the command or three-digit numeric, upper case
 * @param params   the parameters, the trailing one last, without its colon
 * @param trailing whether the last parameter is written after {@code " :"} even where it need not be
 */
public record IrcLine(String source, String command, List<String> params, boolean trailing) {

    public IrcLine {
        Objects.requireNonNull(command, "command");
        params = List.copyOf(params);
        if (command.isEmpty() || !command.chars().allMatch(c -> c > ' ' && c != ':' && c < 127)) {
            throw new IllegalArgumentException("invalid IRC command \"" + command + "\"");
        }
        if (source != null && (source.isEmpty() || source.indexOf(' ') >= 0)) {
            throw new IllegalArgumentException("invalid IRC source \"" + source + "\"");
        }
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            if (p.indexOf('\r') >= 0 || p.indexOf('\n') >= 0 || p.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("IRC parameters may not contain CR, LF or NUL");
            }
            boolean last = i == params.size() - 1;
            if (!last && !isMiddle(p)) {
                throw new IllegalArgumentException("IRC parameter \"" + p + "\" must be last: it is empty, holds a space or starts with ':'");
            }
        }
        if (trailing && params.isEmpty()) {
            throw new IllegalArgumentException("a trailing parameter needs a parameter");
        }
    }

    /** A line to send, with no source; the last parameter gets a colon only if it needs one. */
    public static IrcLine of(String command, String... params) {
        return new IrcLine(null, command, List.of(params), false);
    }

    /** This line with {@code text} appended as its trailing parameter. */
    public IrcLine withTrailing(String text) {
        List<String> p = new ArrayList<>(params);
        p.add(text);
        return new IrcLine(source, command, p, true);
    }

    /**
     * Parses one line; a trailing CR and/or LF is ignored, as are IRCv3 tags. Runs of spaces
     * between parameters are one separator, as in most servers.
     *
     * @throws IllegalArgumentException for a line with no command
     */
    public static IrcLine parse(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        int i = 0;
        if (i < end && line.charAt(i) == '@') {
            i = skipWord(line, i, end);
        }
        i = skipSpaces(line, i, end);
        String source = null;
        if (i < end && line.charAt(i) == ':') {
            int sourceEnd = skipWord(line, i, end);
            source = line.substring(i + 1, sourceEnd);
            i = skipSpaces(line, sourceEnd, end);
            if (source.isEmpty()) {
                source = null;
            }
        }
        int commandEnd = skipWord(line, i, end);
        if (commandEnd == i) {
            throw new IllegalArgumentException("IRC line without a command: \"" + line + "\"");
        }
        String command = line.substring(i, commandEnd).toUpperCase(java.util.Locale.ROOT);
        List<String> params = new ArrayList<>();
        boolean trailing = false;
        i = skipSpaces(line, commandEnd, end);
        while (i < end) {
            if (line.charAt(i) == ':') {
                params.add(line.substring(i + 1, end));
                trailing = true;
                break;
            }
            int paramEnd = skipWord(line, i, end);
            params.add(line.substring(i, paramEnd));
            i = skipSpaces(line, paramEnd, end);
        }
        return new IrcLine(source, command, params, trailing);
    }

    /** The line as sent, without CRLF. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (source != null) {
            sb.append(':').append(source).append(' ');
        }
        sb.append(command);
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            sb.append(' ');
            if (i == params.size() - 1 && (trailing || !isMiddle(p))) {
                sb.append(':');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    /** The nickname part of the source ({@code nick} of {@code nick!user@host}), or the whole source, or {@code null}. */
    public String sourceNick() {
        if (source == null) {
            return null;
        }
        int bang = source.indexOf('!');
        int at = source.indexOf('@');
        int cut = bang >= 0 ? bang : at >= 0 ? at : source.length();
        return source.substring(0, cut);
    }

    /** Whether the source is a user ({@code nick!user@host}) rather than a server. */
    public boolean fromUser() {
        return source != null && source.indexOf('!') > 0;
    }

    /** Parameter {@code i}, or {@code ""} when there are not that many. */
    public String param(int i) {
        return i < params.size() ? params.get(i) : "";
    }

    /** The last parameter, or {@code ""}. */
    public String last() {
        return params.isEmpty() ? "" : params.get(params.size() - 1);
    }

    /** Whether the command is a three-digit numeric reply. */
    public boolean isNumeric() {
        return command.length() == 3 && Character.isDigit(command.charAt(0))
                && Character.isDigit(command.charAt(1)) && Character.isDigit(command.charAt(2));
    }

    @Override
    public String toString() {
        return format();
    }

    private static boolean isMiddle(String p) {
        return !p.isEmpty() && p.charAt(0) != ':' && p.indexOf(' ') < 0;
    }

    private static int skipWord(String s, int i, int end) {
        while (i < end && s.charAt(i) != ' ') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String s, int i, int end) {
        while (i < end && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
