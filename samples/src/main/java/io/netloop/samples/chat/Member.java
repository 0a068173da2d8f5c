package io.netloop.samples.chat;

/** A registered user as listings (NAMES, WHO, WHOIS) show it: one on this node, or one on another node of the cluster. */
interface Member {
    String nick();

    /** The IRC user name (a plain-mode user's is its nickname). */
    String user();

    String host();

    /** What WHO and WHOIS show as the real name. */
    String realName();

    /** {@code nick!user@host}, how IRC clients see this user. */
    default String prefix() {
        return nick() + "!" + user() + "@" + host();
    }
}
