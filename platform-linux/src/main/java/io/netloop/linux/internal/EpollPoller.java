package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.SocketOptions;
import io.netloop.bindings.linux.Epoll;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.EventFd;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A {@link ReadinessPoller} on one epoll instance, level- or edge-triggered, woken through an
 * eventfd. Handlers are found from {@code epoll_data} = generation &lt;&lt; 32 | fd, so an event
 * still queued for a descriptor that was closed and reused in the same batch is recognised as stale.
 */
final class EpollPoller implements ReadinessPoller {
    private static final int MAX_EVENTS = 512;
    private static final long WAKEUP_TOKEN = -1L;

    private final boolean edgeTriggered;
    /** Loop-thread scratch memory for every call this poller and its sockets make; closed with the poller. */
    private final Arena arena = Arena.ofConfined();
    final SocketCalls sockets;
    final MemorySegment errno;
    final MemorySegment iovecs;
    private final MemorySegment events;
    private final MemorySegment ctlEvent;
    private final MemorySegment sockaddr;
    private final MemorySegment eventfdValue;

    private final int epfd;
    private final EventFdWaker waker;
    private ReadyHandler[] handlers = new ReadyHandler[256];
    private int[] generations = new int[256];
    private int nextGeneration;

    EpollPoller(boolean edgeTriggered) throws IOException {
        this.edgeTriggered = edgeTriggered;
        this.sockets = new SocketCalls(arena);
        this.errno = sockets.errno;
        this.iovecs = arena.allocate(Sockets.IOVEC.byteSize() * StreamSocket.MAX_GATHER, Sockets.IOVEC.byteAlignment());
        this.events = arena.allocate(Epoll.EPOLL_EVENT.byteSize() * MAX_EVENTS, 8);
        this.ctlEvent = arena.allocate(Epoll.EPOLL_EVENT.byteSize(), 8);
        this.sockaddr = arena.allocate(Sockets.SOCKADDR_STORAGE);
        this.eventfdValue = arena.allocate(JAVA_LONG);

        int ep = Epoll.epoll_create1(errno, Epoll.EPOLL_CLOEXEC);
        if (ep < 0) {
            IOException e = LinuxErrors.exception("epoll_create1", Errno.errno(errno));
            arena.close();
            throw e;
        }
        EventFdWaker w;
        try {
            w = new EventFdWaker(EventFd.EFD_NONBLOCK);
        } catch (IOException e) {
            Sockets.close(errno, ep);
            arena.close();
            throw e;
        }
        this.epfd = ep;
        this.waker = w;
        // The wakeup descriptor stays level-triggered in both modes: it is drained on every wakeup.
        Epoll.set(ctlEvent, Epoll.EPOLLIN, WAKEUP_TOKEN);
        if (Epoll.epoll_ctl(errno, epfd, Epoll.EPOLL_CTL_ADD, w.fd, ctlEvent) < 0) {
            IOException e = LinuxErrors.exception("epoll_ctl", Errno.errno(errno));
            w.close();
            Sockets.close(errno, ep);
            arena.close();
            throw e;
        }
    }

    @Override
    public boolean edgeTriggered() {
        return edgeTriggered;
    }

    @Override
    public boolean supportsReusePort() {
        return true;
    }

    @Override
    public void register(PollableSocket socket, ReadyHandler handler, int interest) throws IOException {
        EpollSocket s = (EpollSocket) socket;
        int fd = s.fd;
        if (fd >= handlers.length) {
            int size = Math.max(fd + 1, handlers.length * 2);
            handlers = Arrays.copyOf(handlers, size);
            generations = Arrays.copyOf(generations, size);
        }
        int generation = ++nextGeneration;
        if (generation == 0) {
            generation = ++nextGeneration;
        }
        s.token = ((long) generation << 32) | fd;
        ctl(Epoll.EPOLL_CTL_ADD, s, interest);
        handlers[fd] = handler;
        generations[fd] = generation;
    }

    @Override
    public void setInterest(PollableSocket socket, int interest) throws IOException {
        ctl(Epoll.EPOLL_CTL_MOD, (EpollSocket) socket, interest);
    }

    @Override
    public void deregister(PollableSocket socket) {
        EpollSocket s = (EpollSocket) socket;
        if (s.fd < handlers.length && generations[s.fd] == (int) (s.token >>> 32)) {
            handlers[s.fd] = null;
            generations[s.fd] = 0;
            Epoll.epoll_ctl(errno, epfd, Epoll.EPOLL_CTL_DEL, s.fd, ctlEvent);
        }
    }

    private void ctl(int op, EpollSocket s, int interest) throws IOException {
        int flags = 0;
        if ((interest & READ) != 0) {
            flags |= Epoll.EPOLLIN | Epoll.EPOLLRDHUP;
        }
        if ((interest & WRITE) != 0) {
            flags |= Epoll.EPOLLOUT;
        }
        if (edgeTriggered) {
            flags |= Epoll.EPOLLET;
        }
        Epoll.set(ctlEvent, flags, s.token);
        if (Epoll.epoll_ctl(errno, epfd, op, s.fd, ctlEvent) < 0) {
            throw LinuxErrors.exception("epoll_ctl", Errno.errno(errno));
        }
    }

    @Override
    public void poll(long timeoutNanos) throws IOException {
        // Round up, so that a timer never finds the loop awake a little early and spinning.
        int timeoutMs = timeoutNanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000);
        int n = Epoll.epoll_wait(errno, epfd, events, MAX_EVENTS, timeoutMs);
        if (n < 0) {
            int e = Errno.errno(errno);
            if (e == Errno.EINTR) {
                return;
            }
            throw LinuxErrors.exception("epoll_wait", e);
        }
        for (int i = 0; i < n; i++) {
            long data = Epoll.data(events, i);
            if (data == WAKEUP_TOKEN) {
                Sockets.read(errno, waker.fd, eventfdValue, 8);
                continue;
            }
            int fd = (int) data;
            if (fd >= handlers.length || generations[fd] != (int) (data >>> 32)) {
                continue; // closed, and perhaps reused, since the kernel queued this event
            }
            handlers[fd].onReady(readyOps(Epoll.events(events, i)));
        }
    }

    private static int readyOps(int ev) {
        int ops = 0;
        if ((ev & Epoll.EPOLLIN) != 0) {
            ops |= READ;
        }
        if ((ev & Epoll.EPOLLOUT) != 0) {
            ops |= WRITE;
        }
        if ((ev & Epoll.EPOLLRDHUP) != 0) {
            ops |= READ_HANGUP;
        }
        if ((ev & Epoll.EPOLLHUP) != 0) {
            ops |= HANGUP;
        }
        if ((ev & Epoll.EPOLLERR) != 0) {
            ops |= ERROR;
        }
        return ops;
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    @Override
    public void close() {
        waker.close();
        Sockets.close(errno, epfd);
        arena.close();
    }

    // ---- sockets ----

    @Override
    public ListenSocket listen(InetSocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        int fd = sockets.listen(local, options, reusePort, Sockets.SOCK_NONBLOCK);
        return new EpollListenSocket(this, fd, sockets.socketName(fd, false));
    }

    @Override
    public StreamSocket connect(InetSocketAddress remote, SocketOptions options) throws IOException {
        int fd = sockets.newSocket(remote, Sockets.SOCK_NONBLOCK);
        try {
            sockets.applyConnectionOptions(fd, options);
            int len = SockAddrs.CODEC.encode(remote, sockaddr);
            if (Sockets.connect(errno, fd, sockaddr, len) < 0) {
                int e = Errno.errno(errno);
                // EINTR on a non-blocking connect: the handshake goes on, as with EINPROGRESS.
                if (e != Errno.EINPROGRESS && e != Errno.EINTR) {
                    throw LinuxErrors.exception("connect", e);
                }
            }
            return new EpollStreamSocket(this, fd);
        } catch (IOException | RuntimeException e) {
            sockets.close(fd);
            throw e;
        }
    }

    /** The descriptor stays; the socket is rebuilt around this loop's scratch memory. */
    @Override
    public StreamSocket adopt(StreamSocket accepted) {
        return new EpollStreamSocket(this, ((EpollStreamSocket) accepted).fd);
    }
}
