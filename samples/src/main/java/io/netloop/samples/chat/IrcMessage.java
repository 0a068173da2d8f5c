package io.netloop.samples.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One parsed IRC line: {@code [@tags] [:prefix] COMMAND params [:trailing]} (RFC 1459 / 2812;
 * IRCv3 tags are accepted and ignored).
 *
 * <pre>{@code
 * IrcMessage m = IrcMessage.parse("PRIVMSG #lobby :hello there");
 * m.command();   // "PRIVMSG"
 * m.param(1);    // "hello there"
 * }</pre>
 */
record IrcMessage(String command, List<String> params) {
    private static final int MAX_PARAMS = 15;

    /** Parses a line without its line ending; the command is upper-cased. Returns {@code null} for an empty line. */
    static IrcMessage parse(String line) {
        int i = 0;
        int n = line.length();
        if (i < n && line.charAt(i) == '@') {
            i = skipWord(line, i);
        }
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == ':') {
            i = skipSpaces(line, skipWord(line, i));
        }
        int end = skipWord(line, i);
        if (end == i) {
            return null;
        }
        String command = line.substring(i, end).toUpperCase(Locale.ROOT);
        List<String> params = new ArrayList<>(4);
        i = skipSpaces(line, end);
        while (i < n && params.size() < MAX_PARAMS) {
            if (line.charAt(i) == ':' || params.size() == MAX_PARAMS - 1) {
                params.add(line.substring(line.charAt(i) == ':' ? i + 1 : i));
                break;
            }
            end = skipWord(line, i);
            params.add(line.substring(i, end));
            i = skipSpaces(line, end);
        }
        return new IrcMessage(command, List.copyOf(params));
    }

    int size() {
        return params.size();
    }

    String param(int i) {
        return params.get(i);
    }

    private static int skipWord(String s, int i) {
        while (i < s.length() && s.charAt(i) != ' ') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
