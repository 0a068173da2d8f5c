package io.netloop.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static io.netloop.bindings.linux.Linking.downcall;
import static io.netloop.bindings.linux.Linking.offset;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Linux io_uring: {@code <linux/io_uring.h>} and its three system calls. glibc has no wrappers
 * for them, so each goes through {@code long syscall(long number, ...)} with every variadic
 * argument passed as 64 bits, which is how the kernel reads its argument registers.
 *
 * <p>Constants, enum values included, are those of the {@code <linux/io_uring.h>} the layout probe
 * compiles against (a 6.1-era header); a newer kernel may support more, which
 * {@link #IORING_REGISTER_PROBE} reports at run time. The rings themselves are mapped with
 * {@link Mman#mmap} at {@link #IORING_OFF_SQ_RING}, {@link #IORING_OFF_CQ_RING} and
 * {@link #IORING_OFF_SQES}, and addressed with the offsets the kernel writes into
 * {@link #IO_URING_PARAMS}:
 *
 * <pre>{@code
 * MemorySegment params = arena.allocate(IoUring.IO_URING_PARAMS);   // zeroed; owned by the caller
 * int ringFd = IoUring.io_uring_setup(errnoState, 256, params);
 * int sqEntries = params.get(ValueLayout.JAVA_INT, IoUring.IO_URING_PARAMS_SQ_ENTRIES_OFFSET);
 * long sqTailOffset = params.get(ValueLayout.JAVA_INT,
 *         IoUring.IO_URING_PARAMS_SQ_OFF_OFFSET + IoUring.IO_SQRING_OFFSETS_TAIL_OFFSET);
 * // ... mmap the rings, fill an SQE, store the SQ tail with release semantics, then:
 * int submitted = IoUring.io_uring_enter(errnoState, ringFd, 1, 1, IoUring.IORING_ENTER_GETEVENTS, MemorySegment.NULL, 0);
 * }</pre>
 *
 * <p>The static initialiser links every function, so it fails outside Linux.
 */
public final class IoUring {

    /** {@code __NR_io_uring_setup}: the same on x86_64 and aarch64 (asm-generic numbering). */
    public static final int SYS_io_uring_setup = 425;
    public static final int SYS_io_uring_enter = 426;
    public static final int SYS_io_uring_register = 427;

    // io_uring_setup() flags (io_uring_params.flags)
    public static final int IORING_SETUP_IOPOLL = 1 << 0;
    public static final int IORING_SETUP_SQPOLL = 1 << 1;
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;

    // io_uring_params.features
    public static final int IORING_FEAT_SINGLE_MMAP = 1 << 0;
    public static final int IORING_FEAT_NODROP = 1 << 1;
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    public static final int IORING_FEAT_FAST_POLL = 1 << 5;
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    public static final int IORING_FEAT_NATIVE_WORKERS = 1 << 9;
    public static final int IORING_FEAT_CQE_SKIP = 1 << 11;
    public static final int IORING_FEAT_LINKED_FILE = 1 << 12;

    // io_uring_enter() flags
    public static final int IORING_ENTER_GETEVENTS = 1 << 0;
    public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
    public static final int IORING_ENTER_SQ_WAIT = 1 << 2;
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;

    // The SQ ring's flags word (at IO_SQRING_OFFSETS.flags)
    public static final int IORING_SQ_NEED_WAKEUP = 1 << 0;
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    public static final int IORING_SQ_TASKRUN = 1 << 2;

    // mmap offsets of the rings on the ring fd
    public static final long IORING_OFF_SQ_RING = 0L;
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    public static final long IORING_OFF_SQES = 0x10000000L;

    // enum io_uring_op (io_uring_sqe.opcode)
    public static final int IORING_OP_NOP = 0;
    public static final int IORING_OP_READV = 1;
    public static final int IORING_OP_WRITEV = 2;
    public static final int IORING_OP_POLL_ADD = 6;
    public static final int IORING_OP_SENDMSG = 9;
    public static final int IORING_OP_RECVMSG = 10;
    public static final int IORING_OP_TIMEOUT = 11;
    public static final int IORING_OP_TIMEOUT_REMOVE = 12;
    public static final int IORING_OP_ACCEPT = 13;
    public static final int IORING_OP_ASYNC_CANCEL = 14;
    public static final int IORING_OP_LINK_TIMEOUT = 15;
    public static final int IORING_OP_CONNECT = 16;
    public static final int IORING_OP_CLOSE = 19;
    public static final int IORING_OP_READ = 22;
    public static final int IORING_OP_WRITE = 23;
    public static final int IORING_OP_SEND = 26;
    public static final int IORING_OP_RECV = 27;
    public static final int IORING_OP_PROVIDE_BUFFERS = 31;
    public static final int IORING_OP_SHUTDOWN = 34;
    public static final int IORING_OP_MSG_RING = 40;
    public static final int IORING_OP_SEND_ZC = 47;
    /** One past the last opcode of the header checked against, not of the running kernel. */
    public static final int IORING_OP_LAST = 49;

    // io_uring_sqe.flags: 1U << IOSQE_*_BIT
    public static final int IOSQE_FIXED_FILE = 1 << 0;
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    public static final int IOSQE_IO_LINK = 1 << 2;
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    public static final int IOSQE_ASYNC = 1 << 4;
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // io_uring_cqe.flags
    public static final int IORING_CQE_F_BUFFER = 1 << 0;
    public static final int IORING_CQE_F_MORE = 1 << 1;
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
    public static final int IORING_CQE_F_NOTIF = 1 << 3;

    /** For {@link #IORING_OP_ACCEPT}, in {@code io_uring_sqe.ioprio}. */
    public static final int IORING_ACCEPT_MULTISHOT = 1 << 0;

    // For IORING_OP_ASYNC_CANCEL, in io_uring_sqe.cancel_flags (op_flags here)
    public static final int IORING_ASYNC_CANCEL_ALL = 1 << 0;
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

    // For send/sendmsg/recv/recvmsg, in io_uring_sqe.ioprio
    public static final int IORING_RECVSEND_POLL_FIRST = 1 << 0;
    public static final int IORING_RECV_MULTISHOT = 1 << 1;

    /** For {@link #IORING_OP_TIMEOUT}, in {@code io_uring_sqe.timeout_flags} ({@code op_flags} here). */
    public static final int IORING_TIMEOUT_ABS = 1 << 0;

    // io_uring_register() opcodes
    public static final int IORING_REGISTER_PROBE = 8;
    public static final int IORING_REGISTER_RING_FDS = 20;
    /** Registers a provided-buffer ring ({@link #IO_URING_BUF_REG}, {@code nrArgs} 1); Linux 5.19. */
    public static final int IORING_REGISTER_PBUF_RING = 22;
    public static final int IORING_UNREGISTER_PBUF_RING = 23;

    /** With {@link #IORING_CQE_F_BUFFER}, the id of the buffer a completion used is {@code flags >>> IORING_CQE_BUFFER_SHIFT}. */
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    /** In {@code io_uring_probe_op.flags}. */
    public static final int IO_URING_OP_SUPPORTED = 1 << 0;

    /** {@link #IORING_OP_MSG_RING} command, in {@code io_uring_sqe.addr}: post {@code len} as {@code res} and {@code off} as {@code user_data}. */
    public static final int IORING_MSG_DATA = 0;

    /**
     * {@snippet lang=c :
     * struct io_sqring_offsets {
     *     __u32 head;
     *     __u32 tail;
     *     __u32 ring_mask;
     *     __u32 ring_entries;
     *     __u32 flags;
     *     __u32 dropped;
     *     __u32 array;
     *     __u32 resv1;
     *     __u64 resv2;        // user_addr in 6.5+ headers
     * };
     * }
     * Each {@code __u32} is a byte offset into the SQ ring mapping.
     */
    public static final StructLayout IO_SQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("resv2")
    ).withName("io_sqring_offsets");

    /**
     * {@snippet lang=c :
     * struct io_cqring_offsets {
     *     __u32 head;
     *     __u32 tail;
     *     __u32 ring_mask;
     *     __u32 ring_entries;
     *     __u32 overflow;
     *     __u32 cqes;
     *     __u32 flags;
     *     __u32 resv1;
     *     __u64 resv2;        // user_addr in 6.5+ headers
     * };
     * }
     * Each {@code __u32} is a byte offset into the CQ ring mapping.
     */
    public static final StructLayout IO_CQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("overflow"),
            JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("resv2")
    ).withName("io_cqring_offsets");

    /**
     * {@snippet lang=c :
     * struct io_uring_params {
     *     __u32 sq_entries;
     *     __u32 cq_entries;
     *     __u32 flags;
     *     __u32 sq_thread_cpu;
     *     __u32 sq_thread_idle;
     *     __u32 features;
     *     __u32 wq_fd;
     *     __u32 resv[3];
     *     struct io_sqring_offsets sq_off;
     *     struct io_cqring_offsets cq_off;
     * };
     * }
     * Passed to {@link #io_uring_setup} (zeroed but for the inputs) and filled in by the kernel.
     */
    public static final StructLayout IO_URING_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"),
            JAVA_INT.withName("cq_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"),
            JAVA_INT.withName("sq_thread_idle"),
            JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            IO_SQRING_OFFSETS.withName("sq_off"),
            IO_CQRING_OFFSETS.withName("cq_off")
    ).withName("io_uring_params");

    /**
     * {@snippet lang=c :
     * struct io_uring_sqe {
     *     __u8  opcode;
     *     __u8  flags;            // IOSQE_*
     *     __u16 ioprio;           // also accept and recv/send flags
     *     __s32 fd;
     *     union { __u64 off; __u64 addr2; struct { __u32 cmd_op; __u32 __pad1; }; };
     *     union { __u64 addr; __u64 splice_off_in; };
     *     __u32 len;
     *     union {                 // bound as op_flags
     *         __u32 rw_flags; __u32 fsync_flags; __u16 poll_events; __u32 poll32_events;
     *         __u32 sync_range_flags; __u32 msg_flags; __u32 timeout_flags; __u32 accept_flags;
     *         __u32 cancel_flags; __u32 open_flags; __u32 statx_flags; __u32 fadvise_advice;
     *         __u32 splice_flags; __u32 rename_flags; __u32 unlink_flags; __u32 hardlink_flags;
     *         __u32 xattr_flags; __u32 msg_ring_flags; __u32 uring_cmd_flags;
     *     };
     *     __u64 user_data;
     *     union { __u16 buf_index; __u16 buf_group; } __attribute__((packed));
     *     __u16 personality;
     *     union { __s32 splice_fd_in; __u32 file_index; struct { __u16 addr_len; __u16 __pad3[1]; }; };
     *     union { struct { __u64 addr3; __u64 __pad2[1]; }; __u8 cmd[0]; };
     * };
     * }
     * Each union is bound as its first member, except the flags union, which has no one C name.
     */
    public static final StructLayout IO_URING_SQE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("off"),
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("op_flags"),
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("splice_fd_in"),
            JAVA_LONG.withName("addr3"),
            MemoryLayout.sequenceLayout(1, JAVA_LONG).withName("__pad2")
    ).withName("io_uring_sqe");

    /**
     * {@snippet lang=c :
     * struct io_uring_cqe {
     *     __u64 user_data;
     *     __s32 res;              // the result, or -errno
     *     __u32 flags;            // IORING_CQE_F_*
     *     __u64 big_cqe[];        // 16 more bytes with IORING_SETUP_CQE32
     * };
     * }
     */
    public static final StructLayout IO_URING_CQE = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags"),
            MemoryLayout.sequenceLayout(0, JAVA_LONG).withName("big_cqe")
    ).withName("io_uring_cqe");

    /**
     * {@snippet lang=c :
     * struct io_uring_probe_op {
     *     __u8  op;
     *     __u8  resv;
     *     __u16 flags;            // IO_URING_OP_*
     *     __u32 resv2;
     * };
     * }
     */
    public static final StructLayout IO_URING_PROBE_OP = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"),
            JAVA_BYTE.withName("resv"),
            JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2")
    ).withName("io_uring_probe_op");

    /**
     * {@snippet lang=c :
     * struct io_uring_probe {
     *     __u8  last_op;
     *     __u8  ops_len;
     *     __u16 resv;
     *     __u32 resv2[3];
     *     struct io_uring_probe_op ops[];
     * };
     * }
     * The flexible {@code ops} array is a zero-length sequence here: allocate
     * {@code IO_URING_PROBE.byteSize() + n * IO_URING_PROBE_OP.byteSize()} bytes, zeroed, for
     * {@link #IORING_REGISTER_PROBE} with {@code nrArgs = n}.
     */
    public static final StructLayout IO_URING_PROBE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("last_op"),
            JAVA_BYTE.withName("ops_len"),
            JAVA_SHORT.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2"),
            MemoryLayout.sequenceLayout(0, IO_URING_PROBE_OP).withName("ops")
    ).withName("io_uring_probe");

    /**
     * {@snippet lang=c :
     * struct io_uring_buf {
     *     __u64 addr;
     *     __u32 len;
     *     __u16 bid;
     *     __u16 resv;
     * };
     * }
     * One entry of a provided-buffer ring. The ring ({@code struct io_uring_buf_ring}) is an array
     * of these whose 16-bit tail overlays {@code bufs[0].resv}, at {@link #IO_URING_BUF_RING_TAIL_OFFSET};
     * the application stores the tail with release semantics after filling entries.
     */
    public static final StructLayout IO_URING_BUF = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_SHORT.withName("bid"),
            JAVA_SHORT.withName("resv")
    ).withName("io_uring_buf");

    /**
     * {@snippet lang=c :
     * struct io_uring_buf_reg {
     *     __u64 ring_addr;
     *     __u32 ring_entries;     // a power of 2, at most 32768
     *     __u16 bgid;
     *     __u16 pad;              // flags (IOU_PBUF_RING_*) in newer headers
     *     __u64 resv[3];
     * };
     * }
     * The argument of {@link #IORING_REGISTER_PBUF_RING} and {@link #IORING_UNREGISTER_PBUF_RING}.
     */
    public static final StructLayout IO_URING_BUF_REG = MemoryLayout.structLayout(
            JAVA_LONG.withName("ring_addr"),
            JAVA_INT.withName("ring_entries"),
            JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("pad"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("resv")
    ).withName("io_uring_buf_reg");

    /**
     * {@snippet lang=c :
     * struct io_uring_recvmsg_out {
     *     __u32 namelen;          // the sender's address length (more than reserved: cut)
     *     __u32 controllen;
     *     __u32 payloadlen;       // the datagram's whole length, even where the buffer held less
     *     __u32 flags;            // msg_flags: MSG_TRUNC when the payload was cut
     * };
     * }
     * What a multishot {@link #IORING_OP_RECVMSG} puts at the start of each provided buffer it
     * fills (Linux 6.0): then {@code msg_namelen} bytes of the submitted {@code msghdr} for the
     * name, {@code msg_controllen} for control data, then the payload.
     */
    public static final StructLayout IO_URING_RECVMSG_OUT = MemoryLayout.structLayout(
            JAVA_INT.withName("namelen"),
            JAVA_INT.withName("controllen"),
            JAVA_INT.withName("payloadlen"),
            JAVA_INT.withName("flags")
    ).withName("io_uring_recvmsg_out");

    /**
     * {@snippet lang=c :
     * struct __kernel_timespec {
     *     __kernel_time64_t tv_sec;
     *     long long         tv_nsec;
     * };
     * }
     */
    public static final StructLayout KERNEL_TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")
    ).withName("__kernel_timespec");

    /**
     * {@snippet lang=c :
     * struct io_uring_getevents_arg {
     *     __u64 sigmask;          // a sigset_t *, or 0
     *     __u32 sigmask_sz;
     *     __u32 pad;              // min_wait_usec in 6.12+ headers
     *     __u64 ts;               // a struct __kernel_timespec *, or 0
     * };
     * }
     * The {@code arg} of {@link #io_uring_enter} with {@link #IORING_ENTER_EXT_ARG}.
     */
    public static final StructLayout IO_URING_GETEVENTS_ARG = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"),
            JAVA_INT.withName("sigmask_sz"),
            JAVA_INT.withName("pad"),
            JAVA_LONG.withName("ts")
    ).withName("io_uring_getevents_arg");

    public static final long IO_SQRING_OFFSETS_HEAD_OFFSET = offset(IO_SQRING_OFFSETS, "head");
    public static final long IO_SQRING_OFFSETS_TAIL_OFFSET = offset(IO_SQRING_OFFSETS, "tail");
    public static final long IO_SQRING_OFFSETS_RING_MASK_OFFSET = offset(IO_SQRING_OFFSETS, "ring_mask");
    public static final long IO_SQRING_OFFSETS_RING_ENTRIES_OFFSET = offset(IO_SQRING_OFFSETS, "ring_entries");
    public static final long IO_SQRING_OFFSETS_FLAGS_OFFSET = offset(IO_SQRING_OFFSETS, "flags");
    public static final long IO_SQRING_OFFSETS_DROPPED_OFFSET = offset(IO_SQRING_OFFSETS, "dropped");
    public static final long IO_SQRING_OFFSETS_ARRAY_OFFSET = offset(IO_SQRING_OFFSETS, "array");
    public static final long IO_SQRING_OFFSETS_RESV1_OFFSET = offset(IO_SQRING_OFFSETS, "resv1");
    public static final long IO_SQRING_OFFSETS_RESV2_OFFSET = offset(IO_SQRING_OFFSETS, "resv2");

    public static final long IO_CQRING_OFFSETS_HEAD_OFFSET = offset(IO_CQRING_OFFSETS, "head");
    public static final long IO_CQRING_OFFSETS_TAIL_OFFSET = offset(IO_CQRING_OFFSETS, "tail");
    public static final long IO_CQRING_OFFSETS_RING_MASK_OFFSET = offset(IO_CQRING_OFFSETS, "ring_mask");
    public static final long IO_CQRING_OFFSETS_RING_ENTRIES_OFFSET = offset(IO_CQRING_OFFSETS, "ring_entries");
    public static final long IO_CQRING_OFFSETS_OVERFLOW_OFFSET = offset(IO_CQRING_OFFSETS, "overflow");
    public static final long IO_CQRING_OFFSETS_CQES_OFFSET = offset(IO_CQRING_OFFSETS, "cqes");
    public static final long IO_CQRING_OFFSETS_FLAGS_OFFSET = offset(IO_CQRING_OFFSETS, "flags");
    public static final long IO_CQRING_OFFSETS_RESV1_OFFSET = offset(IO_CQRING_OFFSETS, "resv1");
    public static final long IO_CQRING_OFFSETS_RESV2_OFFSET = offset(IO_CQRING_OFFSETS, "resv2");

    public static final long IO_URING_PARAMS_SQ_ENTRIES_OFFSET = offset(IO_URING_PARAMS, "sq_entries");
    public static final long IO_URING_PARAMS_CQ_ENTRIES_OFFSET = offset(IO_URING_PARAMS, "cq_entries");
    public static final long IO_URING_PARAMS_FLAGS_OFFSET = offset(IO_URING_PARAMS, "flags");
    public static final long IO_URING_PARAMS_SQ_THREAD_CPU_OFFSET = offset(IO_URING_PARAMS, "sq_thread_cpu");
    public static final long IO_URING_PARAMS_SQ_THREAD_IDLE_OFFSET = offset(IO_URING_PARAMS, "sq_thread_idle");
    public static final long IO_URING_PARAMS_FEATURES_OFFSET = offset(IO_URING_PARAMS, "features");
    public static final long IO_URING_PARAMS_WQ_FD_OFFSET = offset(IO_URING_PARAMS, "wq_fd");
    public static final long IO_URING_PARAMS_RESV_OFFSET = offset(IO_URING_PARAMS, "resv");
    public static final long IO_URING_PARAMS_SQ_OFF_OFFSET = offset(IO_URING_PARAMS, "sq_off");
    public static final long IO_URING_PARAMS_CQ_OFF_OFFSET = offset(IO_URING_PARAMS, "cq_off");

    public static final long IO_URING_SQE_OPCODE_OFFSET = offset(IO_URING_SQE, "opcode");
    public static final long IO_URING_SQE_FLAGS_OFFSET = offset(IO_URING_SQE, "flags");
    public static final long IO_URING_SQE_IOPRIO_OFFSET = offset(IO_URING_SQE, "ioprio");
    public static final long IO_URING_SQE_FD_OFFSET = offset(IO_URING_SQE, "fd");
    public static final long IO_URING_SQE_OFF_OFFSET = offset(IO_URING_SQE, "off");
    public static final long IO_URING_SQE_ADDR_OFFSET = offset(IO_URING_SQE, "addr");
    public static final long IO_URING_SQE_LEN_OFFSET = offset(IO_URING_SQE, "len");
    public static final long IO_URING_SQE_OP_FLAGS_OFFSET = offset(IO_URING_SQE, "op_flags");
    public static final long IO_URING_SQE_USER_DATA_OFFSET = offset(IO_URING_SQE, "user_data");
    public static final long IO_URING_SQE_BUF_INDEX_OFFSET = offset(IO_URING_SQE, "buf_index");
    public static final long IO_URING_SQE_PERSONALITY_OFFSET = offset(IO_URING_SQE, "personality");
    public static final long IO_URING_SQE_SPLICE_FD_IN_OFFSET = offset(IO_URING_SQE, "splice_fd_in");
    public static final long IO_URING_SQE_ADDR3_OFFSET = offset(IO_URING_SQE, "addr3");
    public static final long IO_URING_SQE___PAD2_OFFSET = offset(IO_URING_SQE, "__pad2");

    public static final long IO_URING_CQE_USER_DATA_OFFSET = offset(IO_URING_CQE, "user_data");
    public static final long IO_URING_CQE_RES_OFFSET = offset(IO_URING_CQE, "res");
    public static final long IO_URING_CQE_FLAGS_OFFSET = offset(IO_URING_CQE, "flags");
    public static final long IO_URING_CQE_BIG_CQE_OFFSET = offset(IO_URING_CQE, "big_cqe");

    public static final long IO_URING_PROBE_OP_OP_OFFSET = offset(IO_URING_PROBE_OP, "op");
    public static final long IO_URING_PROBE_OP_RESV_OFFSET = offset(IO_URING_PROBE_OP, "resv");
    public static final long IO_URING_PROBE_OP_FLAGS_OFFSET = offset(IO_URING_PROBE_OP, "flags");
    public static final long IO_URING_PROBE_OP_RESV2_OFFSET = offset(IO_URING_PROBE_OP, "resv2");

    public static final long IO_URING_PROBE_LAST_OP_OFFSET = offset(IO_URING_PROBE, "last_op");
    public static final long IO_URING_PROBE_OPS_LEN_OFFSET = offset(IO_URING_PROBE, "ops_len");
    public static final long IO_URING_PROBE_RESV_OFFSET = offset(IO_URING_PROBE, "resv");
    public static final long IO_URING_PROBE_RESV2_OFFSET = offset(IO_URING_PROBE, "resv2");
    public static final long IO_URING_PROBE_OPS_OFFSET = offset(IO_URING_PROBE, "ops");

    public static final long IO_URING_BUF_ADDR_OFFSET = offset(IO_URING_BUF, "addr");
    public static final long IO_URING_BUF_LEN_OFFSET = offset(IO_URING_BUF, "len");
    public static final long IO_URING_BUF_BID_OFFSET = offset(IO_URING_BUF, "bid");
    public static final long IO_URING_BUF_RESV_OFFSET = offset(IO_URING_BUF, "resv");
    /** Where {@code struct io_uring_buf_ring}'s {@code tail} is: {@code bufs[0].resv}. */
    public static final long IO_URING_BUF_RING_TAIL_OFFSET = IO_URING_BUF_RESV_OFFSET;

    public static final long IO_URING_BUF_REG_RING_ADDR_OFFSET = offset(IO_URING_BUF_REG, "ring_addr");
    public static final long IO_URING_BUF_REG_RING_ENTRIES_OFFSET = offset(IO_URING_BUF_REG, "ring_entries");
    public static final long IO_URING_BUF_REG_BGID_OFFSET = offset(IO_URING_BUF_REG, "bgid");
    public static final long IO_URING_BUF_REG_PAD_OFFSET = offset(IO_URING_BUF_REG, "pad");
    public static final long IO_URING_BUF_REG_RESV_OFFSET = offset(IO_URING_BUF_REG, "resv");

    public static final long IO_URING_RECVMSG_OUT_NAMELEN_OFFSET = offset(IO_URING_RECVMSG_OUT, "namelen");
    public static final long IO_URING_RECVMSG_OUT_CONTROLLEN_OFFSET = offset(IO_URING_RECVMSG_OUT, "controllen");
    public static final long IO_URING_RECVMSG_OUT_PAYLOADLEN_OFFSET = offset(IO_URING_RECVMSG_OUT, "payloadlen");
    public static final long IO_URING_RECVMSG_OUT_FLAGS_OFFSET = offset(IO_URING_RECVMSG_OUT, "flags");

    public static final long KERNEL_TIMESPEC_TV_SEC_OFFSET = offset(KERNEL_TIMESPEC, "tv_sec");
    public static final long KERNEL_TIMESPEC_TV_NSEC_OFFSET = offset(KERNEL_TIMESPEC, "tv_nsec");

    public static final long IO_URING_GETEVENTS_ARG_SIGMASK_OFFSET = offset(IO_URING_GETEVENTS_ARG, "sigmask");
    public static final long IO_URING_GETEVENTS_ARG_SIGMASK_SZ_OFFSET = offset(IO_URING_GETEVENTS_ARG, "sigmask_sz");
    public static final long IO_URING_GETEVENTS_ARG_PAD_OFFSET = offset(IO_URING_GETEVENTS_ARG, "pad");
    public static final long IO_URING_GETEVENTS_ARG_TS_OFFSET = offset(IO_URING_GETEVENTS_ARG, "ts");

    private IoUring() {
    }

    private static final MethodHandle IO_URING_SETUP = syscall(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));

    /**
     * {@code int io_uring_setup(u32 entries, struct io_uring_params *p);}
     * <p>As {@code syscall(SYS_io_uring_setup, entries, p)}. Returns the ring fd (close it with
     * {@link Sockets#close}), or {@code -1}.
     */
    public static int io_uring_setup(MemorySegment errnoState, int entries, MemorySegment params) {
        try {
            return (int) (long) IO_URING_SETUP.invokeExact(errnoState, (long) SYS_io_uring_setup,
                    Integer.toUnsignedLong(entries), params);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle IO_URING_ENTER = syscall(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));

    /**
     * {@code int io_uring_enter(unsigned int fd, unsigned int to_submit, unsigned int min_complete,
     * unsigned int flags, const void *arg, size_t argsz);}
     * <p>As {@code syscall(SYS_io_uring_enter, ...)}. {@code arg} is a {@code sigset_t *} (with
     * {@code argSize} its size) or, with {@link #IORING_ENTER_EXT_ARG}, an
     * {@link #IO_URING_GETEVENTS_ARG}; it may be {@link MemorySegment#NULL} with {@code argSize} 0.
     * Returns the number of SQEs consumed, or {@code -1}. With {@link #IORING_ENTER_GETEVENTS} it
     * blocks the calling thread (a virtual thread pins its carrier) until {@code minComplete}
     * completions are ready, a timeout expires ({@link Errno#ETIME}) or a signal arrives
     * ({@link Errno#EINTR}).
     */
    public static int io_uring_enter(MemorySegment errnoState, int fd, int toSubmit, int minComplete, int flags,
                                     MemorySegment arg, long argSize) {
        try {
            return (int) (long) IO_URING_ENTER.invokeExact(errnoState, (long) SYS_io_uring_enter,
                    Integer.toUnsignedLong(fd), Integer.toUnsignedLong(toSubmit), Integer.toUnsignedLong(minComplete),
                    Integer.toUnsignedLong(flags), arg, argSize);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }

    private static final MethodHandle IO_URING_REGISTER = syscall(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));

    /**
     * {@code int io_uring_register(unsigned int fd, unsigned int opcode, void *arg, unsigned int nr_args);}
     * <p>As {@code syscall(SYS_io_uring_register, ...)}. What {@code arg} points to and what
     * {@code nrArgs} counts depend on {@code opcode}: for {@link #IORING_REGISTER_PROBE}, a zeroed
     * {@link #IO_URING_PROBE} followed by {@code nrArgs} {@link #IO_URING_PROBE_OP}s.
     */
    public static int io_uring_register(MemorySegment errnoState, int fd, int opcode, MemorySegment arg, int nrArgs) {
        try {
            return (int) (long) IO_URING_REGISTER.invokeExact(errnoState, (long) SYS_io_uring_register,
                    Integer.toUnsignedLong(fd), Integer.toUnsignedLong(opcode), arg, Integer.toUnsignedLong(nrArgs));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a downcall threw a checked exception", t);
        }
    }


    /**
     * Links {@code long syscall(long number, ...)} for one system call's arguments: {@code number}
     * is the one fixed parameter, and the rest are variadic, each passed as a full 64-bit
     * {@code long} or pointer (an {@code int} would leave the register's upper half unspecified).
     */
    private static MethodHandle syscall(FunctionDescriptor function) {
        return downcall("syscall", function, Linker.Option.firstVariadicArg(1));
    }
}
