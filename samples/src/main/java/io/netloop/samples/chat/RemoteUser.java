package io.netloop.samples.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A user served by another node of the cluster, as this node knows it from the events on Redis.
 * Changed only on the cluster's loop ({@link Cluster}); read by any loop for listings.
 */
final class RemoteUser implements Member {
    final String node;
    private volatile String nick;
    private volatile String user;
    final String host;
    final String realName;
    /** The channels this user is in, as this node last heard. */
    final Set<Channel> channels = ConcurrentHashMap.newKeySet();

    RemoteUser(String node, String nick, String user, String host, String realName) {
        this.node = node;
        this.nick = nick;
        this.user = user;
        this.host = host;
        this.realName = realName;
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
        return realName;
    }

    void renamed(String newNick, String newUser) {
        nick = newNick;
        user = newUser;
    }

    @Override
    public String toString() {
        return "RemoteUser[" + nick + " on " + node + "]";
    }
}
