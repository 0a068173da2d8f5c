package io.netloop.linux.internal;

import static io.netloop.bindings.linux.IoUring.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netloop.PeerCredentials;
import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.DatagramQueue;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.completion.CompletionPort;
import io.netloop.internal.completion.Operation;
import io.netloop.internal.completion.ReceivedDatagram;
import io.netloop.internal.net.AddressCache;
import io.netloop.internal.net.SockAddrCodec;
import io.netloop.spi.WaitRecorder;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completion core's port on one io_uring instance. Sockets are blocking descriptors: io_uring
 * tries each operation without blocking and otherwise arms its own internal poll
 * ({@code IORING_FEAT_FAST_POLL}), which a non-blocking descriptor would turn into {@code EAGAIN}
 * results instead. Other threads wake the loop by writing an eventfd that always has a read posted.
 * Unless {@link IoUringBackend#SHARED_RECEIVE_BUFFERS} is off (or the kernel cannot), receives
 * without a buffer of their own select one from a ring registered with the kernel when data
 * arrives (see {@link #sharedReceiveSize()}).
 *
 * <p><b>Large batches and what arrives meanwhile.</b> A busy fan-out loop submits about one send
 * per receiver in one enter (about 1000 entries for the benchmark's 1000 clients), and that enter
 * takes milliseconds, for the kernel runs every send, and the loopback receive it causes, inside
 * it. Counting, per line received, when the sender stamped it against the start and end of the
 * loop's enters showed that lines arriving during such an enter were mostly not collected by it
 * but by the next one: after a whole further batch of sends and the Java work between. So after
 * an enter that submitted {@link #RECOLLECT_AFTER} or more entries, and after its completions have
 * run, the port enters once more without waiting and hands over what completed meanwhile; the
 * output those completions queue then leaves with the next batch instead of the one after. The
 * pattern was the same with COOP_TASKRUN alone as with DEFER_TASKRUN (one paired run), so it is
 * not the deferred task work alone.
 * Measurements and commands: the benchmarks README, "io_uring: fan-out latency".
 */
final class IoUringPort implements CompletionPort, IoUringRing.Reaper {
    private static final Logger log = LoggerFactory.getLogger(IoUringPort.class);
    /** The buffer ring's 16-bit tail, shared with the kernel; coordinates (segment, offset). */
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    private static final int SQ_ENTRIES = 4096;
    private static final int CQ_ENTRIES = 16384;
    private static final int MAX_GATHER = 256;
    private static final long IOV_SIZE = Sockets.IOVEC.byteSize();
    /**
     * Submissions of at least this many entries are followed, after their completions are handled,
     * by a second enter that does not wait; smaller ones take too little time for it to pay.
     */
    private static final int RECOLLECT_AFTER = 32;
    /** User data of the eventfd read; operation tags have a generation of at least 1 in their high half. */
    private static final long WAKE_TAG = -1L;
    /** User data of cancel requests, whose own results are not needed: the cancelled operation reports. */
    private static final long CANCEL_TAG = -2L;

    /** Entries of the shared receive-buffer ring, a power of 2. */
    private static final int BUFFER_RING_ENTRIES = 256;
    /** The buffer group id of that ring: the only one. */
    private static final short BUFFER_GROUP = 0;
    private static final long BUF_SIZE = IO_URING_BUF.byteSize();
    /** A UDP operation's memory: its msghdr, then its iovec at {@link #MSG_IOV}, then an address at {@link #MSG_ADDRESS}. */
    private static final long MSG_IOV = Sockets.MSGHDR.byteSize();
    private static final long MSG_ADDRESS = MSG_IOV + IOV_SIZE;

    private final IoUringFeatures features;
    /**
     * The ring of receive buffers shared by the loop's connections, registered with the kernel; and
     * the buffers it names, {@link #bufferSize} bytes each, buffer id {@code i} at {@code i * bufferSize}.
     * Both owned by {@link #arena}, so they live as long as the port (the ring fd is closed first).
     * {@code null} when receives take a buffer per connection.
     */
    private final MemorySegment bufferRing;
    private final MemorySegment bufferMemory;
    private final ReadBuffer[] buffers;
    private final int bufferSize;
    /** Whether receives into shared buffers are multishot (Linux 6.0); see {@link #receive}. */
    private final boolean multishotReceive;
    /** The buffer ring's tail as this thread has filled it; published with release semantics. */
    private short bufferTail;
    /**
     * Loop-thread memory: socket-call scratch, the ring's wait arguments, the eventfd read's buffer,
     * and with shared receive buffers their entry ring and the buffers themselves. Lives as long as
     * the port: {@link #close()} frees it only after the ring's descriptor is closed (which
     * unregisters the buffer ring) and the eventfd read is taken back, so the kernel holds none of it.
     */
    private final Arena arena = Arena.ofConfined();
    private final SocketCalls sockets;
    /** Listening descriptors that are {@code AF_UNIX}: their accepted sockets get no TCP options. Loop thread. */
    private final BitSet unixListeners = new BitSet();
    /** The argument of buffer-ring (un)registration: scratch of {@link #arena}. */
    private final MemorySegment bufferReg;
    /**
     * Buffer groups of UDP sockets' rings ({@link IoUringDatagramBuffers}), from 1 up (0 is the
     * connections' shared group): the next never used, and those given back, for reuse.
     */
    private int nextGroup = 1;
    /** Recent UDP targets of this loop's sockets, encoded (the encoding is the same for every socket here). */
    private final AddressCache targets = new AddressCache(SockAddrs.CODEC);
    private final java.util.ArrayDeque<Short> freeGroups = new java.util.ArrayDeque<>();
    private final IoUringRing ring;
    /** Blocking, so that its posted read waits in the kernel rather than failing with EAGAIN. */
    private final EventFdWaker waker;
    /** The eventfd read's 8 bytes; the kernel writes them whenever the loop is woken. */
    private final MemorySegment wakeBuffer;
    private boolean wakePosted;
    private boolean closed;
    private Completions sink;

    /**
     * @param sharedBufferSize with a value above 0, receives take their buffers from a ring of
     *        {@value #BUFFER_RING_ENTRIES} buffers of this size shared by the loop's connections
     *        (the features must allow it); with 0, each posted receive holds a buffer of its own
     * @param multishotReceive receives into those buffers are multishot (the features must allow it)
     */
    IoUringPort(IoUringFeatures features, int sharedBufferSize, boolean multishotReceive) throws IOException {
        this.features = features;
        this.sockets = new SocketCalls(arena);
        this.wakeBuffer = arena.allocate(JAVA_LONG);
        this.bufferReg = arena.allocate(IO_URING_BUF_REG);
                try {
            this.ring = new IoUringRing(arena, SQ_ENTRIES, CQ_ENTRIES);
        } catch (IOException e) {
            arena.close();
            throw e;
        }
        try {
            this.waker = new EventFdWaker(0);
        } catch (IOException e) {
            ring.close();
            arena.close();
            throw e;
        }
        MemorySegment registered = sharedBufferSize > 0 ? registerBufferRing() : null;
        if (registered != null) {
            this.bufferSize = sharedBufferSize;
            this.bufferRing = registered;
            this.bufferMemory = arena.allocate((long) BUFFER_RING_ENTRIES * sharedBufferSize, 4096);
            this.buffers = new ReadBuffer[BUFFER_RING_ENTRIES];
            for (int i = 0; i < BUFFER_RING_ENTRIES; i++) {
                buffers[i] = new ReadBuffer(bufferMemory.asSlice((long) i * sharedBufferSize, sharedBufferSize));
                addBuffer(i);
            }
            publishBuffers();
            this.multishotReceive = multishotReceive;
        } else {
            this.multishotReceive = false;
            this.bufferSize = 0;
            this.bufferRing = null;
            this.bufferMemory = null;
            this.buffers = null;
        }
    }

    /** The registered, still empty ring of buffer entries; {@code null} (logged) when the kernel refuses it. */
    private MemorySegment registerBufferRing() {
        MemorySegment entries = arena.allocate(BUFFER_RING_ENTRIES * BUF_SIZE, 4096); // page-aligned, as the kernel wants
        int e = registerBufferRing(entries, BUFFER_RING_ENTRIES, BUFFER_GROUP);
        if (e != 0) {
            log.info("io_uring: registering the shared receive buffers failed ({} {}); receives take a buffer per connection",
                    Errno.name(e), Errno.message(e));
            return null;
        }
        return entries;
    }

    /** Registers {@code entries} (page-aligned) as the ring of buffer group {@code group}: 0, or the errno. */
    int registerBufferRing(MemorySegment entries, int count, short group) {
        MemorySegment reg = bufferReg;
        reg.fill((byte) 0);
        reg.set(JAVA_LONG, IO_URING_BUF_REG_RING_ADDR_OFFSET, entries.address());
        reg.set(JAVA_INT, IO_URING_BUF_REG_RING_ENTRIES_OFFSET, count);
        reg.set(JAVA_SHORT, IO_URING_BUF_REG_BGID_OFFSET, group);
        return io_uring_register(sockets.errno, ring.fd, IORING_REGISTER_PBUF_RING, reg, 1) < 0 ? Errno.errno(sockets.errno) : 0;
    }

    /** Unregisters buffer group {@code group}: 0, or the errno. */
    int unregisterBufferRing(short group) {
        MemorySegment reg = bufferReg;
        reg.fill((byte) 0);
        reg.set(JAVA_SHORT, IO_URING_BUF_REG_BGID_OFFSET, group);
        return io_uring_register(sockets.errno, ring.fd, IORING_UNREGISTER_PBUF_RING, reg, 1) < 0 ? Errno.errno(sockets.errno) : 0;
    }

    /** The {@code IORING_SETUP_*} flags this kernel accepted. */
    int setupFlags() {
        return ring.setupFlags;
    }

    @Override
    public long memorySize(int kind) {
        return switch (kind) {
            case Operation.CONNECT -> Sockets.SOCKADDR_STORAGE.byteSize();
            case Operation.SEND -> IOV_SIZE * MAX_GATHER;
            // msghdr, its one iovec, and the sender's or target's address
            case Operation.RECEIVE_FROM, Operation.SEND_TO -> MSG_ADDRESS + Sockets.SOCKADDR_STORAGE.byteSize();
            default -> 0;
        };
    }

    @Override
    public int maxGather() {
        return MAX_GATHER;
    }

    @Override
    public boolean supportsReusePort() {
        return true;
    }

    // ---- sockets ----

    @Override
    public long listen(SocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        int fd = sockets.listen(local, options, reusePort, 0);
        if (SockAddrCodec.isUnix(local)) {
            unixListeners.set(fd);
        }
        return fd;
    }

    @Override
    public int maxUnixPathBytes() {
        return SockAddrs.CODEC.maxUnixPathBytes();
    }

    @Override
    public boolean supportsAbstractUnixAddresses() {
        return SockAddrs.CODEC.abstractNames();
    }

    @Override
    public PeerCredentials peerCredentials(long socket) {
        return sockets.peerCredentials((int) socket);
    }

    @Override
    public long open(SocketAddress remote, SocketOptions options) throws IOException {
        return sockets.configureOrClose(sockets.newSocket(remote, 0), options, SockAddrCodec.isUnix(remote));
    }

    @Override
    public long accepted(Operation accept, long result, long listener, SocketOptions options) throws IOException {
        return sockets.configureOrClose((int) result, options, unixListeners.get((int) listener));
    }

    @Override
    public void acceptFailed(Operation accept) {
        // io_uring creates the socket only when an accept succeeds.
    }

    @Override
    public void adopt(long socket) {
        // A descriptor serves any ring of the process.
    }

    @Override
    public void connected(long socket) {
        // Nothing to finish: a completed connect leaves a connected socket.
    }

    @Override
    public SocketAddress localAddress(long socket) {
        return sockets.socketName((int) socket, false);
    }

    @Override
    public SocketAddress remoteAddress(long socket) {
        return sockets.socketName((int) socket, true);
    }

    @Override
    public void shutdownOutput(long socket) throws IOException {
        sockets.shutdownOutput((int) socket);
    }

    @Override
    public void resetOnClose(long socket) {
        sockets.resetOnClose((int) socket);
    }

    @Override
    public boolean stopListening(long listener) {
        // On Linux, shutting a listening socket down unhashes it at once (the port is free again)
        // and completes accepts waiting on it; its descriptor is closed once they are reaped, for
        // a posted accept holds the file, not the descriptor number.
        Sockets.shutdown(sockets.errno, (int) listener, Sockets.SHUT_RDWR);
        unixListeners.clear((int) listener);
        return false;
    }

    @Override
    public void closeNow(long socket) {
        sockets.close((int) socket);
    }

    // ---- operations ----

    @Override
    public boolean accept(Operation op, long listener) throws IOException {
        long at = ring.next(IORING_OP_ACCEPT, (int) listener, op.tag());
        ring.sqes.set(JAVA_INT, at + IO_URING_SQE_OP_FLAGS_OFFSET, Sockets.SOCK_CLOEXEC);
        if (features.multishotAccept()) {
            ring.sqes.set(JAVA_SHORT, at + IO_URING_SQE_IOPRIO_OFFSET, (short) IORING_ACCEPT_MULTISHOT);
        }
        return features.multishotAccept();
    }

    @Override
    public void connect(Operation op, long socket, SocketAddress remote) throws IOException {
        int len = SockAddrs.CODEC.encode(remote, op.memory);
        long at = ring.next(IORING_OP_CONNECT, (int) socket, op.tag());
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, op.memory.address());
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_OFF_OFFSET, len); // addr2: the address length
    }

    @Override
    public boolean receive(Operation op, long socket, ReadBuffer buffer) throws IOException {
        long at = ring.next(IORING_OP_RECV, (int) socket, op.tag());
        if (buffer == null) {
            // The kernel takes a buffer from the group when data arrives: none is held meanwhile.
            ring.sqes.set(JAVA_BYTE, at + IO_URING_SQE_FLAGS_OFFSET, (byte) IOSQE_BUFFER_SELECT);
            ring.sqes.set(JAVA_SHORT, at + IO_URING_SQE_BUF_INDEX_OFFSET, BUFFER_GROUP);
            if (multishotReceive) {
                // Stays armed, a completion per buffer; the kernel (6.0) wants length 0: each buffer's own.
                ring.sqes.set(JAVA_SHORT, at + IO_URING_SQE_IOPRIO_OFFSET, (short) IORING_RECV_MULTISHOT);
                return true;
            }
            ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, bufferSize);
            return false;
        }
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, buffer.segment().address());
        ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, buffer.capacity());
        return false;
    }

    @Override
    public int sharedReceiveSize() {
        return bufferSize;
    }

    @Override
    public ReadBuffer receivedBuffer(int flags) {
        return buffers[flags >>> IORING_CQE_BUFFER_SHIFT];
    }

    @Override
    public void releaseBuffer(ReadBuffer buffer) {
        addBuffer((int) ((buffer.segment().address() - bufferMemory.address()) / bufferSize));
        publishBuffers();
    }

    @Override
    public boolean isOutOfBuffers(int error) {
        return error == Errno.ENOBUFS;
    }

    /** Puts buffer {@code id} back at the ring's tail; the kernel sees it once {@link #publishBuffers()} runs. */
    private void addBuffer(int id) {
        putBuffer(bufferRing, bufferTail++, BUFFER_RING_ENTRIES, buffers[id].segment().address(), bufferSize, id);
    }

    private void publishBuffers() {
        publishTail(bufferRing, bufferTail);
    }

    /** Writes the entry at {@code tail} of a provided-buffer ring of {@code entries} (a power of 2): buffer {@code id}. */
    static void putBuffer(MemorySegment ring, short tail, int entries, long address, int length, int id) {
        long at = (long) (tail & (entries - 1)) * BUF_SIZE;
        ring.set(JAVA_LONG, at + IO_URING_BUF_ADDR_OFFSET, address);
        ring.set(JAVA_INT, at + IO_URING_BUF_LEN_OFFSET, length);
        ring.set(JAVA_SHORT, at + IO_URING_BUF_BID_OFFSET, (short) id);
    }

    /** Hands the entries up to {@code tail} to the kernel (a release store, read by its acquire). */
    static void publishTail(MemorySegment ring, short tail) {
        SHORT.setRelease(ring, IO_URING_BUF_RING_TAIL_OFFSET, tail);
    }

    @Override
    public void send(Operation op, long socket, WriteQueue queue, int chunks) throws IOException {
        if (chunks == 1) {
            Chunk c = queue.chunk(0);
            long at = ring.next(IORING_OP_SEND, (int) socket, op.tag());
            ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, c.segment().address() + c.readIndex());
            ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, c.readable());
            ring.sqes.set(JAVA_INT, at + IO_URING_SQE_OP_FLAGS_OFFSET, Sockets.MSG_NOSIGNAL);
            return;
        }
        MemorySegment iov = op.memory;
        for (int i = 0; i < chunks; i++) {
            Chunk c = queue.chunk(i);
            long base = i * IOV_SIZE;
            iov.set(JAVA_LONG, base + Sockets.IOVEC_IOV_BASE_OFFSET, c.segment().address() + c.readIndex());
            iov.set(JAVA_LONG, base + Sockets.IOVEC_IOV_LEN_OFFSET, c.readable());
        }
        // writev rather than sendmsg: no msghdr to lay out, and the JVM ignores the SIGPIPE that
        // MSG_NOSIGNAL would otherwise suppress.
        long at = ring.next(IORING_OP_WRITEV, (int) socket, op.tag());
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, iov.address());
        ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, chunks);
    }

    @Override
    public int receiveNow(long socket, ReadBuffer buffer) throws IOException {
        return sockets.receiveNow((int) socket, buffer);
    }

    @Override
    public void close(Operation op, long socket) {
        try {
            ring.next(IORING_OP_CLOSE, (int) socket, op.tag());
        } catch (IOException e) {
            // The submission queue could not be flushed: close now, and complete the operation by a NOP.
            log.debug("submitting a close failed; closing synchronously", e);
            sockets.close((int) socket);
            try {
                ring.next(IORING_OP_NOP, -1, op.tag());
            } catch (IOException again) {
                throw new IllegalStateException("io_uring ring unusable", again);
            }
        }
    }

    @Override
    public void cancel(Operation op) {
        try {
            long at = ring.next(IORING_OP_ASYNC_CANCEL, -1, CANCEL_TAG);
            ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, op.tag());
            if (features.skipSuccessfulCqe()) {
                ring.sqes.set(JAVA_BYTE, at + IO_URING_SQE_FLAGS_OFFSET, (byte) IOSQE_CQE_SKIP_SUCCESS);
            }
        } catch (IOException e) {
            log.warn("cancelling {} failed; it completes when its socket does", op, e);
        }
    }

    // ---- UDP ----

    @Override
    public long openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options) throws IOException {
        // Blocking, like the connections' sockets: io_uring waits for readiness itself (FAST_POLL).
        return sockets.openUdp(local, remote, options, 0);
    }

    @Override
    public void membership(long socket, boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        sockets.membership((int) socket, ((InetSocketAddress) localAddress(socket)).getAddress() instanceof Inet6Address, join, group, networkInterface);
    }

    /**
     * With multishot receives (Linux 6.0, and the switches on), a provided-buffer ring of the
     * socket's own; else {@code null}: receives with buffers of their own, {@code receiveBatch} of
     * them posted. A ring the kernel refuses falls back to the same.
     */
    @Override
    public DatagramBuffers datagramBuffers(long socket, int maxDatagramSize, int batch) {
        if (!multishotReceive) {
            return null;
        }
        short group = freeGroups.isEmpty() ? (short) nextGroup++ : freeGroups.pop();
        try {
            return new IoUringDatagramBuffers(this, group, maxDatagramSize, batch);
        } catch (IOException e) {
            freeGroups.push(group);
            log.debug("io_uring: a UDP socket's buffer ring was refused; its receives take buffers of their own", e);
            return null;
        }
    }

    void groupFreed(short group) {
        freeGroups.push(group);
    }

    void logKeptBuffers(short group, int errno, long bytes) {
        log.warn("io_uring: unregistering UDP buffer group {} failed ({} {}); its {} bytes are kept",
                group, Errno.name(errno), Errno.message(errno), bytes);
    }

    @Override
    public boolean receiveFrom(Operation op, long socket, ReadBuffer buffer, DatagramBuffers buffers) throws IOException {
        MemorySegment msg = op.memory;
        msg.fill((byte) 0);
        long at = ring.next(IORING_OP_RECVMSG, (int) socket, op.tag());
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, msg.address());
        ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, 1);
        if (buffers != null) {
            // Multishot: the kernel takes a buffer of the socket's group per datagram and writes
            // io_uring_recvmsg_out, the name (msg_namelen bytes reserved) and the payload into it.
            IoUringDatagramBuffers b = (IoUringDatagramBuffers) buffers;
            msg.set(JAVA_INT, Sockets.MSGHDR_MSG_NAMELEN_OFFSET, b.nameRoom());
            ring.sqes.set(JAVA_BYTE, at + IO_URING_SQE_FLAGS_OFFSET, (byte) IOSQE_BUFFER_SELECT);
            ring.sqes.set(JAVA_SHORT, at + IO_URING_SQE_BUF_INDEX_OFFSET, b.group);
            ring.sqes.set(JAVA_SHORT, at + IO_URING_SQE_IOPRIO_OFFSET, (short) IORING_RECV_MULTISHOT);
            return true;
        }
        msg.set(JAVA_LONG, Sockets.MSGHDR_MSG_NAME_OFFSET, msg.address() + MSG_ADDRESS);
        msg.set(JAVA_INT, Sockets.MSGHDR_MSG_NAMELEN_OFFSET, (int) Sockets.SOCKADDR_STORAGE.byteSize());
        msg.set(JAVA_LONG, Sockets.MSGHDR_MSG_IOV_OFFSET, msg.address() + MSG_IOV);
        msg.set(JAVA_LONG, Sockets.MSGHDR_MSG_IOVLEN_OFFSET, 1);
        msg.set(JAVA_LONG, MSG_IOV + Sockets.IOVEC_IOV_BASE_OFFSET, buffer.segment().address());
        msg.set(JAVA_LONG, MSG_IOV + Sockets.IOVEC_IOV_LEN_OFFSET, buffer.capacity());
        return false;
    }

    @Override
    public void receivedDatagram(Operation op, long result, int flags, DatagramBuffers buffers, ReceivedDatagram into) {
        if ((flags & Completions.PORT_BUFFER) != 0) {
            ((IoUringDatagramBuffers) buffers).describe(flags >>> IORING_CQE_BUFFER_SHIFT, (int) result, into);
            return;
        }
        MemorySegment msg = op.memory;
        into.data = op.buffer().userView((int) result);
        into.truncated = (msg.get(JAVA_INT, Sockets.MSGHDR_MSG_FLAGS_OFFSET) & Sockets.MSG_TRUNC) != 0;
        into.sender(msg, MSG_ADDRESS, msg.get(JAVA_INT, Sockets.MSGHDR_MSG_NAMELEN_OFFSET), SockAddrs.CODEC);
    }

    @Override
    public boolean isPortUnreachable(int error) {
        return error == Errno.ECONNREFUSED;
    }

    @Override
    public void sendTo(Operation op, long socket, DatagramQueue queue, int index, boolean connected) throws IOException {
        if (connected) {
            long at = ring.next(IORING_OP_SEND, (int) socket, op.tag());
            ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, queue.address(index));
            ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, queue.length(index));
            return;
        }
        MemorySegment msg = op.memory;
        InetSocketAddress target = queue.target(index);
        if (!target.equals(op.portState)) {
            // The operation's address stays encoded for the next send to the same target; the
            // loop's recent targets are kept encoded too, so answering many peers in turn encodes
            // (and allocates) nothing per datagram.
            int len = targets.writeTarget(target, msg, MSG_ADDRESS);
            if (len < 0) {
                len = SockAddrs.CODEC.encode(target, msg.asSlice(MSG_ADDRESS));
                targets.encoded(target, msg, MSG_ADDRESS, len);
            }
            msg.set(JAVA_INT, Sockets.MSGHDR_MSG_NAMELEN_OFFSET, len);
            op.portState = target;
        }
        msg.set(JAVA_LONG, Sockets.MSGHDR_MSG_NAME_OFFSET, msg.address() + MSG_ADDRESS);
        msg.set(JAVA_LONG, Sockets.MSGHDR_MSG_IOV_OFFSET, msg.address() + MSG_IOV);
        msg.set(JAVA_LONG, Sockets.MSGHDR_MSG_IOVLEN_OFFSET, 1);
        msg.set(JAVA_LONG, MSG_IOV + Sockets.IOVEC_IOV_BASE_OFFSET, queue.address(index));
        msg.set(JAVA_LONG, MSG_IOV + Sockets.IOVEC_IOV_LEN_OFFSET, queue.length(index));
        long at = ring.next(IORING_OP_SENDMSG, (int) socket, op.tag());
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, msg.address());
        ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, 1);
    }

    // ---- the loop ----

    @Override
    public void poll(long timeoutNanos, Completions sink, WaitRecorder waits) throws IOException {
        if (!wakePosted && !closed) {
            postWakeRead();
        }
        this.sink = sink;
        waits.beforeWait(timeoutNanos);
        int submitted = ring.submitAndWait(timeoutNanos);
        waits.waitEnded();
        waits.afterWait(ring.reap(this));
        if (submitted >= RECOLLECT_AFTER) {
            // What became ready while that batch was submitted, and while its completions ran, is
            // collected now, before the core turns the output those completions queued into sends:
            // otherwise it waits behind the whole next batch (see the class comment).
            ring.submitAndWait(0);
            ring.reap(this);
        }
    }

    private void postWakeRead() throws IOException {
        long at = ring.next(IORING_OP_READ, waker.fd, WAKE_TAG);
        ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, wakeBuffer.address());
        ring.sqes.set(JAVA_INT, at + IO_URING_SQE_LEN_OFFSET, 8);
        wakePosted = true;
    }

    @Override
    public void completed(long userData, int res, int flags) {
        if (userData == WAKE_TAG) {
            wakePosted = false; // posted again before the next wait
            return;
        }
        if (userData == CANCEL_TAG) {
            return;
        }
        int f = (flags & IORING_CQE_F_MORE) != 0 ? Completions.MORE : 0;
        if ((flags & IORING_CQE_F_BUFFER) != 0) {
            f |= Completions.PORT_BUFFER | (flags & 0xFFFF_0000); // the buffer id, as the kernel placed it
        }
        sink.complete(userData, res, f);
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    @Override
    public boolean isCancelled(int error) {
        return error == Errno.ECANCELED;
    }

    @Override
    public IOException exception(String operation, int error) {
        return LinuxErrors.exception(operation, error);
    }

    @Override
    public void close() {
        closed = true;
        // The eventfd read is the one operation the core does not track: take it back before the
        // buffer it names is freed.
        if (wakePosted) {
            try {
                long at = ring.next(IORING_OP_ASYNC_CANCEL, -1, CANCEL_TAG);
                ring.sqes.set(JAVA_LONG, at + IO_URING_SQE_ADDR_OFFSET, WAKE_TAG);
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (wakePosted && System.nanoTime() - deadline < 0) {
                    ring.submitAndWait(10_000_000L);
                    ring.reap((userData, res, flags) -> {
                        if (userData == WAKE_TAG) {
                            wakePosted = false;
                        }
                    });
                }
            } catch (IOException e) {
                log.warn("cancelling the wakeup read failed", e);
            }
        }
        ring.close();
        waker.close();
        if (wakePosted) {
            log.warn("the wakeup read was still posted when the ring closed; its 8 bytes are kept");
            return;
        }
        arena.close();
    }
}
