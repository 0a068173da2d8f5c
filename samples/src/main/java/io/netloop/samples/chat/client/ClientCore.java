package io.netloop.samples.chat.client;

import io.netloop.samples.chat.client.ChatView.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The chat client's state machine, without sockets or terminals: IRC lines and typed lines go in,
 * IRC lines ({@link Output}) and lines to show ({@link ChatView}) come out. {@link ChatClient}
 * drives it from its event loop; tests drive it with fake server lines.
 *
 * <p>Registration asks for the IRCv3 {@code echo-message} capability: the server then sends each
 * accepted PRIVMSG back to its sender. Each sent message is shown as pending and queued per target;
 * the echo confirms the oldest queued message with the same text. On a disconnect the messages
 * still queued are reported as unconfirmed: the server may or may not have relayed them.
 *
 * <p>Not thread-safe: every method runs on one thread (the client's event loop).
 *
 * <pre>{@code
 * ClientCore core = new ClientCore("alice", view);
 * core.connected(line -> socket.send(line.format() + "\r\n"));   // CAP LS 302, NICK, USER
 * core.received(":netloop CAP * LS :echo-message");               // CAP REQ :echo-message
 * core.input("hello");                                             // PRIVMSG #lobby :hello, shown pending
 * }</pre>
 */
final class ClientCore {

    /** Where the core sends IRC lines; {@link ChatClient} writes them to the connection with CRLF. */
    @FunctionalInterface
    interface Output {
        void send(IrcLine line);
    }

    /** A message sent and not yet echoed: {@code text} is the PRIVMSG text as sent (CTCP included). */
    record Pending(long seq, String target, String text) {
    }

    static final String LOBBY = "#lobby";
    static final String CHECK = "\u2713";
    static final String ELLIPSIS = "\u2026";
    private static final Pattern NICK = Pattern.compile("[A-Za-z\\[\\]\\\\`_^{|}][A-Za-z0-9\\[\\]\\\\`_^{|}-]{0,29}");
    private static final Pattern IRC_FORMATTING = Pattern.compile("\\x03(\\d{1,2}(,\\d{1,2})?)?|[\\x02\\x0f\\x11\\x16\\x1d\\x1e\\x1f]");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f]");
    private static final int MAX_NICK = 30;
    /** Lines are 512 bytes with CRLF; the server relays ours with {@code :nick!user@host } in front. */
    private static final int MAX_LINE_BYTES = 510;
    private static final int RELAY_PREFIX_BYTES = 1 + MAX_NICK + 1 + 31 + 1 + 45 + 1;
    private static final int MAX_NICK_RETRIES = 5;

    private final ChatView view;
    private Output out;                  // null while not connected
    private boolean connecting;          // a connection attempt is under way
    private boolean announced;
    private String nick;
    private boolean registered;
    private boolean echoMessage;
    private boolean capEnded;
    private final StringBuilder capList = new StringBuilder();
    private int nickRetries;
    private String currentChannel = LOBBY; // the server joins everyone to #lobby
    private final Map<String, String> channels = new LinkedHashMap<>();  // key -> name, joined on this connection
    private final Set<String> rejoin = new LinkedHashSet<>();           // joined before the last disconnect
    private final Set<String> requestedJoins = new HashSet<>();          // keys of /join sent, not yet answered
    private final Map<String, ArrayDeque<Pending>> pending = new HashMap<>();
    private long nextSeq;
    private final List<String> held = new ArrayList<>();                 // typed while not registered
    private final Map<String, List<String>> names = new HashMap<>();     // 353 lines until 366
    private boolean quitting;
    private String closingReason;
    private String prompt;

    ClientCore(String nick, ChatView view) {
        if (!isValidNick(nick)) {
            throw new IllegalArgumentException(nickRule(nick));
        }
        this.nick = nick;
        this.view = view;
        updatePrompt();
    }

    // ---------------------------------------------------------------- connection events

    /** A connection attempt to {@code server} begins; the first one is announced. */
    void connecting(String server, String backend) {
        if (!announced) {
            announced = true;
            show(Kind.INFO, "*** Connecting to " + server + " as " + nick + " (backend " + backend + "); /help lists commands");
        }
        connecting = true;
        updatePrompt();
    }

    /** A connection opened: start registration. */
    void connected(Output output) {
        this.out = output;
        connecting = false;
        registered = false;
        echoMessage = false;
        capEnded = false;
        capList.setLength(0);
        nickRetries = 0;
        closingReason = null;
        channels.clear();
        requestedJoins.clear();
        names.clear();
        send(IrcLine.of("CAP", "LS", "302"));
        send(IrcLine.of("NICK", nick));
        send(IrcLine.of("USER", nick, "0", "*").withTrailing(nick));
        updatePrompt();
    }

    /**
     * The connection closed. Shows why and every message that was sent but not echoed, forgets
     * them, and returns them in the order they were sent.
     */
    List<Pending> disconnected(String reason) {
        boolean wasConnected = out != null;
        out = null;
        registered = false;
        echoMessage = false;
        if (!channels.isEmpty()) {
            rejoin.clear();
            rejoin.addAll(channels.values());
        }
        channels.clear();
        List<Pending> lost = new ArrayList<>();
        pending.values().forEach(lost::addAll);
        lost.sort(Comparator.comparingLong(Pending::seq));
        pending.clear();
        if (wasConnected && !quitting) {
            show(Kind.ERROR, "*** Disconnected: " + (closingReason != null ? closingReason : reason));
        }
        for (Pending p : lost) {
            show(Kind.ERROR, "*** Not confirmed, may not have been delivered: " + ownLine(p.target(), p.text()));
        }
        quitIfHeld();
        updatePrompt();
        return lost;
    }

    /**
     * A connection attempt failed; the client tries again after {@code retryIn}, unless a
     * {@code /quit} was waiting for the connection: then it quits now.
     */
    void connectFailed(String where, String why, Duration retryIn) {
        connecting = false;
        String reason = why.startsWith("connect failed: ") ? why.substring("connect failed: ".length()) : why;
        boolean quit = held.stream().anyMatch(ClientCore::isQuit);
        show(Kind.ERROR, "*** Cannot connect to " + where + ": " + reason + (quit ? "" : "; retrying in " + seconds(retryIn)));
        quitIfHeld();
        updatePrompt();
    }

    /** A /quit typed while connecting waits behind the lines held for the connection; with no connection, quit now. */
    private void quitIfHeld() {
        for (String h : held) {
            if (isQuit(h)) {
                held.remove(h);
                input(h);
                return;
            }
        }
    }

    /** The connection dropped; the client tries again after {@code delay}. */
    void retrying(Duration delay) {
        show(Kind.INFO, "*** Reconnecting in " + seconds(delay) + " (/quit to stop)");
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    // ---------------------------------------------------------------- from the server

    /** One line from the server, without its line end. */
    void received(String raw) {
        if (raw.isBlank()) {
            return;
        }
        IrcLine m;
        try {
            m = IrcLine.parse(raw);
        } catch (IllegalArgumentException malformed) {
            return;
        }
        switch (m.command()) {
            case "PING" -> send(new IrcLine(null, "PONG", m.params(), m.trailing()));
            case "CAP" -> cap(m);
            case "PRIVMSG", "NOTICE" -> message(m);
            case "JOIN" -> join(m);
            case "PART" -> part(m.sourceNick(), m.param(0), m.params().size() > 1 ? m.last() : null, null);
            case "KICK" -> part(m.param(1), m.param(0), m.params().size() > 2 ? m.last() : null, m.sourceNick());
            case "QUIT" -> show(Kind.INFO, "*** " + m.sourceNick() + " quit" + reason(m.params().isEmpty() ? null : m.last()));
            case "NICK" -> nickChanged(m.sourceNick(), m.param(0));
            case "TOPIC" -> show(Kind.INFO, "*** " + m.sourceNick() + " set the topic of " + m.param(0) + ": " + text(m.last()));
            case "ERROR" -> {
                closingReason = m.last();
                show(Kind.ERROR, "*** " + m.last());
            }
            case "MODE", "PONG" -> {
                // nothing to show
            }
            default -> {
                if (m.isNumeric()) {
                    numeric(m);
                } else {
                    show(Kind.INFO, "*** " + raw);
                }
            }
        }
    }

    private void cap(IrcLine m) {
        String sub = m.param(1).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "LS" -> {
                capList.append(' ').append(m.last());
                boolean more = m.params().size() >= 4 && m.param(2).equals("*"); // CAP 302 continuation
                if (more || capEnded || registered) {
                    return;
                }
                boolean offered = capNames(capList.toString()).contains("echo-message");
                capList.setLength(0);
                if (offered) {
                    send(IrcLine.of("CAP", "REQ").withTrailing("echo-message"));
                } else {
                    endCap();
                }
            }
            case "ACK" -> {
                List<String> caps = capNames(m.last());
                if (caps.contains("echo-message")) {
                    echoMessage = true;
                } else if (caps.contains("-echo-message")) {
                    echoMessage = false;
                }
                if (!capEnded && !registered) {
                    endCap();
                }
            }
            case "NAK" -> {
                if (!capEnded && !registered) {
                    endCap();
                }
            }
            default -> {
                // NEW, DEL, LIST: nothing this client needs
            }
        }
    }

    private static List<String> capNames(String list) {
        List<String> caps = new ArrayList<>();
        for (String c : list.trim().split(" +")) {
            int eq = c.indexOf('=');
            caps.add(eq >= 0 ? c.substring(0, eq) : c);
        }
        return caps;
    }

    private void endCap() {
        capEnded = true;
        send(IrcLine.of("CAP", "END"));
    }

    private void message(IrcLine m) {
        if (m.params().size() < 2) {
            return;
        }
        String target = m.param(0);
        String text = m.last();
        boolean notice = m.command().equals("NOTICE");
        if (!m.fromUser()) {
            show(Kind.INFO, "*** " + text(text));
            return;
        }
        String from = m.sourceNick();
        if (sameName(from, nick)) {
            echoed(target, text);
            return;
        }
        String action = action(text);
        if (action == null && text.startsWith("\u0001")) {
            return; // other CTCP requests (VERSION, PING...): this client does not answer them
        }
        String body = action != null ? "* " + from + " " + text(action)
                : notice ? "-" + from + "- " + text(text)
                : null;
        if (isChannel(target)) {
            show(Kind.MESSAGE, channelTag(target) + (body != null ? body : "<" + from + "> " + text(text)));
        } else {
            show(Kind.PRIVATE, body != null ? body : "*" + from + "* " + text(text));
        }
    }

    /** Our own message came back: confirm the oldest pending one to that target with the same text. */
    private void echoed(String target, String text) {
        ArrayDeque<Pending> queue = pending.get(key(target));
        if (queue != null) {
            for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.text().equals(text)) {
                    it.remove();
                    if (queue.isEmpty()) {
                        pending.remove(key(target));
                    }
                    show(Kind.OWN, ownLine(target, text) + " " + CHECK);
                    return;
                }
            }
        }
        show(Kind.OWN, ownLine(target, text)); // sent by another connection with our nick, or to ourselves
    }

    private void join(IrcLine m) {
        String who = m.sourceNick();
        String channel = m.param(0);
        if (!sameName(who, nick)) {
            show(Kind.INFO, "*** " + who + " joined " + channel);
            return;
        }
        channels.put(key(channel), channel);
        boolean requested = requestedJoins.remove(key(channel));
        if (requested || currentChannel == null || sameName(currentChannel, channel)) {
            currentChannel = channel;
            show(Kind.INFO, "*** Now talking in " + channel);
            updatePrompt();
        } else {
            show(Kind.INFO, "*** Joined " + channel);
        }
    }

    private void part(String who, String channel, String reason, String kicker) {
        String how = kicker == null ? " left " : " was kicked from ";
        String by = kicker == null ? "" : " by " + kicker;
        if (!sameName(who, nick)) {
            show(Kind.INFO, "*** " + who + how + channel + by + reason(reason));
            return;
        }
        channels.remove(key(channel));
        if (currentChannel != null && sameName(currentChannel, channel)) {
            currentChannel = channels.isEmpty() ? null : channels.values().iterator().next();
        }
        show(kicker == null ? Kind.INFO : Kind.ERROR, "*** You" + how + channel + by + reason(reason)
                + (currentChannel != null ? "; now talking in " + currentChannel : "; /join #channel to talk again"));
        updatePrompt();
    }

    private void nickChanged(String from, String to) {
        if (sameName(from, nick)) {
            nick = to;
            show(Kind.INFO, "*** You are now known as " + to);
            updatePrompt();
        } else {
            show(Kind.INFO, "*** " + from + " is now known as " + to);
        }
    }

    private void numeric(IrcLine m) {
        int code = Integer.parseInt(m.command());
        switch (code) {
            case 1 -> {
                registered = true;
                capEnded = true;
                nick = m.param(0);
                show(Kind.INFO, "*** " + text(m.last()));
                updatePrompt();
                afterRegistration();
            }
            case 2, 3, 4, 5, 250, 251, 252, 253, 254, 255, 265, 266, 331, 333, 375, 376, 422 -> {
                // registration burst and MOTD frame: noise in a chat window
            }
            case 332 -> show(Kind.INFO, "*** Topic of " + m.param(1) + ": " + text(m.last()));
            case 353 -> names.computeIfAbsent(key(m.param(2)), k -> new ArrayList<>())
                    .addAll(Arrays.asList(m.last().trim().split(" +")));
            case 366 -> {
                List<String> list = names.remove(key(m.param(1)));
                int n = list == null ? 0 : list.size();
                show(Kind.INFO, "*** In " + m.param(1) + ": " + (list == null ? "nobody" : String.join(", ", list)) + " (" + n + ")");
            }
            case 372 -> show(Kind.INFO, "*** " + text(m.last()));
            case 433 -> nickInUse(m.param(1));
            case 432 -> {
                show(Kind.ERROR, "*** " + describe(m));
                if (!registered) {
                    show(Kind.ERROR, "*** Choose another nickname with /nick NEW");
                }
            }
            case 401, 403, 404 -> {
                show(Kind.ERROR, "*** " + describe(m));
                notDelivered(m.param(1));
            }
            default -> show(code >= 400 ? Kind.ERROR : Kind.INFO, "*** " + describe(m));
        }
    }

    private void nickInUse(String taken) {
        if (registered) {
            show(Kind.ERROR, "*** Nickname " + taken + " is already in use");
            return;
        }
        if (++nickRetries > MAX_NICK_RETRIES) {
            show(Kind.ERROR, "*** Nickname " + taken + " is taken; choose another with /nick NEW");
            return;
        }
        String base = taken.isEmpty() ? nick : taken;
        nick = (base.length() >= MAX_NICK ? base.substring(0, MAX_NICK - 1) : base) + "_";
        show(Kind.ERROR, "*** Nickname " + base + " is taken; trying " + nick);
        send(IrcLine.of("NICK", nick));
        updatePrompt();
    }

    /** The server refused a message to {@code target}: its oldest pending message will never be echoed. */
    private void notDelivered(String target) {
        ArrayDeque<Pending> queue = pending.get(key(target));
        if (queue == null) {
            return;
        }
        Pending p = queue.poll();
        if (queue.isEmpty()) {
            pending.remove(key(target));
        }
        show(Kind.ERROR, "*** Not delivered: " + ownLine(p.target(), p.text()));
    }

    private void afterRegistration() {
        List<String> again = new ArrayList<>();
        for (String c : rejoin) {
            if (!sameName(c, LOBBY)) {
                again.add(c);
            }
        }
        rejoin.clear();
        if (!again.isEmpty()) {
            send(IrcLine.of("JOIN", String.join(",", again)));
        }
        List<String> typed = new ArrayList<>(held);
        held.clear();
        typed.forEach(this::input);
    }

    // ---------------------------------------------------------------- from the user

    /** Whether {@code line} is the {@code /quit} command, so that a console knows to stop reading. */
    static boolean isQuit(String line) {
        String t = line.strip().toLowerCase(Locale.ROOT);
        return t.equals("/quit") || t.startsWith("/quit ");
    }

    /** One typed line: a message to the current channel, or a command. */
    void input(String line) {
        line = line.replace('\r', ' ').replace('\n', ' ');
        if (line.isBlank()) {
            return;
        }
        if (line.startsWith("//")) {
            say(line, line.substring(1));
            return;
        }
        if (!line.startsWith("/")) {
            say(line, line);
            return;
        }
        String[] parts = line.substring(1).strip().split(" +", 2);
        String command = parts[0].toLowerCase(Locale.ROOT);
        String rest = parts.length > 1 ? parts[1].strip() : "";
        switch (command) {
            case "msg", "query" -> {
                String[] to = rest.split(" +", 2);
                if (to.length < 2 || to[0].isEmpty() || to[1].isBlank()) {
                    show(Kind.ERROR, "*** Usage: /msg NICK TEXT");
                } else if (holdUnlessRegistered(line)) {
                    sendText(to[0], to[1], false);
                }
            }
            case "me" -> {
                if (rest.isEmpty()) {
                    show(Kind.ERROR, "*** Usage: /me ACTION");
                } else if (needChannel() && holdUnlessRegistered(line)) {
                    sendText(currentChannel, rest, true);
                }
            }
            case "nick" -> changeNick(firstWord(rest));
            case "join" -> join(firstWord(rest), line);
            case "part" -> {
                String[] args = rest.split(" +", 2);
                boolean named = !args[0].isEmpty() && isChannel(args[0]);
                String channel = named ? args[0] : currentChannel;
                String reason = named ? (args.length > 1 ? args[1] : "") : rest;
                if (channel == null) {
                    show(Kind.ERROR, "*** Usage: /part [#channel] [REASON]");
                } else if (needConnection()) {
                    send(reason.isEmpty() ? IrcLine.of("PART", channel) : IrcLine.of("PART", channel).withTrailing(reason));
                }
            }
            case "who", "list", "names" -> {
                String channel = rest.isEmpty() ? currentChannel : firstWord(rest);
                if (channel == null) {
                    show(Kind.ERROR, "*** Usage: /who #channel");
                } else if (needConnection()) {
                    send(IrcLine.of("NAMES", channel));
                }
            }
            case "quit" -> {
                if ((out != null || connecting) && !registered && !held.isEmpty()) {
                    held.add(line); // piped input may end before registration: send what came first, then quit
                    return;
                }
                quitting = true;
                for (String h : held) {
                    show(Kind.ERROR, "*** Not sent: " + h);
                }
                held.clear();
                if (out != null) {
                    send(IrcLine.of("QUIT").withTrailing(rest.isEmpty() ? "Leaving" : rest));
                }
                show(Kind.INFO, "*** Bye");
            }
            case "quote", "raw" -> {
                if (rest.isEmpty()) {
                    show(Kind.ERROR, "*** Usage: /quote RAW IRC LINE");
                } else if (needConnection()) {
                    try {
                        send(IrcLine.parse(rest));
                    } catch (IllegalArgumentException e) {
                        show(Kind.ERROR, "*** " + e.getMessage());
                    }
                }
            }
            case "help" -> help();
            default -> show(Kind.ERROR, "*** Unknown command /" + command + "; /help lists commands");
        }
    }

    private void say(String line, String text) {
        if (needChannel() && holdUnlessRegistered(line)) {
            sendText(currentChannel, text, false);
        }
    }

    private void changeNick(String to) {
        if (to.isEmpty()) {
            show(Kind.ERROR, "*** Usage: /nick NEW");
        } else if (!isValidNick(to)) {
            show(Kind.ERROR, "*** " + nickRule(to));
        } else if (out == null) {
            nick = to;
            show(Kind.INFO, "*** You will be " + to + " once connected");
            updatePrompt();
        } else {
            if (!registered) {
                nick = to; // registration goes on with the new nick; 001 confirms it
                nickRetries = 0;
                updatePrompt();
            }
            send(IrcLine.of("NICK", to));
        }
    }

    private void join(String channel, String line) {
        if (!isChannel(channel)) {
            show(Kind.ERROR, "*** Usage: /join #channel");
        } else if (channels.containsKey(key(channel))) {
            currentChannel = channels.get(key(channel));
            show(Kind.INFO, "*** Now talking in " + currentChannel);
            updatePrompt();
        } else if (holdUnlessRegistered(line)) {
            requestedJoins.add(key(channel));
            send(IrcLine.of("JOIN", channel));
        }
    }

    /** Sends {@code text} as one or more PRIVMSGs, each short enough to be relayed whole. */
    private void sendText(String target, String text, boolean action) {
        int max = MAX_LINE_BYTES - RELAY_PREFIX_BYTES - "PRIVMSG  :".length() - utf8Length(target)
                - (action ? "\u0001ACTION \u0001".length() : 0);
        for (String chunk : split(text, max)) {
            String wire = action ? "\u0001ACTION " + chunk + "\u0001" : chunk;
            send(IrcLine.of("PRIVMSG", target).withTrailing(wire));
            if (echoMessage) {
                pending.computeIfAbsent(key(target), k -> new ArrayDeque<>()).add(new Pending(nextSeq++, target, wire));
                show(Kind.PENDING, ELLIPSIS + " " + ownLine(target, wire));
            } else {
                show(Kind.OWN, ownLine(target, wire));
            }
        }
    }

    private boolean needChannel() {
        if (currentChannel == null) {
            show(Kind.ERROR, "*** You are in no channel: /join #channel, or /msg NICK TEXT");
            return false;
        }
        return true;
    }

    private boolean needConnection() {
        if (!registered) {
            show(Kind.ERROR, "*** Not connected");
            return false;
        }
        return true;
    }

    /** Before registration completes, keeps {@code line} to run once it has. */
    private boolean holdUnlessRegistered(String line) {
        if (registered) {
            return true;
        }
        held.add(line);
        show(Kind.INFO, "*** Not connected yet; will send once connected: " + line);
        return false;
    }

    private void help() {
        for (String h : List.of(
                "*** Type a line to say it in the current channel. Commands:",
                "***   /msg NICK TEXT    private message        /me ACTION      action (* you waves)",
                "***   /nick NEW         change nickname        /who or /list   who is in the channel",
                "***   /join #channel    join or switch to it   /part [#chan]   leave a channel",
                "***   /quote LINE       send a raw IRC line    /quit [REASON]  leave",
                "*** " + ELLIPSIS + " marks a message sent and not yet confirmed; " + CHECK + " marks one the server echoed back.")) {
            show(Kind.INFO, h);
        }
    }

    // ---------------------------------------------------------------- state, for ChatClient and tests

    String nick() {
        return nick;
    }

    boolean registered() {
        return registered;
    }

    boolean echoMessage() {
        return echoMessage;
    }

    boolean quitting() {
        return quitting;
    }

    String currentChannel() {
        return currentChannel;
    }

    /** Messages sent and not yet echoed, oldest first. */
    List<Pending> pending() {
        List<Pending> all = new ArrayList<>();
        pending.values().forEach(all::addAll);
        all.sort(Comparator.comparingLong(Pending::seq));
        return all;
    }

    String prompt() {
        return prompt;
    }

    // ---------------------------------------------------------------- helpers

    private void send(IrcLine line) {
        if (out != null) {
            out.send(line);
        }
    }

    private void show(Kind kind, String text) {
        view.show(kind, CONTROL.matcher(text.replace('\t', ' ')).replaceAll(""));
    }

    private void updatePrompt() {
        String where = registered ? (currentChannel != null ? currentChannel : "no channel")
                : out != null || connecting ? "connecting" : "offline";
        String p = "[" + where + "] " + nick + "> ";
        if (!p.equals(prompt)) {
            prompt = p;
            view.promptChanged(p);
        }
    }

    /** How our own message looks: {@code <alice> hi}, {@code * alice waves}, {@code -> *bob* hi}. */
    private String ownLine(String target, String wireText) {
        String action = action(wireText);
        if (isChannel(target)) {
            return channelTag(target) + (action != null ? "* " + nick + " " + text(action) : "<" + nick + "> " + text(wireText));
        }
        return "-> *" + target + "* " + (action != null ? "* " + nick + " " + text(action) : text(wireText));
    }

    private String channelTag(String channel) {
        return currentChannel != null && sameName(currentChannel, channel) ? "" : "[" + channel + "] ";
    }

    /** The ACTION of a CTCP ACTION, or {@code null}. */
    private static String action(String text) {
        if (!text.startsWith("\u0001ACTION ")) {
            return null;
        }
        int end = text.endsWith("\u0001") && text.length() > 8 ? text.length() - 1 : text.length();
        return text.substring(8, end);
    }

    /** Message text for display: IRC formatting codes removed (control characters go in {@link #show}). */
    private static String text(String s) {
        return IRC_FORMATTING.matcher(s).replaceAll("");
    }

    /**
     * A numeric reply as a sentence: its text, then the parameters between our nick and the text
     * ({@code 401 alice carol :No such nick/channel} becomes {@code No such nick/channel: carol}).
     */
    private static String describe(IrcLine m) {
        List<String> p = m.params();
        if (p.size() <= 1) {
            return m.command() + (p.isEmpty() ? "" : " " + text(p.get(0)));
        }
        List<String> middle = p.subList(1, p.size() - 1);
        String text = text(m.last());
        return middle.isEmpty() ? text : text + ": " + String.join(" ", middle);
    }

    private static String reason(String reason) {
        return reason == null || reason.isEmpty() ? "" : " (" + text(reason) + ")";
    }

    private static String firstWord(String s) {
        return s.strip().split(" +", 2)[0];
    }

    static boolean isChannel(String name) {
        return name.length() > 1 && name.charAt(0) == '#';
    }

    static boolean isValidNick(String nick) {
        return NICK.matcher(nick).matches();
    }

    static String nickRule(String nick) {
        return "Invalid nickname \"" + nick + "\": 1 to 30 of letters, digits and _-[]\\`^{}|, not starting with a digit or -";
    }

    private static boolean sameName(String a, String b) {
        return a != null && b != null && key(a).equals(key(b));
    }

    /** IRC compares nicknames and channels case-insensitively (ASCII, as the server does). */
    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Splits {@code text} into pieces of at most {@code maxBytes} UTF-8 bytes, at a space where one is near the end. */
    static List<String> split(String text, int maxBytes) {
        List<String> pieces = new ArrayList<>();
        while (utf8Length(text) > maxBytes) {
            int end = 0;
            int bytes = 0;
            while (end < text.length()) {
                int cp = text.codePointAt(end);
                int n = utf8Length(Character.toString(cp));
                if (bytes + n > maxBytes) {
                    break;
                }
                bytes += n;
                end += Character.charCount(cp);
            }
            int space = text.lastIndexOf(' ', end);
            if (space > end / 2) {
                pieces.add(text.substring(0, space));
                text = text.substring(space + 1);
            } else {
                pieces.add(text.substring(0, end));
                text = text.substring(end);
            }
        }
        if (!text.isEmpty()) {
            pieces.add(text);
        }
        return pieces;
    }
}
