package io.netloop.samples.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A room. Members join and leave from their own loops; a broadcast reads the set as it is then. */
final class Channel {
    final String name;
    final long createdSeconds = System.currentTimeMillis() / 1000;
    /** This node's users in the room. */
    final Set<Client> members = ConcurrentHashMap.newKeySet();
    /** Other nodes' users in the room, on a cluster's node; changed by the cluster's loop only. */
    final Set<RemoteUser> remote = ConcurrentHashMap.newKeySet();
    volatile String topic = "";

    Channel(String name) {
        this.name = name;
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
        for (Client m : members) {
            if (m != except) {
                m.send(m.isIrc() ? irc : plain);
            }
        }
    }
}
