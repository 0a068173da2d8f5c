package io.netloop.samples.chat;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What all loops share: who is connected, by nickname, and the channels. Thread-safe. */
final class Hub {
    static final String LOBBY = "#lobby";

    final ChatConfig config;
    final long startedMillis = System.currentTimeMillis();
    private final ConcurrentHashMap<String, Client> byNick = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final Collection<Client> connected = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean shuttingDown;

    Hub(ChatConfig config) {
        this.config = config;
        channels.put(Text.key(LOBBY), new Channel(LOBBY));
    }

    /** Admits a new connection unless the server is full or stopping. */
    boolean admit(Client c) {
        if (shuttingDown || count.incrementAndGet() > config.maxClients()) {
            count.decrementAndGet();
            return false;
        }
        connected.add(c);
        return true;
    }

    void left(Client c) {
        if (connected.remove(c)) {
            count.decrementAndGet();
        }
    }

    int clientCount() {
        return count.get();
    }

    Collection<Client> connected() {
        return connected;
    }

    /** Reserves {@code nick} for {@code c}; {@code false} when someone else has it. */
    boolean claim(String nick, Client c) {
        Client holder = byNick.putIfAbsent(Text.key(nick), c);
        return holder == null || holder == c;
    }

    void release(String nick, Client c) {
        if (nick != null) {
            byNick.remove(Text.key(nick), c);
        }
    }

    Client byNick(String nick) {
        return byNick.get(Text.key(nick));
    }

    Channel channel(String name) {
        return channels.get(Text.key(name));
    }

    Channel channelOrCreate(String name) {
        return channels.computeIfAbsent(Text.key(name), k -> new Channel(name));
    }

    Channel lobby() {
        return channels.get(Text.key(LOBBY));
    }

    Collection<Channel> channels() {
        return channels.values();
    }

    /** Drops an empty channel other than the lobby. */
    void removeIfEmpty(Channel ch) {
        if (ch.members.isEmpty() && ch != lobby()) {
            channels.remove(Text.key(ch.name), ch);
        }
    }

    void beginShutdown() {
        shuttingDown = true;
    }
}
