package io.netloop.bindings.linux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real io_uring system calls against the running kernel: set up a ring, map it with the offsets
 * the kernel reports, push an SQE through it and reap its CQE, probe the opcodes. Skipped (with
 * the reason) where the kernel has no io_uring or forbids it ({@code io_uring_disabled}, seccomp).
 */
class IoUringBindingsTest {

    private static final int ENTRIES = 8;
    private static final long USER_DATA = 0x1234_5678_9abcL;

    // JDK 22+: a value layout's var handle takes (MemorySegment, long offset) coordinates. The
    // ring heads and tails are shared with the kernel, so they are read with acquire and written
    // with release semantics, as liburing does with smp_load_acquire/smp_store_release.
    private static final VarHandle INT = JAVA_INT.varHandle();

    private Arena arena;
    private MemorySegment errnoState;
    private int ringFd = -1;
    private MemorySegment params;
    // Both mappings are owned by the test and unmapped in tearDown, after the ring fd is closed.
    private MemorySegment rings = MemorySegment.NULL;
    private long ringsSize;
    private MemorySegment sqes = MemorySegment.NULL;
    private long sqesSize;

    @BeforeAll
    static void onLinux() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux bindings");
    }

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        errnoState = Errno.allocateState(arena);
        params = arena.allocate(IoUring.IO_URING_PARAMS);
        ringFd = IoUring.io_uring_setup(errnoState, ENTRIES, params);
        if (ringFd < 0) {
            int errno = Errno.errno(errnoState);
            // ENOSYS: a kernel without io_uring; EPERM: /proc/sys/kernel/io_uring_disabled or a seccomp filter.
            assumeTrue(errno != Errno.ENOSYS && errno != Errno.EPERM,
                    "io_uring unavailable: " + Errno.name(errno) + " " + Errno.message(errno));
            fail("io_uring_setup failed: " + Errno.name(errno) + " (" + errno + ") " + Errno.message(errno));
        }
    }

    @AfterEach
    void tearDown() {
        if (ringFd >= 0) {
            assertEquals(0, Sockets.close(errnoState, ringFd), "close");
        }
        if (sqes.address() != 0) {
            assertEquals(0, Mman.munmap(errnoState, sqes, sqesSize), "munmap sqes");
        }
        if (rings.address() != 0) {
            assertEquals(0, Mman.munmap(errnoState, rings, ringsSize), "munmap rings");
        }
        arena.close();
    }

    @Test
    void setupReportsEntriesAndFeatures() {
        assertEquals(ENTRIES, params.get(JAVA_INT, IoUring.IO_URING_PARAMS_SQ_ENTRIES_OFFSET));
        // Without IORING_SETUP_CQSIZE the CQ ring is twice the SQ ring.
        assertEquals(2 * ENTRIES, params.get(JAVA_INT, IoUring.IO_URING_PARAMS_CQ_ENTRIES_OFFSET));
        int features = params.get(JAVA_INT, IoUring.IO_URING_PARAMS_FEATURES_OFFSET);
        // Both since 5.4, so any kernel that gets this far has them; they also prove the offset of features.
        assertEquals(IoUring.IORING_FEAT_SINGLE_MMAP, features & IoUring.IORING_FEAT_SINGLE_MMAP, "SINGLE_MMAP");
        assertEquals(IoUring.IORING_FEAT_NODROP, features & IoUring.IORING_FEAT_NODROP, "NODROP");
        assertNotEquals(0, params.get(JAVA_INT, IoUring.IO_URING_PARAMS_SQ_OFF_OFFSET + IoUring.IO_SQRING_OFFSETS_ARRAY_OFFSET),
                "the kernel filled sq_off");
        assertNotEquals(0, params.get(JAVA_INT, IoUring.IO_URING_PARAMS_CQ_OFF_OFFSET + IoUring.IO_CQRING_OFFSETS_CQES_OFFSET),
                "the kernel filled cq_off");
    }

    @Test
    void nopRoundTripsThroughTheRings() {
        assertEquals(List.of(MemorySegment.class, long.class), INT.coordinateTypes(), "JDK 22+ var handle coordinates");
        mapRings();
        long sqTail = sqRingOffset(IoUring.IO_SQRING_OFFSETS_TAIL_OFFSET);
        long sqArray = sqRingOffset(IoUring.IO_SQRING_OFFSETS_ARRAY_OFFSET);
        long cqHead = cqRingOffset(IoUring.IO_CQRING_OFFSETS_HEAD_OFFSET);
        long cqTail = cqRingOffset(IoUring.IO_CQRING_OFFSETS_TAIL_OFFSET);
        long cqes = cqRingOffset(IoUring.IO_CQRING_OFFSETS_CQES_OFFSET);
        int sqMask = rings.get(JAVA_INT, sqRingOffset(IoUring.IO_SQRING_OFFSETS_RING_MASK_OFFSET));
        int cqMask = rings.get(JAVA_INT, cqRingOffset(IoUring.IO_CQRING_OFFSETS_RING_MASK_OFFSET));
        assertEquals(ENTRIES, rings.get(JAVA_INT, sqRingOffset(IoUring.IO_SQRING_OFFSETS_RING_ENTRIES_OFFSET)));
        assertEquals(ENTRIES - 1, sqMask);

        // Only this thread writes the SQ tail, so a plain read of it is enough.
        int tail = rings.get(JAVA_INT, sqTail);
        int index = tail & sqMask;
        MemorySegment sqe = sqes.asSlice(index * IoUring.IO_URING_SQE.byteSize(), IoUring.IO_URING_SQE);
        sqe.fill((byte) 0);
        sqe.set(JAVA_BYTE, IoUring.IO_URING_SQE_OPCODE_OFFSET, (byte) IoUring.IORING_OP_NOP);
        sqe.set(JAVA_INT, IoUring.IO_URING_SQE_FD_OFFSET, -1);
        sqe.set(JAVA_LONG, IoUring.IO_URING_SQE_USER_DATA_OFFSET, USER_DATA);
        rings.set(JAVA_INT, sqArray + 4L * index, index);
        INT.setRelease(rings, sqTail, tail + 1);

        int submitted = IoUring.io_uring_enter(errnoState, ringFd, 1, 1, IoUring.IORING_ENTER_GETEVENTS, MemorySegment.NULL, 0);
        check(submitted, "io_uring_enter");
        assertEquals(1, submitted);

        int head = (int) INT.getAcquire(rings, cqHead);
        int ready = (int) INT.getAcquire(rings, cqTail) - head;
        assertEquals(1, ready, "completions ready");
        MemorySegment cqe = rings.asSlice(cqes + (head & cqMask) * IoUring.IO_URING_CQE.byteSize(), IoUring.IO_URING_CQE);
        assertEquals(USER_DATA, cqe.get(JAVA_LONG, IoUring.IO_URING_CQE_USER_DATA_OFFSET));
        assertEquals(0, cqe.get(JAVA_INT, IoUring.IO_URING_CQE_RES_OFFSET));
        INT.setRelease(rings, cqHead, head + 1);
        assertEquals(0, (int) INT.getAcquire(rings, cqTail) - (int) INT.getAcquire(rings, cqHead));
    }

    @Test
    void extArgTimeoutExpiresWithEtime() {
        int features = params.get(JAVA_INT, IoUring.IO_URING_PARAMS_FEATURES_OFFSET);
        assumeTrue((features & IoUring.IORING_FEAT_EXT_ARG) != 0, "IORING_FEAT_EXT_ARG needs Linux 5.11+");
        MemorySegment ts = arena.allocate(IoUring.KERNEL_TIMESPEC);
        ts.set(JAVA_LONG, IoUring.KERNEL_TIMESPEC_TV_SEC_OFFSET, 0L);
        ts.set(JAVA_LONG, IoUring.KERNEL_TIMESPEC_TV_NSEC_OFFSET, 1_000_000L);
        MemorySegment arg = arena.allocate(IoUring.IO_URING_GETEVENTS_ARG);
        arg.set(JAVA_LONG, IoUring.IO_URING_GETEVENTS_ARG_TS_OFFSET, ts.address());

        // Nothing is in flight, so waiting for one completion can only end in the timeout.
        assertEquals(-1, IoUring.io_uring_enter(errnoState, ringFd, 0, 1,
                IoUring.IORING_ENTER_GETEVENTS | IoUring.IORING_ENTER_EXT_ARG, arg, IoUring.IO_URING_GETEVENTS_ARG.byteSize()));
        assertEquals(Errno.ETIME, Errno.errno(errnoState), () -> Errno.name(Errno.errno(errnoState)));
    }

    @Test
    void registerProbeReportsRecvSupported() {
        int capacity = 256;
        MemorySegment probe = arena.allocate(IoUring.IO_URING_PROBE.byteSize() + capacity * IoUring.IO_URING_PROBE_OP.byteSize(),
                IoUring.IO_URING_PROBE.byteAlignment());
        check(IoUring.io_uring_register(errnoState, ringFd, IoUring.IORING_REGISTER_PROBE, probe, capacity), "io_uring_register");

        int lastOp = Byte.toUnsignedInt(probe.get(JAVA_BYTE, IoUring.IO_URING_PROBE_LAST_OP_OFFSET));
        int opsLen = Byte.toUnsignedInt(probe.get(JAVA_BYTE, IoUring.IO_URING_PROBE_OPS_LEN_OFFSET));
        assertTrue(lastOp >= IoUring.IORING_OP_RECV, "last_op " + lastOp);
        assertTrue(opsLen > IoUring.IORING_OP_RECV, "ops_len " + opsLen);
        long recv = IoUring.IO_URING_PROBE_OPS_OFFSET + IoUring.IORING_OP_RECV * IoUring.IO_URING_PROBE_OP.byteSize();
        assertEquals(IoUring.IORING_OP_RECV, Byte.toUnsignedInt(probe.get(JAVA_BYTE, recv + IoUring.IO_URING_PROBE_OP_OP_OFFSET)));
        short flags = probe.get(JAVA_SHORT, recv + IoUring.IO_URING_PROBE_OP_FLAGS_OFFSET);
        assertEquals(IoUring.IO_URING_OP_SUPPORTED, flags & IoUring.IO_URING_OP_SUPPORTED, "IORING_OP_RECV supported");
    }

    @Test
    void providedBufferRingRegistersOnceAndUnregisters() {
        // The ring memory must be page-aligned; 8 entries of 16 bytes fit in one page.
        MemorySegment ring = arena.allocate(4096, 4096);
        MemorySegment reg = arena.allocate(IoUring.IO_URING_BUF_REG);
        reg.set(JAVA_LONG, IoUring.IO_URING_BUF_REG_RING_ADDR_OFFSET, ring.address());
        reg.set(JAVA_INT, IoUring.IO_URING_BUF_REG_RING_ENTRIES_OFFSET, 8);
        reg.set(JAVA_SHORT, IoUring.IO_URING_BUF_REG_BGID_OFFSET, (short) 7);
        int r = IoUring.io_uring_register(errnoState, ringFd, IoUring.IORING_REGISTER_PBUF_RING, reg, 1);
        if (r < 0) {
            int errno = Errno.errno(errnoState);
            assumeTrue(errno != Errno.EINVAL, "IORING_REGISTER_PBUF_RING needs Linux 5.19");
            fail("IORING_REGISTER_PBUF_RING failed: " + Errno.name(errno));
        }
        // The same group id again: the kernel read bgid from where the layout puts it.
        assertEquals(-1, IoUring.io_uring_register(errnoState, ringFd, IoUring.IORING_REGISTER_PBUF_RING, reg, 1));
        assertEquals(Errno.EEXIST, Errno.errno(errnoState), () -> Errno.name(Errno.errno(errnoState)));
        check(IoUring.io_uring_register(errnoState, ringFd, IoUring.IORING_UNREGISTER_PBUF_RING, reg, 1), "unregister");
        // Not page-aligned: refused, so ring_addr is read from where the layout puts it too.
        reg.set(JAVA_LONG, IoUring.IO_URING_BUF_REG_RING_ADDR_OFFSET, ring.address() + 16);
        assertEquals(-1, IoUring.io_uring_register(errnoState, ringFd, IoUring.IORING_REGISTER_PBUF_RING, reg, 1));
        assertEquals(Errno.EINVAL, Errno.errno(errnoState), () -> Errno.name(Errno.errno(errnoState)));
    }

    @Test
    void anFdThatIsNotARingIsRejected() {
        assertEquals(-1, IoUring.io_uring_enter(errnoState, -1, 0, 0, 0, MemorySegment.NULL, 0));
        assertEquals(Errno.EBADF, Errno.errno(errnoState), () -> Errno.name(Errno.errno(errnoState)));

        // Not fd -1 here: since Linux 6.13, io_uring_register(-1, ...) is a "blind" registration (EINVAL for most opcodes).
        int efd = EventFd.eventfd(errnoState, 0, EventFd.EFD_CLOEXEC);
        check(efd, "eventfd");
        try {
            assertEquals(-1, IoUring.io_uring_enter(errnoState, efd, 0, 0, 0, MemorySegment.NULL, 0));
            assertEquals(Errno.EOPNOTSUPP, Errno.errno(errnoState), () -> Errno.name(Errno.errno(errnoState)));
            assertEquals(-1, IoUring.io_uring_register(errnoState, efd, IoUring.IORING_REGISTER_PROBE, MemorySegment.NULL, 0));
            assertEquals(Errno.EOPNOTSUPP, Errno.errno(errnoState), () -> Errno.name(Errno.errno(errnoState)));
        } finally {
            Sockets.close(errnoState, efd);
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /** Maps the SQ and CQ rings together (IORING_FEAT_SINGLE_MMAP, asserted above) and the SQE array. */
    @SuppressWarnings("restricted") // tests run with --enable-native-access=ALL-UNNAMED
    private void mapRings() {
        int features = params.get(JAVA_INT, IoUring.IO_URING_PARAMS_FEATURES_OFFSET);
        assertEquals(IoUring.IORING_FEAT_SINGLE_MMAP, features & IoUring.IORING_FEAT_SINGLE_MMAP, "SINGLE_MMAP");
        int sqEntries = params.get(JAVA_INT, IoUring.IO_URING_PARAMS_SQ_ENTRIES_OFFSET);
        int cqEntries = params.get(JAVA_INT, IoUring.IO_URING_PARAMS_CQ_ENTRIES_OFFSET);
        long sqSize = Integer.toUnsignedLong(params.get(JAVA_INT, IoUring.IO_URING_PARAMS_SQ_OFF_OFFSET + IoUring.IO_SQRING_OFFSETS_ARRAY_OFFSET))
                + 4L * sqEntries;
        long cqSize = Integer.toUnsignedLong(params.get(JAVA_INT, IoUring.IO_URING_PARAMS_CQ_OFF_OFFSET + IoUring.IO_CQRING_OFFSETS_CQES_OFFSET))
                + cqEntries * IoUring.IO_URING_CQE.byteSize();
        int prot = Mman.PROT_READ | Mman.PROT_WRITE;
        int flags = Mman.MAP_SHARED | Mman.MAP_POPULATE;

        ringsSize = Math.max(sqSize, cqSize);
        MemorySegment raw = Mman.mmap(errnoState, MemorySegment.NULL, ringsSize, prot, flags, ringFd, IoUring.IORING_OFF_SQ_RING);
        assertNotEquals(Mman.MAP_FAILED, raw.address(), () -> "mmap rings: " + Errno.name(Errno.errno(errnoState)));
        assertEquals(0, raw.byteSize(), "mmap returns a zero-length segment");
        rings = raw.reinterpret(ringsSize);

        sqesSize = sqEntries * IoUring.IO_URING_SQE.byteSize();
        raw = Mman.mmap(errnoState, MemorySegment.NULL, sqesSize, prot, flags, ringFd, IoUring.IORING_OFF_SQES);
        assertNotEquals(Mman.MAP_FAILED, raw.address(), () -> "mmap sqes: " + Errno.name(Errno.errno(errnoState)));
        sqes = raw.reinterpret(sqesSize);
    }

    private long sqRingOffset(long field) {
        return Integer.toUnsignedLong(params.get(JAVA_INT, IoUring.IO_URING_PARAMS_SQ_OFF_OFFSET + field));
    }

    private long cqRingOffset(long field) {
        return Integer.toUnsignedLong(params.get(JAVA_INT, IoUring.IO_URING_PARAMS_CQ_OFF_OFFSET + field));
    }

    private void check(int result, String call) {
        if (result < 0) {
            int errno = Errno.errno(errnoState);
            fail(call + " failed: " + Errno.name(errno) + " (" + errno + ") " + Errno.message(errno));
        }
    }
}
