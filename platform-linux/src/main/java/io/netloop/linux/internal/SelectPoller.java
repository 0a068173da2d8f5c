package io.netloop.linux.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Select;
import io.netloop.internal.readiness.PollableSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A {@link ReadinessPoller} on {@code select(2)}, level-triggered. Interest is kept in two Java
 * bitmaps and copied into the kernel's {@code fd_set}s before every wait, because select
 * overwrites them with the result.
 *
 * <p>An {@code fd_set} holds {@link Select#FD_SETSIZE} (1024) descriptors and no more: a socket
 * whose descriptor is at or above it is refused at registration with an error naming the limit
 * (its connection fails; nothing is written past the set). select reports only readable and
 * writable: end of input, resets and failed connects show as readable or writable, and the
 * readiness core learns which from the read, write or {@code SO_ERROR} that follows.
 */
final class SelectPoller extends WakeablePoller {
    private static final int WORDS = Select.FD_SETSIZE / 64;

    private final MemorySegment readSet;
    private final MemorySegment writeSet;
    private final MemorySegment timeval;
    private final long[] readInterest = new long[WORDS];
    private final long[] writeInterest = new long[WORDS];
    /** Highest registered descriptor, the wakeup eventfd included. */
    private int maxFd;
    private final int[] readyFd = new int[Select.FD_SETSIZE];
    private final int[] readyGeneration = new int[Select.FD_SETSIZE];
    private final int[] readyOps = new int[Select.FD_SETSIZE];

    SelectPoller() throws IOException {
        this.readSet = arena.allocate(Select.FD_SET_LAYOUT);
        this.writeSet = arena.allocate(Select.FD_SET_LAYOUT);
        this.timeval = arena.allocate(Select.TIMEVAL);
        if (waker.fd >= Select.FD_SETSIZE) {
            close();
            throw tooHigh(waker.fd);
        }
        this.maxFd = waker.fd;
    }

    private static IOException tooHigh(int fd) {
        return new IOException("the select backend cannot watch descriptor " + fd + ": select(2) takes descriptors below "
                + "FD_SETSIZE (" + Select.FD_SETSIZE + ") only; use the poll, epoll-lt or epoll-et backend for more connections");
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
    public void register(PollableSocket socket, ReadyHandler handler, int interest) throws IOException {
        LinuxSocket s = (LinuxSocket) socket;
        if (s.fd >= Select.FD_SETSIZE) {
            throw tooHigh(s.fd);
        }
        track(s, handler);
        setBits(s.fd, interest);
        maxFd = Math.max(maxFd, s.fd);
    }

    @Override
    public void setInterest(PollableSocket socket, int interest) {
        setBits(((LinuxSocket) socket).fd, interest);
    }

    @Override
    public void deregister(PollableSocket socket) {
        LinuxSocket s = (LinuxSocket) socket;
        if (untrack(s)) {
            setBits(s.fd, 0);
            while (maxFd > waker.fd && generation(maxFd) == 0) {
                maxFd--;
            }
        }
    }

    private void setBits(int fd, int interest) {
        int word = fd >>> 6;
        long bit = 1L << (fd & 63);
        readInterest[word] = (interest & READ) != 0 ? readInterest[word] | bit : readInterest[word] & ~bit;
        writeInterest[word] = (interest & WRITE) != 0 ? writeInterest[word] | bit : writeInterest[word] & ~bit;
    }

    @Override
    public void poll(long timeoutNanos, WaitRecorder waits) throws IOException {
        int words = (maxFd >>> 6) + 1;
        for (int w = 0; w < words; w++) {
            readSet.setAtIndex(JAVA_LONG, w, readInterest[w]);
            writeSet.setAtIndex(JAVA_LONG, w, writeInterest[w]);
        }
        Select.FD_SET(waker.fd, readSet);
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            // Rounded up to the microsecond, so a timer never finds the loop awake a little early.
            long micros = (timeoutNanos + 999) / 1000;
            Select.setTimeval(timeval, micros / 1_000_000, micros % 1_000_000);
            timeout = timeval;
        }
        waits.beforeWait(timeoutNanos);
        int n = Select.select(errno, maxFd + 1, readSet, writeSet, MemorySegment.NULL, timeout);
        waits.afterWait(Math.max(n, 0));
        if (n < 0) {
            int e = Errno.errno(errno);
            if (e == Errno.EINTR) {
                return;
            }
            throw LinuxErrors.exception("select", e);
        }
        if (n == 0) {
            return;
        }
        int ready = 0;
        for (int w = 0; w < words; w++) {
            long r = readSet.getAtIndex(JAVA_LONG, w);
            long wr = writeSet.getAtIndex(JAVA_LONG, w);
            long any = r | wr;
            while (any != 0) {
                int bit = Long.numberOfTrailingZeros(any);
                any &= any - 1;
                int fd = (w << 6) | bit;
                if (fd == waker.fd) {
                    drainWakeup();
                    continue;
                }
                readyFd[ready] = fd;
                readyGeneration[ready] = generation(fd);
                readyOps[ready] = (int) ((r >>> bit) & 1) * READ | (int) ((wr >>> bit) & 1) * WRITE;
                ready++;
            }
        }
        for (int i = 0; i < ready; i++) {
            ReadyHandler h = handler(readyFd[i], readyGeneration[i]);
            if (h != null) { // else deregistered (and perhaps reused) by an earlier handler of this batch
                h.onReady(readyOps[i]);
            }
        }
    }
}
