package io.netloop.samples.chat;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all loops share: who is connected, by nickname, and the channels. Thread-safe. On a node of
 * a cluster ({@link Cluster}) it also holds the other nodes' users, and nicknames are claimed in
 * Redis too.
 */
final class Hub {
    static final String LOBBY = "#lobby";

    final ChatConfig config;
    final long startedMillis = System.currentTimeMillis();
    private final ConcurrentHashMap<String, Client> byNick = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
    private final Collection<Client> connected = ConcurrentHashMap.newKeySet();
    /** The other nodes' users, by nickname; changed by the cluster's loop only. */
    private final ConcurrentHashMap<String, RemoteUser> remote = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean shuttingDown;
    /** {@code null} when this server runs alone. */
    private volatile Cluster cluster;

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

    /** Users of this node that chose their nickname: a walk over the connections, for a scrape, not a hot path. */
    int registeredCount() {
        int n = 0;
        for (Client c : connected) {
            if (c.isRegistered()) {
                n++;
            }
        }
        return n;
    }

    Collection<Client> connected() {
        return connected;
    }

    void joined(Cluster c) {
        cluster = c;
    }

    Cluster cluster() {
        return cluster;
    }

    /**
     * Reserves {@code nick} for {@code c}: here, and on a cluster's node also in Redis.
     *
     * @return {@code true} when {@code c} holds it, {@code false} when someone else does;
     *         completed at once when alone, else on the cluster's loop, exceptionally with a
     *         {@link Cluster.UnavailableException} while Redis cannot be reached
     */
    CompletableFuture<Boolean> claim(String nick, Client c) {
        String key = Text.key(nick);
        Client holder = byNick.putIfAbsent(key, c);
        if (holder != null && holder != c) {
            return CompletableFuture.completedFuture(false);
        }
        Cluster cl = cluster;
        if (cl == null || holder == c) {
            return CompletableFuture.completedFuture(true);
        }
        return cl.claim(key).handle((ok, e) -> {
            if (e != null || !ok) {
                byNick.remove(key, c);
            }
            if (e != null) {
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            return ok;
        });
    }

    void release(String nick, Client c) {
        if (nick != null && byNick.remove(Text.key(nick), c)) {
            Cluster cl = cluster;
            if (cl != null) {
                cl.release(Text.key(nick));
            }
        }
    }

    /** Tells the other nodes, when there are; {@code false} when the event was dropped (see {@link Cluster#publish}). */
    boolean publish(ClusterEvent e) {
        Cluster cl = cluster;
        return cl == null || cl.publish(e);
    }

    /** A registered user of any node by nickname, or {@code null}. */
    Member member(String nick) {
        Client c = byNick(nick);
        if (c != null && c.isRegistered()) {
            return c;
        }
        return remote.get(Text.key(nick));
    }

    RemoteUser remoteUser(String nick) {
        return remote.get(Text.key(nick));
    }

    Collection<RemoteUser> remoteUsers() {
        return remote.values();
    }

    void addRemote(RemoteUser u) {
        remote.put(Text.key(u.nick()), u);
    }

    void removeRemote(RemoteUser u) {
        remote.remove(Text.key(u.nick()), u);
    }

    void renameRemote(RemoteUser u, String newNick, String newUser) {
        remote.remove(Text.key(u.nick()), u);
        u.renamed(newNick, newUser);
        remote.put(Text.key(newNick), u);
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
        if (ch.members.isEmpty() && ch.remote.isEmpty() && ch != lobby()) {
            channels.remove(Text.key(ch.name), ch);
        }
    }

    void beginShutdown() {
        shuttingDown = true;
    }
}
