package io.netloop.samples.chat;

import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.ConnectionResetException;
import io.netloop.Timer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected user, plain or IRC. Input is handled on the connection's loop; other users'
 * loops call {@link #send} and the {@code deliver...} methods, which only read volatile state and
 * write to the connection (thread-safe).
 */
final class Client implements ConnectionHandler, Member {
    private static final Logger log = LoggerFactory.getLogger(Client.class);

    static final int PLAIN_MAX_LINE = 1000;
    static final int IRC_MAX_LINE = 510;
    private static final Duration PROMPT_DELAY = Duration.ofMillis(300);
    /** Unprocessed input held while a client is throttled; past it the client is flooding beyond reason. */
    private static final int MAX_INBOX = 256 * 1024;
    /** How long a connection the server is closing may keep sending before it is reset. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    /** How long a dropped client may take to read its last line before it is reset. */
    private static final Duration ABORT_AFTER = Duration.ofSeconds(5);
    /**
     * The STATS query that shows the loops' load to operators: none of RFC 1459's and 2812's letters
     * (c h i k l m o u y), nor the common daemons' {@code L} (links) or {@code P} (ports); w for work.
     */
    static final String STATS_LOAD = "w";

    private enum Mode { UNDECIDED, PLAIN, IRC }

    private final Hub hub;
    private final ChatConfig config;
    private final CharsetDecoder decoder = Text.strictDecoder();
    private final AtomicBoolean dropped = new AtomicBoolean();
    private Connection conn;

    // Read by other loops.
    private volatile Mode mode = Mode.UNDECIDED;
    private volatile String nick;
    private volatile String user;
    private volatile String host = "unknown";
    private volatile String realName = "";
    private volatile String quitReason;

    // Loop thread only.
    private boolean admitted;
    private boolean refused;
    private boolean leftHub;
    private volatile boolean registered;
    private boolean capNegotiating;
    /** A nickname claim is on its way to Redis: input waits, so that lines keep their order. */
    private boolean claiming;
    /** {@link #nickUtf8()} and {@link #prefixUtf8()}'s caches, and what they were encoded from. */
    private String encodedNick;
    private byte[] nickUtf8;
    private String encodedUser;
    private byte[] prefixUtf8;
    private boolean echoMessage;
    /** Gave the operator password ({@code OPER}, {@code /oper}): may see the loops' load. */
    private boolean operator;
    private final Set<Channel> channels = new LinkedHashSet<>();
    private byte[] inbox = new byte[2048];
    private int inStart;
    private int inEnd;
    private boolean discardingLongLine;
    private double tokens;
    private long lastRefillNanos;
    private boolean throttled;
    private long lastInputNanos;
    private boolean awaitingPong;
    private Timer promptTimer;
    private Timer pingTimer;
    private Timer floodTimer;

    Client(Hub hub) {
        this.hub = hub;
        this.config = hub.config;
    }

    boolean isIrc() {
        return mode == Mode.IRC;
    }

    @Override
    public String nick() {
        return nick;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String realName() {
        return isIrc() ? realName : "plain-mode user";
    }

    /** Whether the user chose its nickname (and, in IRC, its user name): others see it. */
    boolean isRegistered() {
        return registered;
    }

    // ---- connection callbacks ----

    @Override
    public void onOpen(Connection c) {
        conn = c;
        if (c.remoteAddress() instanceof InetSocketAddress inet) {
            host = inet.getAddress().getHostAddress();
        } else if (c.remoteAddress() != null) {
            host = "localhost"; // a Unix-domain peer (--unix): on this machine, with no address to show
        }
        if (!hub.admit(this)) {
            // The reply's form waits for the client's first line (or its silence): an IRC client
            // must get an IRC ERROR, a plain one a readable line.
            refused = true;
            quitReason = "server full";
            dropped.set(true);
            promptTimer = c.loop().schedule(() -> refuse(false), PROMPT_DELAY);
            return;
        }
        admitted = true;
        long now = System.nanoTime();
        lastInputNanos = now;
        lastRefillNanos = now;
        tokens = config.floodBurst();
        promptTimer = c.loop().schedule(this::promptIfSilent, PROMPT_DELAY);
        pingTimer = c.loop().schedule(this::checkAlive, pingCheckPeriod());
    }

    @Override
    public void onData(Connection c, ByteBuffer data) {
        if (refused) {
            refuse(looksLikeIrcRegistration(firstLine(data)));
            return;
        }
        if (dropped.get()) {
            return; // closing: what the client still sends is read and discarded, so it gets no reset
        }
        lastInputNanos = System.nanoTime();
        awaitingPong = false;
        int n = data.remaining();
        if (inEnd - inStart + n > MAX_INBOX) {
            disconnect("input flood");
            return;
        }
        if (inEnd + n > inbox.length) {
            System.arraycopy(inbox, inStart, inbox, 0, inEnd - inStart);
            inEnd -= inStart;
            inStart = 0;
            if (inEnd + n > inbox.length) {
                inbox = java.util.Arrays.copyOf(inbox, Math.max(inbox.length * 2, inEnd + n));
            }
        }
        data.get(inbox, inEnd, n);
        inEnd += n;
        if (!throttled) {
            drainLines();
        }
    }

    @Override
    public void onInputClosed(Connection c) {
        if (quitReason == null) {
            quitReason = "Connection closed";
        }
        c.close();
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        cancel(promptTimer);
        cancel(pingTimer);
        cancel(floodTimer);
        leaveHub(quitReason != null ? quitReason
                : cause instanceof ConnectionResetException ? "Connection reset by peer"
                : cause != null ? "Error: " + cause.getMessage() : "Connection closed");
    }

    /**
     * Loop thread, once: frees this user's place and nickname, then tells the others it left. In
     * that order, because a peer on another loop may act on the news at once: its /who or NICK
     * must already find this user gone.
     */
    private void leaveHub(String reason) {
        if (!admitted || leftHub) {
            return;
        }
        leftHub = true;
        hub.left(this);
        Set<Client> peers = coMembers();
        for (Channel ch : channels) {
            ch.remove(this);
            hub.removeIfEmpty(ch);
        }
        channels.clear();
        hub.release(nick, this);
        if (nick != null && registered) {
            Wire.Line irc = Wire.quit(prefix(), reason);
            Wire.Line plain = Wire.left(nick, reason);
            for (Client peer : peers) {
                peer.send(peer.isIrc() ? irc : plain);
            }
            hub.publish(new ClusterEvent.Quit(prefix(), reason));
        }
        log.debug("{} ({}) left: {}", nick, host, reason);
    }

    // ---- input: lines, flood limit, length and encoding checks ----

    private void drainLines() {
        while (!dropped.get() && conn.isOpen() && !claiming) {
            int max = mode == Mode.IRC ? IRC_MAX_LINE : PLAIN_MAX_LINE;
            int nl = indexOfNewline();
            if (nl < 0) {
                if (inEnd - inStart > max + 1) { // +1: room for a CR that may precede the LF
                    if (!discardingLongLine) {
                        discardingLongLine = true;
                        lineTooLong(max);
                    }
                    inStart = inEnd;
                }
                return;
            }
            int end = nl > inStart && inbox[nl - 1] == '\r' ? nl - 1 : nl;
            int start = inStart;
            if (discardingLongLine) {
                discardingLongLine = false;
                inStart = nl + 1;
                continue;
            }
            if (end - start > max) {
                inStart = nl + 1;
                lineTooLong(max);
                continue;
            }
            if (!takeFloodToken()) {
                throttle();
                return;
            }
            inStart = nl + 1;
            if (end > start) {
                handleLine(start, end - start);
            }
        }
    }

    private int indexOfNewline() {
        for (int i = inStart; i < inEnd; i++) {
            if (inbox[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean takeFloodToken() {
        long now = System.nanoTime();
        tokens = Math.min(config.floodBurst(), tokens + (now - lastRefillNanos) * config.floodRate() / 1e9);
        lastRefillNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Stops reading until the bucket holds a token again: TCP then slows the flooder, not the server. */
    private void throttle() {
        throttled = true;
        conn.pauseReading();
        long waitNanos = (long) Math.ceil((1 - tokens) / config.floodRate() * 1e9);
        floodTimer = conn.loop().schedule(() -> {
            throttled = false;
            drainLines();
            if (!throttled && !claiming) {
                conn.resumeReading();
            }
        }, Duration.ofNanos(Math.max(1_000_000, waitNanos)));
    }

    private void handleLine(int off, int len) {
        if (mode == Mode.PLAIN && registered && inbox[off] != '/' && Text.isPlainSafeUtf8(inbox, off, len)) {
            sayToLobby(off, len);
            return;
        }
        String line = Text.decodeUtf8(decoder, inbox, off, len);
        if (line == null) {
            notice("Invalid UTF-8; the line was dropped");
            return;
        }
        if (mode == Mode.UNDECIDED) {
            cancel(promptTimer);
            mode = looksLikeIrcRegistration(line) ? Mode.IRC : Mode.PLAIN;
        }
        if (Text.hasForbiddenControl(line, mode == Mode.IRC)) {
            notice("Control characters are not allowed; the line was dropped");
            return;
        }
        if (mode == Mode.IRC) {
            ircLine(line);
        } else {
            plainLine(line);
        }
    }

    /** IRC clients open with CAP, PASS, NICK or USER and a parameter; a plain nickname has no space. */
    private static boolean looksLikeIrcRegistration(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1) {
            return false;
        }
        String first = line.substring(0, space);
        return first.equals("CAP") || first.equals("PASS") || first.equals("NICK") || first.equals("USER");
    }

    private void lineTooLong(int max) {
        if (mode == Mode.IRC) {
            sendNow(Wire.numeric("417", target(), "Input line was too long"));
        } else {
            sendNow("*** Line too long (max " + max + " bytes); it was dropped");
        }
    }

    /** An error or notice for this user in its mode's form. */
    private void notice(String text) {
        if (mode == Mode.IRC) {
            sendNow(":" + Wire.SERVER + " NOTICE " + target() + " :" + text);
        } else {
            sendNow("*** " + text);
        }
    }

    private String target() {
        return nick != null ? nick : "*";
    }

    // ---- plain mode ----

    private void promptIfSilent() {
        if (mode == Mode.UNDECIDED && inEnd == 0 && conn.isOpen()) {
            sendNow("*** Welcome to netloop chat. Choose a nickname:");
        }
    }

    private void plainLine(String line) {
        if (!registered) {
            choosePlainNick(line.strip());
            return;
        }
        if (line.startsWith("/")) {
            plainCommand(line);
        } else {
            say(hub.lobby(), line, false);
        }
    }

    private void choosePlainNick(String wanted) {
        if (!Text.isValidNick(wanted)) {
            sendNow("*** Invalid nickname \"" + wanted + "\": 1 to 30 of letters, digits and _-[]\\`^{}|, "
                    + "not starting with a digit or -. Choose a nickname:");
            return;
        }
        claimNick(wanted, claimed -> {
            if (claimed) {
                nick = wanted;
                user = wanted;
                registered = true;
                greetPlain();
            } else {
                sendNow("*** Nickname \"" + wanted + "\" is taken. Choose a nickname:");
            }
        });
    }

    private void greetPlain() {
        String wanted = nick;
        Channel lobby = hub.lobby();
        int others = lobby.size();
        sendNow("*** Hello " + wanted + ". You are in " + lobby.name + " with " + others + (others == 1 ? " other" : " others")
                + ". /help lists commands.");
        join(lobby);
    }

    private void plainCommand(String line) {
        int space = line.indexOf(' ');
        String command = (space < 0 ? line : line.substring(0, space)).toLowerCase(java.util.Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1).strip();
        switch (command) {
            case "/msg" -> {
                int sp = rest.indexOf(' ');
                if (sp <= 0 || rest.substring(sp + 1).isBlank()) {
                    sendNow("*** Usage: /msg NICK TEXT");
                    return;
                }
                privateMessage(rest.substring(0, sp), rest.substring(sp + 1), false);
            }
            case "/nick" -> {
                if (rest.isEmpty()) {
                    sendNow("*** Usage: /nick NEW");
                } else {
                    changeNick(rest);
                }
            }
            case "/who", "/list" -> {
                List<String> names = new ArrayList<>();
                for (Member m : members(hub.lobby())) {
                    names.add(m.nick());
                }
                names.sort(String.CASE_INSENSITIVE_ORDER);
                sendNow("*** In " + Hub.LOBBY + ": " + String.join(", ", names) + " (" + names.size() + ")");
            }
            case "/me" -> {
                if (rest.isEmpty()) {
                    sendNow("*** Usage: /me ACTION");
                } else {
                    say(hub.lobby(), Text.ctcpActionOf(rest), false);
                }
            }
            case "/help" -> {
                sendNow("*** Type a line to talk to everyone in " + Hub.LOBBY + ". Commands:");
                sendNow("***   /msg NICK TEXT   a private message");
                sendNow("***   /nick NEW        change your nickname");
                sendNow("***   /who or /list    who is here");
                sendNow("***   /me ACTION       an action, shown as * you ACTION");
                sendNow("***   /quit [REASON]   leave");
                if (config.operPassword() != null) {
                    sendNow("***   /oper PASSWORD   become an operator");
                    sendNow("***   /stats           the server's load, for operators");
                }
            }
            case "/oper" -> {
                if (rest.isEmpty()) {
                    sendNow("*** Usage: /oper PASSWORD");
                    return;
                }
                switch (becomeOperator("/oper", rest)) {
                    case NOT_ENABLED -> sendNow("*** There are no operators on this server");
                    case WRONG_PASSWORD -> sendNow("*** Wrong operator password");
                    case OPERATOR -> sendNow("*** You are now an operator; /stats shows the server's load");
                }
            }
            case "/stats" -> {
                if (!operator) {
                    sendNow("*** Permission denied: /stats is for operators (/oper PASSWORD)");
                    return;
                }
                loadReport(lines -> {
                    for (String l : lines) {
                        sendNow("*** " + l);
                    }
                    sendNow("*** End of /stats");
                });
            }
            case "/quit" -> {
                sendNow("*** Bye");
                leave(rest.isEmpty() ? "Quit" : "Quit: " + rest);
            }
            default -> sendNow("*** Unknown command " + command + "; /help lists commands");
        }
    }

    // ---- IRC mode ----

    private void ircLine(String line) {
        IrcMessage m = IrcMessage.parse(line);
        if (m == null) {
            return;
        }
        switch (m.command()) {
            case "CAP" -> cap(m);
            case "PASS" -> { } // no passwords here
            case "NICK" -> {
                if (m.size() < 1 || m.param(0).isEmpty()) {
                    sendNow(Wire.numeric("431", target(), "No nickname given"));
                } else if (registered) {
                    changeNick(m.param(0));
                } else {
                    registrationNick(m.param(0));
                }
            }
            case "USER" -> {
                if (registered) {
                    sendNow(Wire.numeric("462", target(), "You may not reregister"));
                } else if (m.size() < 4) {
                    sendNow(Wire.numeric("461", target(), "USER", "Not enough parameters"));
                } else {
                    user = sanitizeUser(m.param(0));
                    realName = m.param(3);
                    tryCompleteRegistration();
                }
            }
            case "PING" -> {
                if (m.size() < 1) {
                    sendNow(Wire.numeric("409", target(), "No origin specified"));
                } else {
                    sendNow(":" + Wire.SERVER + " PONG " + Wire.SERVER + " :" + m.param(0));
                }
            }
            case "PONG" -> { } // any input already counts as alive
            case "QUIT" -> {
                String reason = m.size() > 0 ? "Quit: " + m.param(0) : "Quit";
                sendNow("ERROR :Closing Link: " + target() + " (" + reason + ")");
                leave(reason);
            }
            default -> {
                if (!registered) {
                    sendNow(Wire.numeric("451", target(), "You have not registered"));
                } else {
                    registeredCommand(m);
                }
            }
        }
    }

    private void registeredCommand(IrcMessage m) {
        switch (m.command()) {
            case "JOIN" -> {
                if (m.size() < 1) {
                    needMore("JOIN");
                    return;
                }
                if (m.param(0).equals("0")) {
                    for (Channel ch : new ArrayList<>(channels)) {
                        part(ch, "Leaving");
                    }
                    return;
                }
                for (String name : m.param(0).split(",")) {
                    if (!Text.isValidChannel(name)) {
                        sendNow(Wire.numeric("403", nick, name, "No such channel"));
                    } else {
                        Channel ch = hub.channelOrCreate(name);
                        if (!channels.contains(ch)) {
                            join(ch);
                        }
                    }
                }
            }
            case "PART" -> {
                if (m.size() < 1) {
                    needMore("PART");
                    return;
                }
                String reason = m.size() > 1 ? m.param(1) : "Leaving";
                for (String name : m.param(0).split(",")) {
                    Channel ch = hub.channel(name);
                    if (ch == null) {
                        sendNow(Wire.numeric("403", nick, name, "No such channel"));
                    } else if (!channels.contains(ch)) {
                        sendNow(Wire.numeric("442", nick, name, "You're not on that channel"));
                    } else {
                        part(ch, reason);
                    }
                }
            }
            case "PRIVMSG", "NOTICE" -> {
                boolean notice = m.command().equals("NOTICE");
                if (m.size() < 1) {
                    if (!notice) sendNow(Wire.numeric("411", nick, "No recipient given (PRIVMSG)"));
                    return;
                }
                if (m.size() < 2 || m.param(1).isEmpty()) {
                    if (!notice) sendNow(Wire.numeric("412", nick, "No text to send"));
                    return;
                }
                for (String to : m.param(0).split(",")) {
                    if (to.startsWith("#")) {
                        Channel ch = hub.channel(to);
                        if (ch == null) {
                            if (!notice) sendNow(Wire.numeric("403", nick, to, "No such channel"));
                        } else if (!channels.contains(ch)) {
                            if (!notice) sendNow(Wire.numeric("404", nick, ch.name, "Cannot send to channel"));
                        } else {
                            say(ch, m.param(1), notice);
                        }
                    } else {
                        privateMessage(to, m.param(1), notice);
                    }
                }
            }
            case "NAMES" -> {
                if (m.size() < 1) {
                    for (Channel ch : channels) {
                        names(ch);
                    }
                    return;
                }
                for (String name : m.param(0).split(",")) {
                    Channel ch = hub.channel(name);
                    if (ch != null) {
                        names(ch);
                    } else {
                        sendNow(Wire.numeric("366", nick, name, "End of /NAMES list"));
                    }
                }
            }
            case "TOPIC" -> topic(m);
            case "WHO" -> who(m);
            case "WHOIS" -> whois(m);
            case "MODE" -> mode(m);
            case "USERHOST" -> {
                List<String> replies = new ArrayList<>();
                for (String n : m.params()) {
                    Member c = hub.member(n);
                    if (c != null) {
                        replies.add(c.nick() + "=+" + c.user() + "@" + c.host());
                    }
                }
                sendNow(Wire.numeric("302", nick, String.join(" ", replies)));
            }
            case "ISON" -> {
                List<String> present = new ArrayList<>();
                for (String param : m.params()) {
                    for (String n : param.split(" ")) {
                        Member c = n.isEmpty() ? null : hub.member(n);
                        if (c != null) {
                            present.add(c.nick());
                        }
                    }
                }
                sendNow(Wire.numeric("303", nick, String.join(" ", present)));
            }
            case "LIST" -> {
                sendNow(Wire.numeric("321", nick, "Channel", "Users  Name"));
                for (Channel ch : hub.channels()) {
                    sendNow(Wire.numeric("322", nick, ch.name, Integer.toString(ch.size()), ch.topic));
                }
                sendNow(Wire.numeric("323", nick, "End of /LIST"));
            }
            case "AWAY" -> sendNow(m.size() > 0 && !m.param(0).isEmpty()
                    ? Wire.numeric("306", nick, "You have been marked as being away")
                    : Wire.numeric("305", nick, "You are no longer marked as being away"));
            case "MOTD" -> sendNow(Wire.numeric("422", nick, "MOTD File is missing"));
            case "OPER" -> oper(m);
            case "STATS" -> stats(m);
            default -> sendNow(Wire.numeric("421", nick, m.command(), "Unknown command"));
        }
    }

    private void cap(IrcMessage m) {
        String sub = m.size() > 0 ? m.param(0).toUpperCase(java.util.Locale.ROOT) : "";
        switch (sub) {
            case "LS" -> {
                if (!registered) {
                    capNegotiating = true;
                }
                sendNow(":" + Wire.SERVER + " CAP " + target() + " LS :echo-message");
            }
            case "LIST" -> sendNow(":" + Wire.SERVER + " CAP " + target() + " LIST :" + (echoMessage ? "echo-message" : ""));
            case "REQ" -> {
                if (!registered) {
                    capNegotiating = true;
                }
                String requested = m.size() > 1 ? m.param(1).strip() : "";
                boolean ok = !requested.isEmpty();
                boolean enable = echoMessage;
                for (String cap : requested.split(" +")) {
                    if (cap.equals("echo-message")) {
                        enable = true;
                    } else if (cap.equals("-echo-message")) {
                        enable = false;
                    } else if (!cap.isEmpty()) {
                        ok = false;
                    }
                }
                if (ok) {
                    echoMessage = enable;
                }
                sendNow(":" + Wire.SERVER + " CAP " + target() + (ok ? " ACK :" : " NAK :") + requested);
            }
            case "END" -> {
                capNegotiating = false;
                tryCompleteRegistration();
            }
            default -> sendNow(Wire.numeric("410", target(), sub, "Invalid CAP command"));
        }
    }

    private void registrationNick(String wanted) {
        if (!Text.isValidNick(wanted)) {
            sendNow(Wire.numeric("432", target(), wanted, "Erroneous nickname"));
            return;
        }
        claimNick(wanted, claimed -> {
            if (!claimed) {
                sendNow(Wire.numeric("433", target(), wanted, "Nickname is already in use"));
                return;
            }
            String previous = nick;
            nick = wanted;
            if (previous != null && !Text.key(previous).equals(Text.key(wanted))) {
                hub.release(previous, this);
            }
            tryCompleteRegistration();
        });
    }

    private void tryCompleteRegistration() {
        if (registered || nick == null || user == null || capNegotiating) {
            return;
        }
        registered = true;
        sendNow(Wire.numeric("001", nick, "Welcome to the netloop chat, " + prefix()));
        sendNow(Wire.numeric("002", nick, "Your host is " + Wire.SERVER + ", running netloop-chat 0.1"));
        sendNow(Wire.numeric("003", nick, "This server was created " + new java.util.Date(hub.startedMillis)));
        sendNow(":" + Wire.SERVER + " 004 " + nick + " " + Wire.SERVER + " netloop-chat-0.1 io nt");
        sendNow(Wire.numeric("005", nick, "CHANTYPES=# NICKLEN=" + Text.MAX_NICK + " CHANNELLEN=50 TOPICLEN=390 PREFIX=() "
                + "CASEMAPPING=ascii NETWORK=netloop", "are supported by this server"));
        sendNow(Wire.numeric("422", nick, "MOTD File is missing"));
        join(hub.lobby());
    }

    /**
     * Claims {@code wanted} and hands {@link Consumer} whether it is this user's now, on this
     * loop. On a cluster's node the claim goes to Redis: input waits meanwhile, so the lines after a
     * NICK see its outcome. While Redis cannot be reached the user is told to try again (IRC's 437).
     */
    private void claimNick(String wanted, Consumer<Boolean> then) {
        CompletableFuture<Boolean> claim = hub.claim(wanted, this);
        if (claim.isDone()) {
            claimed(wanted, claim, then);
            return;
        }
        claiming = true;
        conn.pauseReading();
        claim.whenComplete((ok, e) -> {
            try {
                conn.loop().execute(() -> {
                    claiming = false;
                    claimed(wanted, claim, then);
                    if (!throttled && !dropped.get() && conn.isOpen()) {
                        drainLines();
                        if (!throttled && !claiming) {
                            conn.resumeReading();
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException loopEnded) {
                hub.release(wanted, this);
            }
        });
    }

    private void claimed(String wanted, CompletableFuture<Boolean> claim, Consumer<Boolean> then) {
        if (claim.isCompletedExceptionally()) {
            if (mode == Mode.IRC) {
                sendNow(Wire.numeric("437", target(), wanted, "Nick/channel is temporarily unavailable (the chat cluster is unreachable)"));
            } else {
                sendNow("*** Nicknames cannot be claimed while the chat cluster is unreachable; try again shortly"
                        + (registered ? "" : ". Choose a nickname:"));
            }
            return;
        }
        boolean ok = claim.join();
        if (leftHub || dropped.get()) {
            if (ok && !wanted.equals(nick)) {
                hub.release(wanted, this); // the user left while the claim was on its way
            }
            return;
        }
        then.accept(ok);
    }

    private void needMore(String command) {
        sendNow(Wire.numeric("461", nick, command, "Not enough parameters"));
    }

    private static String sanitizeUser(String u) {
        String s = u.replaceAll("[^A-Za-z0-9_.~-]", "");
        return s.isEmpty() ? "user" : s.substring(0, Math.min(s.length(), 16));
    }

    // ---- what both modes share ----

    private void join(Channel ch) {
        ch.add(this);
        channels.add(ch);
        Wire.Line irc = Wire.join(prefix(), ch.name);
        ch.broadcast(this, irc, ch == hub.lobby() ? Wire.joined(nick) : null);
        hub.publish(new ClusterEvent.Join(nick, user, host, realName(), ch.name));
        if (mode == Mode.IRC) {
            send(irc);
            if (!ch.topic.isEmpty()) {
                sendNow(Wire.numeric("332", nick, ch.name, ch.topic));
            }
            names(ch);
        }
    }

    private void part(Channel ch, String reason) {
        Wire.Line irc = Wire.part(prefix(), ch.name, reason);
        ch.remove(this); // first, as in leaveHub: whoever hears of the part no longer finds us
        channels.remove(ch);
        hub.removeIfEmpty(ch);
        ch.broadcast(this, irc, ch == hub.lobby() ? Wire.left(nick, reason) : null);
        hub.publish(new ClusterEvent.Part(prefix(), ch.name, reason));
        send(irc);
    }

    /**
     * A plain user's line to #lobby, the server's busiest path, rendered from the input bytes into
     * this thread's scratch lines: nothing is allocated per message or per member (what
     * {@link #say} does with strings, for text already known to be valid UTF-8 with no control
     * characters, hence no formatting or CTCP to strip). On a cluster's node the text also goes
     * to the other nodes, which needs it as a string.
     */
    private void sayToLobby(int off, int len) {
        Channel lobby = hub.lobby();
        Wire.Scratch[] scratch = Wire.scratch();
        Wire.Scratch plain = scratch[0].reset().put((byte) '<').put(nickUtf8()).put((byte) '>').put((byte) ' ')
                .put(inbox, off, len).crlf();
        Wire.Scratch irc = scratch[1].reset();
        Wire.relayInto(irc, prefixUtf8(), Wire.PRIVMSG, lobby.nameUtf8, inbox, off, len);
        lobby.broadcast(this, irc, plain);
        if (hub.cluster() != null
                && !hub.publish(new ClusterEvent.Say(prefix(), lobby.name, new String(inbox, off, len, java.nio.charset.StandardCharsets.UTF_8), false))) {
            clusterQueueFull();
        }
    }

    /** The nickname in UTF-8, encoded again only when it changed (loop thread). */
    private byte[] nickUtf8() {
        String n = nick;
        if (n != encodedNick) {
            nickUtf8 = n.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            encodedNick = n;
            prefixUtf8 = null;
        }
        return nickUtf8;
    }

    /** {@link #prefix()} in UTF-8, encoded again only when the nickname or user name changed (loop thread). */
    private byte[] prefixUtf8() {
        nickUtf8();
        String u = user;
        if (prefixUtf8 == null || u != encodedUser) {
            prefixUtf8 = prefix().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            encodedUser = u;
        }
        return prefixUtf8;
    }

    /** Sends {@code text} to a channel: IRC lines to IRC members, the plain rendering to plain ones. */
    private void say(Channel ch, String text, boolean notice) {
        String command = notice ? "NOTICE" : "PRIVMSG";
        Wire.Line irc = Wire.relayLine(prefix(), command, ch.name, text);
        String plain = plainRendering(nick, text, notice, false);
        ch.broadcast(this, irc, plain == null ? null : Wire.Line.of(plain));
        if (!hub.publish(new ClusterEvent.Say(prefix(), ch.name, text, notice))) {
            clusterQueueFull();
        }
        if (echoMessage) {
            send(irc);
        }
    }

    private void privateMessage(String to, String text, boolean notice) {
        Client target = hub.byNick(to);
        if ((target == null || !target.registered) && hub.remoteUser(to) != null) {
            remotePrivateMessage(hub.remoteUser(to), text, notice);
            return;
        }
        if (target == null || !target.registered) {
            if (notice) {
                return;
            }
            if (mode == Mode.IRC) {
                sendNow(Wire.numeric("401", nick, to, "No such nick/channel"));
            } else {
                sendNow("*** No such nick: " + to);
            }
            return;
        }
        String command = notice ? "NOTICE" : "PRIVMSG";
        if (target.isIrc()) {
            target.send(Wire.relayLine(prefix(), command, target.nick, text));
        } else {
            String plain = plainRendering(nick, text, notice, true);
            if (plain != null) {
                target.send(Wire.Line.of(plain));
            }
        }
        if (mode == Mode.IRC) {
            if (echoMessage) {
                send(Wire.relayLine(prefix(), command, target.nick, text));
            }
        } else {
            sendNow("-> *" + target.nick + "* " + Text.stripFormatting(text));
        }
    }

    /** A private message to a user of another node: it goes through the cluster, and the sender sees it as sent. */
    private void remotePrivateMessage(RemoteUser target, String text, boolean notice) {
        String command = notice ? "NOTICE" : "PRIVMSG";
        if (!hub.publish(new ClusterEvent.Say(prefix(), target.nick(), text, notice))) {
            clusterQueueFull();
            return;
        }
        if (mode == Mode.IRC) {
            if (echoMessage) {
                send(Wire.relayLine(prefix(), command, target.nick(), text));
            }
        } else {
            sendNow("-> *" + target.nick() + "* " + Text.stripFormatting(text));
        }
    }

    /** Redis has been unreachable too long to queue more: the message reached this node's users only. */
    private void clusterQueueFull() {
        notice("The chat cluster is unreachable and its queue is full: your message reached users on this server only");
    }

    /** How a plain terminal shows a message from {@code from}; {@code null} for CTCP it has no use for. */
    static String plainRendering(String from, String text, boolean notice, boolean isPrivate) {
        String action = Text.ctcpAction(text);
        if (action != null) {
            return (isPrivate ? "*" + from + "* * " : "* ") + (isPrivate ? "" : from + " ") + Text.stripFormatting(action);
        }
        if (Text.isCtcp(text)) {
            return null;
        }
        String clean = Text.stripFormatting(text);
        if (isPrivate) {
            return notice ? "-" + from + "- " + clean : "*" + from + "* " + clean;
        }
        return notice ? "-" + from + "- " + clean : "<" + from + "> " + clean;
    }

    private void changeNick(String wanted) {
        if (!Text.isValidNick(wanted)) {
            if (mode == Mode.IRC) {
                sendNow(Wire.numeric("432", nick, wanted, "Erroneous nickname"));
            } else {
                sendNow("*** Invalid nickname \"" + wanted + "\": 1 to 30 of letters, digits and _-[]\\`^{}|, not starting with a digit or -");
            }
            return;
        }
        if (wanted.equals(nick)) {
            return;
        }
        claimNick(wanted, claimed -> {
            if (claimed) {
                renamed(wanted);
            } else if (mode == Mode.IRC) {
                sendNow(Wire.numeric("433", nick, wanted, "Nickname is already in use"));
            } else {
                sendNow("*** Nickname \"" + wanted + "\" is taken");
            }
        });
    }

    private void renamed(String wanted) {
        String old = nick;
        String oldPrefix = prefix();
        nick = wanted;
        if (plainUser()) {
            user = wanted;
        }
        if (!Text.key(old).equals(Text.key(wanted))) {
            hub.release(old, this);
        }
        Wire.Line irc = Wire.nick(oldPrefix, wanted);
        Wire.Line plain = Wire.renamed(old, wanted);
        for (Client peer : coMembers()) {
            peer.send(peer.isIrc() ? irc : plain);
        }
        hub.publish(new ClusterEvent.Nick(oldPrefix, wanted, user));
        if (mode == Mode.IRC) {
            send(irc);
        } else {
            sendNow("*** You are now known as " + wanted);
        }
    }

    private boolean plainUser() {
        return mode != Mode.IRC;
    }

    /** Everyone who shares a channel with this user, once each. */
    private Set<Client> coMembers() {
        Set<Client> peers = new HashSet<>();
        for (Channel ch : channels) {
            peers.addAll(ch.members);
        }
        peers.remove(this);
        return peers;
    }

    private void names(Channel ch) {
        String head = ":" + Wire.SERVER + " 353 " + nick + " = " + ch.name + " :";
        StringBuilder line = new StringBuilder(head);
        for (Member m : members(ch)) {
            String n = m.nick();
            if (line.length() + n.length() + 1 > IRC_MAX_LINE && line.length() > head.length()) {
                sendNow(line.toString().stripTrailing());
                line.setLength(0);
                line.append(head);
            }
            line.append(n).append(' ');
        }
        if (line.length() > head.length()) {
            sendNow(line.toString().stripTrailing());
        }
        sendNow(Wire.numeric("366", nick, ch.name, "End of /NAMES list"));
    }

    private void topic(IrcMessage m) {
        if (m.size() < 1) {
            needMore("TOPIC");
            return;
        }
        Channel ch = hub.channel(m.param(0));
        if (ch == null) {
            sendNow(Wire.numeric("403", nick, m.param(0), "No such channel"));
        } else if (!channels.contains(ch)) {
            sendNow(Wire.numeric("442", nick, ch.name, "You're not on that channel"));
        } else if (m.size() < 2) {
            sendNow(ch.topic.isEmpty() ? Wire.numeric("331", nick, ch.name, "No topic is set")
                    : Wire.numeric("332", nick, ch.name, ch.topic));
        } else {
            String topic = m.param(1);
            ch.topic = topic.length() > 390 ? topic.substring(0, 390) : topic;
            Wire.Line irc = Wire.topic(prefix(), ch.name, ch.topic);
            ch.broadcast(this, irc, Wire.topicSet(nick, ch.topic));
            hub.publish(new ClusterEvent.Topic(prefix(), ch.name, ch.topic));
            send(irc);
        }
    }

    private void who(IrcMessage m) {
        String mask = m.size() > 0 ? m.param(0) : "*";
        if (mask.startsWith("#")) {
            Channel ch = hub.channel(mask);
            if (ch != null) {
                for (Member c : members(ch)) {
                    whoReply(ch.name, c);
                }
            }
        } else {
            Member c = hub.member(mask);
            if (c != null) {
                whoReply("*", c);
            }
        }
        sendNow(Wire.numeric("315", nick, mask, "End of /WHO list"));
    }

    private void whoReply(String channel, Member c) {
        sendNow(":" + Wire.SERVER + " 352 " + nick + " " + channel + " " + c.user() + " " + c.host() + " " + Wire.SERVER
                + " " + c.nick() + " H :0 " + c.realName());
    }

    /** A channel's registered members on every node: this node's first. */
    private static List<Member> members(Channel ch) {
        List<Member> all = new ArrayList<>(ch.size());
        for (Client c : ch.members) {
            if (c.nick != null) {
                all.add(c);
            }
        }
        all.addAll(ch.remote);
        return all;
    }

    private void whois(IrcMessage m) {
        if (m.size() < 1) {
            sendNow(Wire.numeric("431", nick, "No nickname given"));
            return;
        }
        String who = m.param(m.size() - 1);
        Member c = hub.member(who);
        if (c == null) {
            sendNow(Wire.numeric("401", nick, who, "No such nick/channel"));
        } else {
            sendNow(":" + Wire.SERVER + " 311 " + nick + " " + c.nick() + " " + c.user() + " " + c.host() + " * :" + c.realName());
            List<String> names = new ArrayList<>();
            for (Channel ch : hub.channels()) {
                if (c instanceof Client local ? ch.members.contains(local) : ch.remote.contains(c)) {
                    names.add(ch.name);
                }
            }
            if (!names.isEmpty()) {
                sendNow(Wire.numeric("319", nick, c.nick(), String.join(" ", names)));
            }
            sendNow(Wire.numeric("312", nick, c.nick(), Wire.SERVER, "netloop chat"));
        }
        sendNow(Wire.numeric("318", nick, who, "End of /WHOIS list"));
    }

    private void mode(IrcMessage m) {
        if (m.size() < 1) {
            needMore("MODE");
            return;
        }
        String target = m.param(0);
        if (target.startsWith("#")) {
            Channel ch = hub.channel(target);
            if (ch == null) {
                sendNow(Wire.numeric("403", nick, target, "No such channel"));
            } else if (m.size() < 2) {
                sendNow(":" + Wire.SERVER + " 324 " + nick + " " + ch.name + " +nt");
                sendNow(":" + Wire.SERVER + " 329 " + nick + " " + ch.name + " " + ch.createdSeconds);
            } else if (m.param(1).equals("b") || m.param(1).equals("+b")) {
                sendNow(Wire.numeric("368", nick, ch.name, "End of channel ban list"));
            } else {
                sendNow(Wire.numeric("482", nick, ch.name, "You're not channel operator"));
            }
        } else if (!Text.key(target).equals(Text.key(nick))) {
            sendNow(Wire.numeric("502", nick, "Can't change mode for other users"));
        } else {
            sendNow(":" + Wire.SERVER + " 221 " + nick + (operator ? " +o" : " +"));
        }
    }

    // ---- operators ----

    private enum OperOutcome { NOT_ENABLED, WRONG_PASSWORD, OPERATOR }

    /**
     * Checks the operator password, in time that does not depend on where a wrong one differs.
     * {@code how} is the command, for the log.
     */
    private OperOutcome becomeOperator(String how, String password) {
        String expected = config.operPassword();
        if (expected == null) {
            return OperOutcome.NOT_ENABLED;
        }
        if (!java.security.MessageDigest.isEqual(password.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            log.warn("{} ({}) gave a wrong operator password ({})", nick, host, how);
            return OperOutcome.WRONG_PASSWORD;
        }
        if (!operator) {
            operator = true;
            log.info("{} ({}) is an operator now ({})", nick, host, how);
        }
        return OperOutcome.OPERATOR;
    }

    /** {@code OPER NAME PASSWORD}: any name, one password ({@code --oper-password}). */
    private void oper(IrcMessage m) {
        if (m.size() < 2) {
            needMore("OPER");
            return;
        }
        switch (becomeOperator("OPER " + m.param(0), m.param(1))) {
            case NOT_ENABLED -> sendNow(Wire.numeric("491", nick, "No O-lines for your host"));
            case WRONG_PASSWORD -> sendNow(Wire.numeric("464", nick, "Password incorrect"));
            case OPERATOR -> {
                sendNow(Wire.numeric("381", nick, "You are now an IRC operator"));
                sendNow(":" + prefix() + " MODE " + nick + " :+o");
            }
        }
    }

    /**
     * {@code STATS w}: the loops' load ({@link LoadReport}) as 249 lines, a second later, then 219.
     * Other queries have nothing to report: 219 alone, as servers answer letters they do not know.
     */
    private void stats(IrcMessage m) {
        if (m.size() < 1) {
            needMore("STATS");
            return;
        }
        String query = m.param(0);
        if (!query.equals(STATS_LOAD)) {
            sendNow(Wire.numeric("219", nick, query, "End of /STATS report"));
        } else if (!operator) {
            sendNow(Wire.numeric("481", nick, "Permission Denied- You're not an IRC operator"));
        } else {
            loadReport(lines -> {
                for (String l : lines) {
                    sendNow(Wire.numeric("249", nick, l));
                }
                sendNow(Wire.numeric("219", nick, query, "End of /STATS report"));
            });
        }
    }

    /** Measures the loops' load over the next second on a timer of this loop, then hands the lines over on it. */
    private void loadReport(Consumer<List<String>> then) {
        LoadReport.measure(conn.loop().group(), conn.loop()).thenAccept(lines -> {
            if (!dropped.get() && conn.isOpen()) {
                then.accept(lines);
            }
        });
    }

    // ---- liveness, leaving, output ----

    private Duration pingCheckPeriod() {
        return config.pingInterval().dividedBy(3).isZero() ? Duration.ofMillis(1) : config.pingInterval().dividedBy(3);
    }

    private void checkAlive() {
        if (dropped.get() || !conn.isOpen()) {
            return;
        }
        long interval = config.pingInterval().toNanos();
        long silent = System.nanoTime() - lastInputNanos;
        if (!registered && silent >= 2 * interval) {
            disconnect("registration timeout");
            return;
        }
        if (mode == Mode.IRC) {
            if (awaitingPong && silent >= 2 * interval) {
                disconnect("Ping timeout: " + silent / 1_000_000_000L + " seconds");
                return;
            }
            if (!awaitingPong && silent >= interval) {
                awaitingPong = true;
                sendNow("PING :" + Wire.SERVER);
            }
        }
        pingTimer = conn.loop().schedule(this::checkAlive, pingCheckPeriod());
    }

    /** Leaves at the user's request: the reply is already queued, so close gracefully. */
    private void leave(String reason) {
        quitReason = reason;
        dropped.set(true);
        leaveHub(reason);
        closeLingering(LINGER);
    }

    /**
     * Ends the connection from the server's side without a reset that would destroy the last
     * line: shut output down after what is queued, keep reading (and discarding) until the client
     * closes, and reset it only if it has not within {@code patience}.
     */
    private void closeLingering(Duration patience) {
        conn.shutdownOutput();
        try {
            conn.loop().schedule(conn::abort, patience);
        } catch (java.util.concurrent.RejectedExecutionException loopEnded) {
            // the loop has closed the connection already
        }
    }

    /** Answers a client that arrived while the server was full, in its protocol's form, and closes. */
    private void refuse(boolean irc) {
        if (!refused) {
            return;
        }
        refused = false;
        cancel(promptTimer);
        conn.write(Wire.Line.of(irc ? "ERROR :Closing Link: server full" : "*** Server full").bytes());
        closeLingering(LINGER);
    }

    /** The first line of {@code data} (or all of it), without consuming it. */
    private static String firstLine(ByteBuffer data) {
        int n = Math.min(data.remaining(), IRC_MAX_LINE);
        byte[] b = new byte[n];
        data.get(data.position(), b);
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /**
     * Drops the client with a reason it is told (if it still reads). Any thread. The close is
     * graceful so the reason can arrive, and turns abortive if the client does not take it in time.
     */
    void disconnect(String reason) {
        if (!dropped.compareAndSet(false, true)) {
            return;
        }
        quitReason = reason;
        String last = mode == Mode.IRC ? "ERROR :Closing Link: " + target() + " (" + reason + ")" : "*** Disconnected: " + reason;
        conn.write(Wire.Line.of(last).bytes());
        Runnable drop = () -> {
            leaveHub(reason); // the others learn now, not when the socket finally closes
            closeLingering(ABORT_AFTER);
        };
        if (conn.loop().inEventLoop()) {
            drop.run();
        } else {
            try {
                conn.loop().execute(drop);
            } catch (java.util.concurrent.RejectedExecutionException loopEnded) {
                // the loop has closed the connection already
            }
        }
        log.debug("dropping {} ({}): {}", nick, host, reason);
    }

    /** Server shutdown: tell the client and close after what is queued. Any thread. */
    void serverShutdown() {
        if (!dropped.compareAndSet(false, true)) {
            return;
        }
        quitReason = "server shutting down";
        String last = mode == Mode.IRC ? "ERROR :Closing Link: " + target() + " (server shutting down)" : "*** Server shutting down";
        conn.write(Wire.Line.of(last).bytes());
        conn.close();
    }

    /**
     * Queues an encoded line for this client. Any thread. A client whose queue is past the limit is
     * dropped instead: it has stopped reading, and it must not hold memory or slow the sender.
     */
    void send(Wire.Line line) {
        if (line == null || dropped.get() || conn == null) {
            return;
        }
        if (conn.pendingWriteBytes() + line.bytes().length > config.maxSendQueueBytes()) {
            disconnect("send queue exceeded");
            return;
        }
        conn.write(line.bytes());
    }

    /** {@link #send(Wire.Line)} of {@code length} bytes of {@code bytes}, which are copied before this returns. */
    void send(byte[] bytes, int length) {
        if (dropped.get() || conn == null) {
            return;
        }
        if (conn.pendingWriteBytes() + length > config.maxSendQueueBytes()) {
            disconnect("send queue exceeded");
            return;
        }
        conn.write(bytes, 0, length);
    }

    private void sendNow(String text) {
        send(Wire.Line.of(text));
    }

    private static void cancel(Timer t) {
        if (t != null) {
            t.cancel();
        }
    }

    @Override
    public String toString() {
        return "Client[" + nick + "@" + host + ", " + mode + "]";
    }
}
