package io.netloop.linux.internal;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Poll;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A {@link ReadinessPoller} on {@code poll(2)}, level-triggered: one dense {@code pollfd} array
 * (the wakeup eventfd first, then a slot per registered socket; a deregistered slot is filled by
 * the last), handed whole to the kernel on every wait. Ready descriptors are copied out with
 * their generations before any handler runs, because handlers register and deregister sockets
 * and so move slots.
 */
final class PollPoller extends WakeablePoller {
    private static final long SLOT = Poll.POLLFD.byteSize();

    /** The pollfd array; grown by allocating a larger one from the loop's arena (old ones stay until close). */
    private MemorySegment fds;
    private int capacity;
    private int count;
    /** Descriptor to slot + 1; 0 when not registered. */
    private int[] slotOf = new int[256];
    /** The ready descriptors of the current wait, copied out before dispatch. */
    private int[] readyFd = new int[64];
    private int[] readyGeneration = new int[64];
    private int[] readyOps = new int[64];

    PollPoller() throws IOException {
        this.capacity = 256;
        this.fds = arena.allocate(SLOT * capacity, 8);
        Poll.set(fds, 0, waker.fd, Poll.POLLIN);
        this.count = 1;
    }

    @Override
    public boolean edgeTriggered() {
        return false;
    }

    @Override
    public boolean supportsReusePort() {
        return true;
    }

    @Override
    public void register(PollableSocket socket, ReadyHandler handler, int interest) {
        LinuxSocket s = (LinuxSocket) socket;
        track(s, handler);
        if (count == capacity) {
            MemorySegment bigger = arena.allocate(SLOT * capacity * 2, 8);
            bigger.copyFrom(fds.asSlice(0, SLOT * count));
            fds = bigger;
            capacity *= 2;
        }
        if (s.fd >= slotOf.length) {
            slotOf = Arrays.copyOf(slotOf, Math.max(s.fd + 1, slotOf.length * 2));
        }
        Poll.set(fds, count, s.fd, events(interest));
        slotOf[s.fd] = ++count;
    }

    @Override
    public void setInterest(PollableSocket socket, int interest) {
        LinuxSocket s = (LinuxSocket) socket;
        Poll.events(fds, slotOf[s.fd] - 1, events(interest));
    }

    @Override
    public void deregister(PollableSocket socket) {
        LinuxSocket s = (LinuxSocket) socket;
        if (!untrack(s)) {
            return;
        }
        int slot = slotOf[s.fd] - 1;
        int last = count - 1;
        if (slot != last) {
            MemorySegment.copy(fds, SLOT * last, fds, SLOT * slot, SLOT);
            slotOf[Poll.fd(fds, slot)] = slot + 1;
        }
        slotOf[s.fd] = 0;
        count--;
    }

    private static int events(int interest) {
        int events = 0;
        if ((interest & READ) != 0) {
            events |= Poll.POLLIN | Poll.POLLRDHUP;
        }
        if ((interest & WRITE) != 0) {
            events |= Poll.POLLOUT;
        }
        return events;
    }

    @Override
    public void poll(long timeoutNanos, WaitRecorder waits) throws IOException {
        waits.beforeWait(timeoutNanos);
        int n = Poll.poll(errno, fds, count, timeoutMillis(timeoutNanos));
        waits.afterWait(Math.max(n, 0));
        if (n < 0) {
            int e = Errno.errno(errno);
            if (e == Errno.EINTR) {
                return;
            }
            throw LinuxErrors.exception("poll", e);
        }
        int ready = 0;
        for (int slot = 0; slot < count && n > 0; slot++) {
            int revents = Poll.revents(fds, slot);
            if (revents == 0) {
                continue;
            }
            n--;
            int fd = Poll.fd(fds, slot);
            if (slot == 0) {
                drainWakeup();
                continue;
            }
            if (ready == readyFd.length) {
                readyFd = Arrays.copyOf(readyFd, ready * 2);
                readyGeneration = Arrays.copyOf(readyGeneration, ready * 2);
                readyOps = Arrays.copyOf(readyOps, ready * 2);
            }
            readyFd[ready] = fd;
            readyGeneration[ready] = generation(fd);
            readyOps[ready] = readyOps(revents);
            ready++;
        }
        for (int i = 0; i < ready; i++) {
            ReadyHandler h = handler(readyFd[i], readyGeneration[i]);
            if (h != null) { // else deregistered (and perhaps reused) by an earlier handler of this batch
                h.onReady(readyOps[i]);
            }
        }
    }

    private static int readyOps(int revents) {
        int ops = 0;
        if ((revents & Poll.POLLIN) != 0) {
            ops |= READ;
        }
        if ((revents & Poll.POLLOUT) != 0) {
            ops |= WRITE;
        }
        if ((revents & Poll.POLLRDHUP) != 0) {
            ops |= READ_HANGUP;
        }
        if ((revents & Poll.POLLHUP) != 0) {
            ops |= HANGUP;
        }
        if ((revents & (Poll.POLLERR | Poll.POLLNVAL)) != 0) {
            ops |= ERROR;
        }
        return ops;
    }
}
