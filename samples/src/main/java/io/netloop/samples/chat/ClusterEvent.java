package io.netloop.samples.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one chat node tells the others through the Redis stream: a change of membership, a topic, a
 * message, or a node's whole state. Each is one stream entry whose fields are {@code n} (the node),
 * {@code s} (its sequence number: receivers drop what they have seen), {@code t} (the type) and the
 * type's own fields. IRC prefixes ({@code nick!user@host}) name the users.
 */
sealed interface ClusterEvent {

    /** A user joined {@code channel}; the first join of a user tells the others who it is. */
    record Join(String nick, String user, String host, String realName, String channel) implements ClusterEvent {
        String prefix() {
            return nick + "!" + user + "@" + host;
        }
    }

    record Part(String prefix, String channel, String reason) implements ClusterEvent {
    }

    record Quit(String prefix, String reason) implements ClusterEvent {
    }

    /** A nickname change; a plain-mode user's user name follows its nickname. */
    record Nick(String prefix, String newNick, String newUser) implements ClusterEvent {
    }

    record Topic(String prefix, String channel, String topic) implements ClusterEvent {
    }

    /** A PRIVMSG or NOTICE to a channel or to a user of another node. */
    record Say(String prefix, String target, String text, boolean notice) implements ClusterEvent {
    }

    /** A node that starts asks the others for their {@link State}. */
    record Hello() implements ClusterEvent {
    }

    /**
     * Everything a node serves: receivers make their picture of that node's users equal to it,
     * telling their own users the differences. Sent on {@link Hello}, and after an outage in which
     * the node's lease, events or Redis' data may have been lost.
     */
    record State(List<UserState> users, Map<String, String> topics) implements ClusterEvent {
    }

    record UserState(String nick, String user, String host, String realName, List<String> channels) {
    }

    /** The nickname in a {@code nick!user@host} prefix. */
    static String nickOf(String prefix) {
        int bang = prefix.indexOf('!');
        return bang < 0 ? prefix : prefix.substring(0, bang);
    }

    /** The stream entry's fields after {@code n} and {@code s}. */
    static List<Object> fields(ClusterEvent e) {
        List<Object> f = new ArrayList<>(16);
        switch (e) {
            case Join j -> add(f, "t", "join", "u", j.nick(), "us", j.user(), "h", j.host(), "r", j.realName(), "c", j.channel());
            case Part p -> add(f, "t", "part", "p", p.prefix(), "c", p.channel(), "why", p.reason());
            case Quit q -> add(f, "t", "quit", "p", q.prefix(), "why", q.reason());
            case Nick n -> add(f, "t", "nick", "p", n.prefix(), "u", n.newNick(), "us", n.newUser());
            case Topic t -> add(f, "t", "topic", "p", t.prefix(), "c", t.channel(), "topic", t.topic());
            case Say s -> add(f, "t", "say", "p", s.prefix(), "to", s.target(), "text", s.text(), "notice", s.notice() ? "1" : "0");
            case Hello h -> add(f, "t", "hello");
            case State s -> {
                add(f, "t", "state");
                // Repeated groups, in order: a user's fields, then its channels joined by commas (no channel name has one).
                for (UserState u : s.users()) {
                    add(f, "u", u.nick(), "us", u.user(), "h", u.host(), "r", u.realName(), "cs", String.join(",", u.channels()));
                }
                for (Map.Entry<String, String> t : s.topics().entrySet()) {
                    add(f, "c", t.getKey(), "topic", t.getValue());
                }
            }
        }
        return f;
    }

    /**
     * Reads an entry's fields back (the {@code n} and {@code s} fields are skipped).
     *
     * @throws IllegalArgumentException naming what is wrong, for an entry no node wrote
     */
    static ClusterEvent parse(List<String> f) {
        if (f.size() % 2 != 0) {
            throw new IllegalArgumentException("an odd number of fields");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < f.size(); i += 2) {
            m.putIfAbsent(f.get(i), f.get(i + 1));
        }
        String type = need(m, "t");
        return switch (type) {
            case "join" -> new Join(need(m, "u"), need(m, "us"), need(m, "h"), need(m, "r"), need(m, "c"));
            case "part" -> new Part(need(m, "p"), need(m, "c"), need(m, "why"));
            case "quit" -> new Quit(need(m, "p"), need(m, "why"));
            case "nick" -> new Nick(need(m, "p"), need(m, "u"), need(m, "us"));
            case "topic" -> new Topic(need(m, "p"), need(m, "c"), need(m, "topic"));
            case "say" -> new Say(need(m, "p"), need(m, "to"), need(m, "text"), "1".equals(need(m, "notice")));
            case "hello" -> new Hello();
            case "state" -> parseState(f);
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static State parseState(List<String> f) {
        List<UserState> users = new ArrayList<>();
        Map<String, String> topics = new LinkedHashMap<>();
        int i = 0;
        while (i < f.size()) {
            String k = f.get(i);
            if (k.equals("u")) {
                if (i + 10 > f.size() || !f.get(i + 2).equals("us") || !f.get(i + 4).equals("h") || !f.get(i + 6).equals("r")
                        || !f.get(i + 8).equals("cs")) {
                    throw new IllegalArgumentException("a state's user group is incomplete at field " + i);
                }
                String cs = f.get(i + 9);
                users.add(new UserState(f.get(i + 1), f.get(i + 3), f.get(i + 5), f.get(i + 7),
                        cs.isEmpty() ? List.of() : List.of(cs.split(","))));
                i += 10;
            } else if (k.equals("c")) {
                if (i + 4 > f.size() || !f.get(i + 2).equals("topic")) {
                    throw new IllegalArgumentException("a state's topic group is incomplete at field " + i);
                }
                topics.put(f.get(i + 1), f.get(i + 3));
                i += 4;
            } else {
                i += 2; // "t", and fields of later versions
            }
        }
        return new State(users, topics);
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no field " + key);
        }
        return v;
    }

    private static void add(List<Object> f, Object... kv) {
        f.addAll(List.of(kv));
    }
}
