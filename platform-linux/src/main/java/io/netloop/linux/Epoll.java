package io.netloop.linux;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.spi.Availability;
import io.netloop.spi.IoErrors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/**
 * The raw epoll facility, for users who want epoll itself rather than netloop's event loop:
 * create an instance, register descriptors with level- or edge-triggered flags, and wait into a
 * reusable {@link Events} array. Errors are the same exceptions netloop throws everywhere.
 *
 * <pre>{@code
 * try (Epoll ep = Epoll.create(); Epoll.Events ready = Epoll.Events.allocate(64)) {
 *     ep.add(fd, Epoll.IN | Epoll.RDHUP | Epoll.ET, fd);
 *     int n = ep.wait(ready, 1000);
 *     for (int i = 0; i < n; i++) handle(ready.data(i), ready.events(i));
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use an instance from one thread at a time.
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = io.netloop.bindings.linux.Epoll.EPOLLIN;
    public static final int OUT = io.netloop.bindings.linux.Epoll.EPOLLOUT;
    public static final int RDHUP = io.netloop.bindings.linux.Epoll.EPOLLRDHUP;
    public static final int HUP = io.netloop.bindings.linux.Epoll.EPOLLHUP;
    public static final int ERR = io.netloop.bindings.linux.Epoll.EPOLLERR;
    public static final int ET = io.netloop.bindings.linux.Epoll.EPOLLET;
    public static final int ONESHOT = io.netloop.bindings.linux.Epoll.EPOLLONESHOT;

    /** Owns the errno state and the control event of this instance; closed with it. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Errno.allocateState(arena);
    private final MemorySegment event = arena.allocate(io.netloop.bindings.linux.Epoll.EPOLL_EVENT);
    private final int epfd;
    private boolean closed;

    private Epoll() throws IOException {
        int fd = io.netloop.bindings.linux.Epoll.epoll_create1(errno, io.netloop.bindings.linux.Epoll.EPOLL_CLOEXEC);
        if (fd < 0) {
            IOException e = error("epoll_create1");
            arena.close();
            throw e;
        }
        this.epfd = fd;
    }

    /** Whether epoll can be used here. */
    public static boolean isAvailable() {
        return availability().isAvailable();
    }

    /** Why epoll cannot be used here, if it cannot. */
    public static Optional<String> unavailabilityCause() {
        Availability a = availability();
        return a.isAvailable() ? Optional.empty() : Optional.of(a.reason());
    }

    private static Availability availability() {
        return new io.netloop.linux.internal.EpollLevelTriggeredBackend().availability();
    }

    /**
     * Creates an epoll instance ({@code epoll_create1(EPOLL_CLOEXEC)}).
     *
     * @throws IllegalStateException when epoll is not available here (the message says why)
     */
    public static Epoll create() throws IOException {
        Availability a = availability();
        if (!a.isAvailable()) {
            throw new IllegalStateException("epoll is not available: " + a.reason(), a.cause().orElse(null));
        }
        return new Epoll();
    }

    /** The epoll descriptor. */
    public int fd() {
        return epfd;
    }

    /** {@code EPOLL_CTL_ADD}: watch {@code fd} for {@code events} ({@link #IN}, {@link #OUT}, {@link #ET}, ...), reporting {@code data}. */
    public void add(int fd, int events, long data) throws IOException {
        ctl(io.netloop.bindings.linux.Epoll.EPOLL_CTL_ADD, fd, events, data);
    }

    /** {@code EPOLL_CTL_MOD}. */
    public void modify(int fd, int events, long data) throws IOException {
        ctl(io.netloop.bindings.linux.Epoll.EPOLL_CTL_MOD, fd, events, data);
    }

    /** {@code EPOLL_CTL_DEL}. */
    public void delete(int fd) throws IOException {
        ctl(io.netloop.bindings.linux.Epoll.EPOLL_CTL_DEL, fd, 0, 0);
    }

    private void ctl(int op, int fd, int events, long data) throws IOException {
        ensureOpen();
        io.netloop.bindings.linux.Epoll.set(event, events, data);
        if (io.netloop.bindings.linux.Epoll.epoll_ctl(errno, epfd, op, fd, event) < 0) {
            throw error("epoll_ctl");
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: forever; 0: do not wait) and fills {@code ready}.
     *
     * @return how many entries of {@code ready} are filled; 0 on timeout or when a signal interrupted the wait
     */
    public int wait(Events ready, int timeoutMillis) throws IOException {
        ensureOpen();
        Objects.requireNonNull(ready, "ready");
        int n = io.netloop.bindings.linux.Epoll.epoll_wait(errno, epfd, ready.array, ready.capacity, timeoutMillis);
        if (n < 0) {
            if (Errno.errno(errno) == Errno.EINTR) {
                return 0;
            }
            throw error("epoll_wait");
        }
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sockets.close(errno, epfd);
            arena.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Epoll is closed");
        }
    }

    private IOException error(String operation) {
        int e = Errno.errno(errno);
        return IoErrors.exception(operation, e, Errno.name(e), Errno.message(e));
    }

    /** A reusable array of {@code struct epoll_event}, owned by the caller until {@link #close()}. */
    public static final class Events implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment array;
        private final int capacity;

        private Events(int capacity) {
            this.capacity = capacity;
            this.array = arena.allocate(io.netloop.bindings.linux.Epoll.EPOLL_EVENT.byteSize() * capacity, 8);
        }

        public static Events allocate(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
            }
            return new Events(capacity);
        }

        public int capacity() {
            return capacity;
        }

        /** The ready flags of entry {@code i}. */
        public int events(int i) {
            Objects.checkIndex(i, capacity);
            return io.netloop.bindings.linux.Epoll.events(array, i);
        }

        /** The data registered with entry {@code i}'s descriptor. */
        public long data(int i) {
            Objects.checkIndex(i, capacity);
            return io.netloop.bindings.linux.Epoll.data(array, i);
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
