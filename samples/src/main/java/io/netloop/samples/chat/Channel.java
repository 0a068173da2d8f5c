package io.netloop.samples.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A room. Members join and leave from their own loops; a broadcast reads the set as it is then. */
final class Channel {
    final String name;
    final long createdSeconds = System.currentTimeMillis() / 1000;
    final byte[] nameUtf8;
    /** This node's users in the room; changed through {@link #add} and {@link #remove} only. */
    final Set<Client> members = ConcurrentHashMap.newKeySet();
    /** {@link #members} as an array, replaced on each change: a broadcast walks it without an iterator. */
    private volatile Client[] snapshot = new Client[0];
    /** Other nodes' users in the room, on a cluster's node; changed by the cluster's loop only. */
    final Set<RemoteUser> remote = ConcurrentHashMap.newKeySet();
    volatile String topic = "";

    Channel(String name) {
        this.name = name;
        this.nameUtf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Adds a user of this node; {@code false} when it is a member already. */
    boolean add(Client c) {
        synchronized (members) {
            if (!members.add(c)) {
                return false;
            }
            snapshot = members.toArray(Client[]::new);
            return true;
        }
    }

    boolean remove(Client c) {
        synchronized (members) {
            if (!members.remove(c)) {
                return false;
            }
            snapshot = members.toArray(Client[]::new);
            return true;
        }
    }

    /** Members on every node. */
    int size() {
        return members.size() + remote.size();
    }

    /**
     * Sends one event to every member on this node but {@code except} (which may be {@code null}): the IRC form to IRC members and the plain
     * form (when there is one) to plain members. Each form is encoded once, not once per member.
     */
    void broadcast(Client except, Wire.Line irc, Wire.Line plain) {
        for (Client m : snapshot) {
            if (m != except) {
                m.send(m.isIrc() ? irc : plain);
            }
        }
    }

    /** {@link #broadcast(Client, Wire.Line, Wire.Line)} of lines rendered in scratch: allocates nothing. */
    void broadcast(Client except, Wire.Scratch irc, Wire.Scratch plain) {
        for (Client m : snapshot) {
            if (m != except) {
                Wire.Scratch line = m.isIrc() ? irc : plain;
                m.send(line.bytes, line.length);
            }
        }
    }
}
