package io.netloop.benchmarks.servers;

/** What a peer server does with the bytes it reads. */
enum Mode {
    /** Every byte is sent back to the connection it came from. */
    ECHO,
    /** Every complete {@code \n}-terminated line is sent to every other connection. */
    BROADCAST,
    /** Every UDP datagram is sent back to its sender (the servers bind a UDP socket, not a listener). */
    UDP_ECHO;

    /** Broadcast drops a client whose queued output exceeds this many bytes. */
    static final int BROADCAST_MAX_PENDING = 4 * 1024 * 1024;
    /** Broadcast drops a client that sends a line longer than this without a newline. */
    static final int BROADCAST_MAX_LINE = 1024 * 1024;

    static Mode parse(String s) {
        return switch (s) {
            case "echo" -> ECHO;
            case "broadcast" -> BROADCAST;
            case "udp-echo" -> UDP_ECHO;
            default -> throw new IllegalArgumentException("unknown mode '" + s + "'; expected echo, broadcast or udp-echo");
        };
    }
}
