package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.linux.Epoll;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.EventFd;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A {@link ReadinessPoller} on one epoll instance, level- or edge-triggered, woken through an
 * eventfd. Handlers are found from {@code epoll_data} = generation &lt;&lt; 32 | fd (see
 * {@link LinuxPoller}), so an event still queued for a descriptor that was closed and reused in
 * the same batch is recognised as stale.
 */
final class EpollPoller extends LinuxPoller {
    private static final int MAX_EVENTS = 512;
    private static final long WAKEUP_TOKEN = -1L;

    private final boolean edgeTriggered;
    private final MemorySegment events;
    private final MemorySegment ctlEvent;
    private final MemorySegment eventfdValue;

    private final int epfd;
    private final EventFdWaker waker;

    EpollPoller(boolean edgeTriggered) throws IOException {
        this.edgeTriggered = edgeTriggered;
        this.events = arena.allocate(Epoll.EPOLL_EVENT.byteSize() * MAX_EVENTS, 8);
        this.ctlEvent = arena.allocate(Epoll.EPOLL_EVENT.byteSize(), 8);
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
        LinuxSocket s = (LinuxSocket) socket;
        track(s, handler);
        try {
            ctl(Epoll.EPOLL_CTL_ADD, s, interest);
        } catch (IOException e) {
            untrack(s);
            throw e;
        }
    }

    @Override
    public void setInterest(PollableSocket socket, int interest) throws IOException {
        ctl(Epoll.EPOLL_CTL_MOD, (LinuxSocket) socket, interest);
    }

    @Override
    public void deregister(PollableSocket socket) {
        LinuxSocket s = (LinuxSocket) socket;
        if (untrack(s)) {
            Epoll.epoll_ctl(errno, epfd, Epoll.EPOLL_CTL_DEL, s.fd, ctlEvent);
        }
    }

    private void ctl(int op, LinuxSocket s, int interest) throws IOException {
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
    public void poll(long timeoutNanos, WaitRecorder waits) throws IOException {
        // Without errno, as capturing it may allocate per call (see Epoll.epoll_wait(int, ...)).
        waits.beforeWait(timeoutNanos);
        int n = Epoll.epoll_wait(epfd, events, MAX_EVENTS, timeoutMillis(timeoutNanos));
        waits.afterWait(Math.max(n, 0));
        if (n < 0) {
            // A signal, or a failure: asking again without waiting says which (a failure persists)
            // and returns what is ready now.
            n = Epoll.epoll_wait(errno, epfd, events, MAX_EVENTS, 0);
            if (n < 0) {
                int e = Errno.errno(errno);
                if (e == Errno.EINTR) {
                    return;
                }
                throw LinuxErrors.exception("epoll_wait", e);
            }
        }
        for (int i = 0; i < n; i++) {
            long data = Epoll.data(events, i);
            if (data == WAKEUP_TOKEN) {
                Sockets.read(errno, waker.fd, eventfdValue, 8);
                continue;
            }
            ReadyHandler h = handler((int) data, (int) (data >>> 32));
            if (h != null) { // else closed, and perhaps reused, since the kernel queued this event
                h.onReady(readyOps(Epoll.events(events, i)));
            }
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
        closeMemory();
    }
}
