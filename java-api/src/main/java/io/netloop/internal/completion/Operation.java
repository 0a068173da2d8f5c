package io.netloop.internal.completion;

import io.netloop.internal.buffer.ReadBuffer;
import java.lang.foreign.MemorySegment;

/**
 * One request lent to the kernel: accept, connect, receive, send or close; for UDP, receive-from
 * and send-to. Pooled by its
 * {@link CompletionDriver} and reused, never allocated per operation; the completion finds it again
 * through its {@link #tag()} (io_uring's {@code user_data}, or the word an IOCP port keeps beside
 * its {@code OVERLAPPED}).
 *
 * <p>From the moment a port starts it until its last completion is reaped, the operation and
 * everything it lends (its {@link #memory}, its receive {@link #buffer()}, the write chunks a send
 * names) belong to the kernel: nothing is reused or freed meanwhile, after a cancel and after its
 * connection has closed too.
 */
public final class Operation {
    public static final int ACCEPT = 0, CONNECT = 1, RECEIVE = 2, SEND = 3, CLOSE = 4;
    /** A UDP socket's receive of one datagram with its sender, or multishot: {@link CompletionPort#receiveFrom}. */
    public static final int RECEIVE_FROM = 5;
    /** A UDP socket's send of one datagram: {@link CompletionPort#sendTo}. */
    public static final int SEND_TO = 6;
    static final int KINDS = 7;

    final int kind;
    final int index;
    int generation;
    Owner owner;
    boolean cancelRequested;
    ReadBuffer buffer;
    /** The {@link CompletionPort.Completions} flags of the completion being handled. */
    int completionFlags;

    /**
     * The port's native memory for this operation (addresses, iovec or WSABUF arrays, an
     * {@code OVERLAPPED}), {@link CompletionPort#memorySize} bytes. Owned by the driver's arena;
     * lives as long as the driver.
     */
    public final MemorySegment memory;

    /** A socket the port keeps with the operation while it is posted (IOCP's socket for AcceptEx); the port's to use. */
    public long socket;

    /** The port's own object for this operation, made the first time the port sees it (views of {@link #memory}); kept across reuse. */
    public Object portState;

    Operation(int kind, int index, MemorySegment memory) {
        this.kind = kind;
        this.index = index;
        this.memory = memory;
    }

    public int kind() {
        return kind;
    }

    /** Finds this operation again from its completion: generation in the high 32 bits, index in the low. */
    public long tag() {
        return ((long) generation << 32) | index;
    }

    /** The receive buffer lent with a {@link #RECEIVE} or a {@link #RECEIVE_FROM}; {@code null} otherwise (or when the port picks it). */
    public ReadBuffer buffer() {
        return buffer;
    }

    static int indexOf(long tag) {
        return (int) tag;
    }

    /** Who is told when an operation completes. */
    interface Owner {
        /**
         * Loop thread: {@code op} completed with {@code result} (bytes, a socket, or 0; negative:
         * the port's error code, negated). {@code more}: the operation stays posted and completes
         * again (multishot). Unless {@code more}, the driver takes the operation back afterwards.
         */
        void completed(Operation op, long result, boolean more);
    }

    @Override
    public String toString() {
        String[] names = {"accept", "connect", "receive", "send", "close", "receive-from", "send-to"};
        return names[kind] + "#" + index + "." + generation;
    }
}
