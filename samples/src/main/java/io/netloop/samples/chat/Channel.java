package io.netloop.samples.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A room. Members join and leave from their own loops; a broadcast reads the set as it is then. */
final class Channel {
    final String name;
    final long createdSeconds = System.currentTimeMillis() / 1000;
    final Set<Client> members = ConcurrentHashMap.newKeySet();
    volatile String topic = "";

    Channel(String name) {
        this.name = name;
    }

    /**
     * Sends one event to every member but {@code except}: the IRC form to IRC members and the plain
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
