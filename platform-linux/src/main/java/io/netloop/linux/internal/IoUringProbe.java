package io.netloop.linux.internal;

import static io.netloop.bindings.linux.IoUring.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.spi.Availability;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds once whether io_uring can serve the backend here and says why not where it cannot: no
 * io_uring in the kernel, disabled by sysctl, refused by a seccomp filter, or missing a feature or
 * an operation the backend needs.
 */
final class IoUringProbe {
    /** Operations the backend submits, with the kernel that brought each. */
    private static final Map<Integer, String> REQUIRED_OPS = Map.ofEntries(
            Map.entry(IORING_OP_ACCEPT, "ACCEPT (5.5)"), Map.entry(IORING_OP_CONNECT, "CONNECT (5.5)"),
            Map.entry(IORING_OP_RECV, "RECV (5.6)"), Map.entry(IORING_OP_SEND, "SEND (5.6)"),
            Map.entry(IORING_OP_WRITEV, "WRITEV (5.1)"), Map.entry(IORING_OP_READ, "READ (5.6)"),
            Map.entry(IORING_OP_CLOSE, "CLOSE (5.6)"), Map.entry(IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL (5.5)"),
            Map.entry(IORING_OP_NOP, "NOP (5.1)"),
            // UDP: a datagram's receive with its sender, and its send to a target (multishot RECVMSG: 6.0, optional).
            Map.entry(IORING_OP_RECVMSG, "RECVMSG (5.3)"), Map.entry(IORING_OP_SENDMSG, "SENDMSG (5.3)"));
    private static final int PROBE_OPS = 256;

    final Availability availability;
    final IoUringFeatures features;

    private IoUringProbe(Availability availability, IoUringFeatures features) {
        this.availability = availability;
        this.features = features;
    }

    private static IoUringProbe unavailable(String reason) {
        return new IoUringProbe(Availability.unavailable(reason), null);
    }

    static IoUringProbe run() {
        Availability platform = LinuxProbe.platformUnavailable("io_uring");
        if (platform != null) {
            return new IoUringProbe(platform, null);
        }
        if ("2".equals(sysctl("io_uring_disabled"))) {
            return unavailable("io_uring is disabled on this system (sysctl kernel.io_uring_disabled = 2)");
        }
        try (Arena arena = Arena.ofConfined()) {
            return probe(arena);
        } catch (IllegalCallerException e) {
            return new IoUringProbe(LinuxProbe.nativeAccessDenied(e), null);
        } catch (Throwable t) {
            return new IoUringProbe(Availability.unavailable("the io_uring bindings failed to link: " + t, t), null);
        }
    }

    private static IoUringProbe probe(Arena arena) {
        MemorySegment errno = Errno.allocateState(arena);
        MemorySegment params = arena.allocate(IO_URING_PARAMS);
        int fd = io_uring_setup(errno, 4, params);
        if (fd < 0) {
            int e = Errno.errno(errno);
            if (e == Errno.ENOSYS) {
                return unavailable("this kernel has no io_uring (it needs Linux 5.11 or later, built with CONFIG_IO_URING)");
            }
            if (e == Errno.EPERM) {
                return unavailable("io_uring_setup was refused (EPERM): kernel.io_uring_disabled = " + sysctl("io_uring_disabled")
                        + " (1 admits only the kernel.io_uring_group), or a seccomp filter such as a container runtime's default profile");
            }
            return unavailable("io_uring_setup failed: " + Errno.name(e) + " " + Errno.message(e));
        }
        try {
            int features = params.get(JAVA_INT, IO_URING_PARAMS_FEATURES_OFFSET);
            List<String> missing = new ArrayList<>();
            if ((features & IORING_FEAT_NODROP) == 0) {
                missing.add("IORING_FEAT_NODROP (5.5)");
            }
            if ((features & IORING_FEAT_FAST_POLL) == 0) {
                missing.add("IORING_FEAT_FAST_POLL (5.7)");
            }
            if ((features & IORING_FEAT_EXT_ARG) == 0) {
                missing.add("IORING_FEAT_EXT_ARG (5.11)");
            }
            MemorySegment probe = arena.allocate(IO_URING_PROBE.byteSize() + PROBE_OPS * IO_URING_PROBE_OP.byteSize(), 8);
            if (io_uring_register(errno, fd, IORING_REGISTER_PROBE, probe, PROBE_OPS) < 0) {
                int e = Errno.errno(errno);
                return unavailable("IORING_REGISTER_PROBE failed (" + Errno.name(e) + "): the kernel is older than 5.6");
            }
            int lastOp = Byte.toUnsignedInt(probe.get(JAVA_BYTE, IO_URING_PROBE_LAST_OP_OFFSET));
            for (Map.Entry<Integer, String> op : REQUIRED_OPS.entrySet()) {
                long at = IO_URING_PROBE_OPS_OFFSET + op.getKey() * IO_URING_PROBE_OP.byteSize();
                boolean supported = op.getKey() <= lastOp
                        && (probe.get(JAVA_SHORT, at + IO_URING_PROBE_OP_FLAGS_OFFSET) & IO_URING_OP_SUPPORTED) != 0;
                if (!supported) {
                    missing.add("IORING_OP_" + op.getValue());
                }
            }
            if (!missing.isEmpty()) {
                missing.sort(null);
                return unavailable("this kernel's io_uring lacks " + String.join(", ", missing));
            }
            boolean multishot = kernelAtLeast(5, 19);
            boolean multishotReceive = kernelAtLeast(6, 0);
            boolean skip = (features & IORING_FEAT_CQE_SKIP) != 0;
            String bufferRingMissing = bufferRingMissing(arena, errno, fd);
            String description = "io_uring on Linux " + System.getProperty("os.version") + ": features 0x"
                    + Integer.toHexString(features) + ", multishot accept " + (multishot ? "yes" : "no (before 5.19: posted accepts)")
                    + ", cancel without completion " + (skip ? "yes" : "no")
                    + ", provided buffer rings " + (bufferRingMissing == null ? "yes" : "no (" + bufferRingMissing + ")")
                    + ", multishot receive " + (multishotReceive ? "yes (UDP: multishot recvmsg into a buffer ring per socket)"
                            : "no (before 6.0; UDP posts receiveBatch single-shot recvmsg)")
                    + ", last opcode " + lastOp;
            return new IoUringProbe(Availability.available(),
                    new IoUringFeatures(multishot, skip, bufferRingMissing == null, multishotReceive, description));
        } finally {
            Sockets.close(errno, fd);
        }
    }

    /** Registers and unregisters a one-entry buffer ring; {@code null} if that works, else why not. */
    private static String bufferRingMissing(Arena arena, MemorySegment errno, int fd) {
        MemorySegment ring = arena.allocate(4096, 4096); // the kernel wants it page-aligned
        MemorySegment reg = arena.allocate(IO_URING_BUF_REG);
        reg.set(JAVA_LONG, IO_URING_BUF_REG_RING_ADDR_OFFSET, ring.address());
        reg.set(JAVA_INT, IO_URING_BUF_REG_RING_ENTRIES_OFFSET, 1);
        if (io_uring_register(errno, fd, IORING_REGISTER_PBUF_RING, reg, 1) < 0) {
            int e = Errno.errno(errno);
            return e == Errno.EINVAL ? "IORING_REGISTER_PBUF_RING refused (EINVAL): it needs Linux 5.19"
                    : "IORING_REGISTER_PBUF_RING failed: " + Errno.name(e) + " " + Errno.message(e);
        }
        io_uring_register(errno, fd, IORING_UNREGISTER_PBUF_RING, reg, 1);
        return null;
    }

    private static String sysctl(String name) {
        try {
            return Files.readString(Path.of("/proc/sys/kernel", name)).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** From {@code os.version} ("6.8.0-45-generic"); {@code false} when it cannot be read. */
    static boolean kernelAtLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version", "").split("[.-]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = Integer.parseInt(parts[1]);
            return ma > major || (ma == major && mi >= minor);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
