package io.netloop.linux.internal;

import static io.netloop.bindings.linux.IoUring.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Mman;
import io.netloop.bindings.linux.Sockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance: its two mapped rings and the array of submission entries, driven by one
 * thread. Submission entries are filled in place and published by storing the SQ tail with release
 * semantics before {@code io_uring_enter}; completions are read after an acquire load of the CQ
 * tail and given back by storing the CQ head with release semantics, as the kernel's
 * {@code smp_load_acquire}/{@code smp_store_release} on the other side require.
 */
final class IoUringRing {
    /** The int at a byte offset of a mapped ring, with acquire/release access; coordinates (segment, offset). */
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long SQE_SIZE = IO_URING_SQE.byteSize();

    /** Setup flags tried in turn, the best first: older kernels reject the newer flags with EINVAL. */
    private static final int[] SETUP_FLAGS = {
            IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN
                    | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
            IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP,
    };

    final int fd;
    final int setupFlags;
    final int features;
    private final MemorySegment errno;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    /** The submission entries, mapped; filled by the port at the offsets {@link #next} returns. */
    final MemorySegment sqes;
    private final long sqRingSize;
    private final long cqRingSize;
    private final long sqesSize;
    private final long sqHead, sqTail, cqHead, cqTail, cqes;
    private final int sqMask, sqEntries, cqMask;
    /** The timeout of a waiting enter, in {@code io_uring_getevents_arg} and the timespec it points to; owned by the ring's arena. */
    private final MemorySegment waitArg;
    private final MemorySegment timespec;
    /** The SQ tail as this thread has filled it; published to the kernel on submit. */
    private int localSqTail;
    private int unsubmitted;
    /** Entries queued since the last {@link #submitAndWait}, including any submitted early because the queue was full. */
    private int queuedSinceWait;

    /**
     * @param arena the owner's arena, confined to the loop thread; holds the scratch memory
     */
    IoUringRing(Arena arena, int entries, int cqEntries) throws IOException {
        this.errno = Errno.allocateState(arena);
        MemorySegment params = arena.allocate(IO_URING_PARAMS);
        int ringFd = -1;
        int flags = 0;
        int lastError = 0;
        for (int f : SETUP_FLAGS) {
            params.fill((byte) 0);
            params.set(JAVA_INT, IO_URING_PARAMS_FLAGS_OFFSET, f);
            params.set(JAVA_INT, IO_URING_PARAMS_CQ_ENTRIES_OFFSET, cqEntries);
            ringFd = io_uring_setup(errno, entries, params);
            if (ringFd >= 0) {
                flags = f;
                break;
            }
            lastError = Errno.errno(errno);
            if (lastError != Errno.EINVAL) {
                break;
            }
        }
        if (ringFd < 0) {
            throw LinuxErrors.exception("io_uring_setup", lastError);
        }
        this.fd = ringFd;
        this.setupFlags = flags;
        this.features = params.get(JAVA_INT, IO_URING_PARAMS_FEATURES_OFFSET);
        long sq = IO_URING_PARAMS_SQ_OFF_OFFSET;
        long cq = IO_URING_PARAMS_CQ_OFF_OFFSET;
        this.sqEntries = params.get(JAVA_INT, IO_URING_PARAMS_SQ_ENTRIES_OFFSET);
        int cqCount = params.get(JAVA_INT, IO_URING_PARAMS_CQ_ENTRIES_OFFSET);
        long sqArray = Integer.toUnsignedLong(params.get(JAVA_INT, sq + IO_SQRING_OFFSETS_ARRAY_OFFSET));
        this.sqHead = Integer.toUnsignedLong(params.get(JAVA_INT, sq + IO_SQRING_OFFSETS_HEAD_OFFSET));
        this.sqTail = Integer.toUnsignedLong(params.get(JAVA_INT, sq + IO_SQRING_OFFSETS_TAIL_OFFSET));
        this.cqHead = Integer.toUnsignedLong(params.get(JAVA_INT, cq + IO_CQRING_OFFSETS_HEAD_OFFSET));
        this.cqTail = Integer.toUnsignedLong(params.get(JAVA_INT, cq + IO_CQRING_OFFSETS_TAIL_OFFSET));
        this.cqes = Integer.toUnsignedLong(params.get(JAVA_INT, cq + IO_CQRING_OFFSETS_CQES_OFFSET));
        this.sqRingSize = sqArray + (long) sqEntries * 4;
        this.cqRingSize = cqes + (long) cqCount * IO_URING_CQE.byteSize();
        this.sqesSize = (long) sqEntries * IO_URING_SQE.byteSize();
        MemorySegment sqMap = null, cqMap = null, sqeMap = null;
        try {
            if ((features & IORING_FEAT_SINGLE_MMAP) != 0) {
                long size = Math.max(sqRingSize, cqRingSize);
                sqMap = map(size, IORING_OFF_SQ_RING);
                cqMap = sqMap;
            } else {
                sqMap = map(sqRingSize, IORING_OFF_SQ_RING);
                cqMap = map(cqRingSize, IORING_OFF_CQ_RING);
            }
            sqeMap = map(sqesSize, IORING_OFF_SQES);
        } catch (IOException e) {
            unmap(sqMap, cqMap, sqeMap);
            Sockets.close(errno, ringFd);
            throw e;
        }
        this.sqRing = sqMap;
        this.cqRing = cqMap;
        this.sqes = sqeMap;
        this.sqMask = sqRing.get(JAVA_INT, Integer.toUnsignedLong(params.get(JAVA_INT, sq + IO_SQRING_OFFSETS_RING_MASK_OFFSET)));
        this.cqMask = cqRing.get(JAVA_INT, Integer.toUnsignedLong(params.get(JAVA_INT, cq + IO_CQRING_OFFSETS_RING_MASK_OFFSET)));
        // Entry i of the SQ array always names SQE i, so publishing the tail is all a submit needs.
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(JAVA_INT, sqArray + 4L * i, i);
        }
        this.localSqTail = (int) INT.getAcquire(sqRing, sqTail);
        this.waitArg = arena.allocate(IO_URING_GETEVENTS_ARG);
        this.timespec = arena.allocate(KERNEL_TIMESPEC);
        waitArg.set(JAVA_LONG, IO_URING_GETEVENTS_ARG_TS_OFFSET, timespec.address());
    }

    private MemorySegment map(long size, long offset) throws IOException {
        MemorySegment m = Mman.mmap(errno, MemorySegment.NULL, size, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_SHARED | Mman.MAP_POPULATE, fd, offset);
        if (m.address() == Mman.MAP_FAILED) {
            throw LinuxErrors.exception("mmap", Errno.errno(errno));
        }
        return Mman.mapped(m, size);
    }

    private void unmap(MemorySegment sq, MemorySegment cq, MemorySegment sqe) {
        if (sqe != null) {
            Mman.munmap(errno, sqe, sqe.byteSize());
        }
        if (cq != null && cq != sq) {
            Mman.munmap(errno, cq, cq.byteSize());
        }
        if (sq != null) {
            Mman.munmap(errno, sq, sq.byteSize());
        }
    }

    /**
     * Claims the next free submission entry and returns its byte offset in {@link #sqes}, zeroed,
     * with its opcode, descriptor and user data set; when the queue is full, what is queued is
     * submitted first to make room.
     */
    long next(int opcode, int socket, long userData) throws IOException {
        if (localSqTail - (int) INT.getAcquire(sqRing, sqHead) == sqEntries) {
            submit(0, 0);
        }
        long at = (long) (localSqTail & sqMask) * SQE_SIZE;
        for (long i = 0; i < SQE_SIZE; i += 8) {
            sqes.set(JAVA_LONG, at + i, 0L);
        }
        sqes.set(JAVA_BYTE, at + IO_URING_SQE_OPCODE_OFFSET, (byte) opcode);
        sqes.set(JAVA_INT, at + IO_URING_SQE_FD_OFFSET, socket);
        sqes.set(JAVA_LONG, at + IO_URING_SQE_USER_DATA_OFFSET, userData);
        localSqTail++;
        unsubmitted++;
        queuedSinceWait++;
        return at;
    }

    /**
     * Publishes the queued entries and enters the kernel once: submits them, and when
     * {@code waitNanos} is not 0 waits for at least one completion (negative: without a timeout).
     * An interrupted or timed-out wait returns normally.
     *
     * @return how many entries were queued for this enter (submitted, unless it failed)
     */
    int submitAndWait(long waitNanos) throws IOException {
        int queued = queuedSinceWait;
        queuedSinceWait = 0;
        if (waitNanos == 0 || cqReady()) {
            submit(0, IORING_ENTER_GETEVENTS);
            return queued;
        }
        if (waitNanos < 0) {
            submit(1, IORING_ENTER_GETEVENTS);
            return queued;
        }
        timespec.set(JAVA_LONG, KERNEL_TIMESPEC_TV_SEC_OFFSET, waitNanos / 1_000_000_000L);
        timespec.set(JAVA_LONG, KERNEL_TIMESPEC_TV_NSEC_OFFSET, waitNanos % 1_000_000_000L);
        publish();
        int toSubmit = unsubmitted;
        int n = io_uring_enter(errno, fd, toSubmit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                waitArg, IO_URING_GETEVENTS_ARG.byteSize());
        afterEnter(n, toSubmit);
        return queued;
    }

    private void submit(int minComplete, int flags) throws IOException {
        publish();
        int toSubmit = unsubmitted;
        if (toSubmit == 0 && flags == 0) {
            return;
        }
        int n = io_uring_enter(errno, fd, toSubmit, minComplete, flags, MemorySegment.NULL, 0);
        afterEnter(n, toSubmit);
    }

    private void publish() {
        INT.setRelease(sqRing, sqTail, localSqTail);
    }

    private void afterEnter(int n, int toSubmit) throws IOException {
        if (n >= 0) {
            unsubmitted = toSubmit - Math.min(n, toSubmit);
            return;
        }
        int e = Errno.errno(errno);
        // Interrupted, timed out, or completions backed up (the kernel keeps them: FEAT_NODROP); all
        // submitted entries that were consumed are read back from the SQ head.
        if (e == Errno.EINTR || e == Errno.ETIME || e == Errno.EBUSY || e == Errno.EAGAIN) {
            unsubmitted = localSqTail - (int) INT.getAcquire(sqRing, sqHead);
            return;
        }
        throw LinuxErrors.exception("io_uring_enter", e);
    }

    private boolean cqReady() {
        return (int) INT.getAcquire(cqRing, cqTail) != (int) INT.get(cqRing, cqHead);
    }

    /** Reads every available completion into {@code sink}, giving each slot back before the next is read; returns how many. */
    int reap(Reaper sink) {
        int reaped = 0;
        int head = (int) INT.get(cqRing, cqHead);
        int tail = (int) INT.getAcquire(cqRing, cqTail);
        while (head != tail) {
            long at = cqes + (long) (head & cqMask) * IO_URING_CQE.byteSize();
            long userData = cqRing.get(JAVA_LONG, at + IO_URING_CQE_USER_DATA_OFFSET);
            int res = cqRing.get(JAVA_INT, at + IO_URING_CQE_RES_OFFSET);
            int flags = cqRing.get(JAVA_INT, at + IO_URING_CQE_FLAGS_OFFSET);
            head++;
            INT.setRelease(cqRing, cqHead, head);
            sink.completed(userData, res, flags);
            reaped++;
            if (head == tail) {
                tail = (int) INT.getAcquire(cqRing, cqTail);
            }
        }
        return reaped;
    }

    void close() {
        unmap(sqRing, cqRing, sqes);
        Sockets.close(errno, fd);
    }

    interface Reaper {
        void completed(long userData, int res, int flags);
    }
}
