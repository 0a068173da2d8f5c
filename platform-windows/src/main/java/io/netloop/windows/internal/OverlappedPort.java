package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Kernel32.OVERLAPPED;
import static io.netloop.bindings.windows.Kernel32.OVERLAPPED_HEVENT_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.SOCKET_ERROR;
import static io.netloop.bindings.windows.Ws2_32.WSABUF;
import static io.netloop.bindings.windows.Ws2_32.WSABUF_BUF_OFFSET;
import static io.netloop.bindings.windows.Ws2_32.WSABUF_LEN_OFFSET;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.MsWsock;
import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.buffer.Chunk;
import io.netloop.internal.buffer.DatagramQueue;
import io.netloop.internal.buffer.ReadBuffer;
import io.netloop.internal.buffer.WriteQueue;
import io.netloop.internal.completion.CompletionPort;
import io.netloop.internal.completion.Operation;
import io.netloop.internal.completion.ReceivedDatagram;
import io.netloop.internal.net.AddressCache;
import io.netloop.internal.net.SockAddrCodec;
import io.netloop.spi.Availability;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What the three overlapped ports share ({@code iocp}, {@code overlapped-events},
 * {@code overlapped-routines}): the synchronous socket calls, and issuing AcceptEx, ConnectEx,
 * WSARecv and WSASend, and for UDP WSARecvFrom and WSASendTo, into pooled operations. Each
 * operation's memory starts with its {@code OVERLAPPED}, followed by the operation's tag, the
 * handle it was issued on, its kind and, for a datagram receive, whether the datagram was cut, so
 * a completion that names the OVERLAPPED leads back to all of them; the rest holds the operation's
 * WSABUFs or addresses. The subclasses differ only in how a completion is signalled and reaped: a
 * packet on a completion port, an event in {@code hEvent}, or a completion routine, which is what
 * the hooks {@link #associate}, {@link #armed}, {@link #routine} and {@link #started} supply.
 *
 * <p>UDP is written here once for the three: a datagram longer than the receive's buffer
 * completes with {@code WSAEMSGSIZE} and the buffer filled (completion status
 * {@code STATUS_BUFFER_OVERFLOW}), which {@link #datagramResult} turns into the buffer's length and
 * a truncated datagram; a datagram call that fails at once with an error completes at the next
 * poll ({@link #completeAtOnce}), so that the core drops that one datagram, or reports the port
 * unreachable, instead of closing the socket. Each port's poll reaps those first and passes every
 * result through {@link #datagramResult}.
 */
abstract class OverlappedPort implements CompletionPort {
    static final int MAX_GATHER = 64;
    static final long TAG_AT = OVERLAPPED.byteSize();
    static final long HANDLE_AT = TAG_AT + 8;
    /** The operation's {@link Operation#kind()}, an {@code int}. */
    static final long KIND_AT = HANDLE_AT + 8;
    /** A datagram receive's: 1 when the datagram was longer than the buffer, an {@code int}. */
    static final long TRUNCATED_AT = KIND_AT + 4;
    static final long DATA_AT = TRUNCATED_AT + 4;
    /** In a {@link Operation#RECEIVE_FROM}'s data: its WSABUF, its flags DWORD, the sender's length, the sender. */
    static final long FROM_LENGTH_AT = WSABUF.byteSize() + 4;
    static final long FROM_AT = FROM_LENGTH_AT + 4;
    /** In a {@link Operation#SEND_TO}'s data: its WSABUF, then the target. */
    static final long TO_AT = WSABUF.byteSize();
    /** AcceptEx wants room for each address plus 16 bytes. */
    static final int ACCEPT_ADDRESS_LENGTH = (int) Ws2_32.SOCKADDR_IN6.byteSize() + 16;
    /** {@code <ntstatus.h>}: what a cancelled (CancelIoEx) or aborted (closesocket) operation ends with. */
    static final int STATUS_CANCELLED = 0xC0000120;

    /** Every address of the process, for reading an OVERLAPPED from its address without a new segment. */
    static final MemorySegment ALL = Kernel32.addressSpace();

    /** Loop-thread memory: call scratch and the subclass's own. Lives as long as the port. */
    final Arena arena = Arena.ofConfined();
    final WinSocketCalls sockets;
    final MemorySegment bytes;
    final MemorySegment flags;
    private final ExtensionFunctions extensions;
    /** Family of each listening socket, for the sockets AcceptEx needs made in advance. */
    private final Map<Long, Integer> listenerFamilies = new HashMap<>();
    /** Family of each UDP socket, for the datagram length it allows and how it takes an IPv4 target; looked up per send without boxing. */
    private final SocketHandleTable<Integer> udpFamilies = new SocketHandleTable<>();
    /** Datagram operations whose call failed at once: they complete, with their error, at the next poll. */
    private final ArrayDeque<Views> doneAtOnce = new ArrayDeque<>();
    /** Recent UDP targets, encoded for IPv4 sockets and for IPv6 ones (IPv4 targets mapped). Loop thread. */
    private final AddressCache recentTargets4 = new AddressCache(WinSockAddrs.CODEC);
    private final AddressCache recentTargets6 = new AddressCache(WinSockAddrs.CODEC);

    OverlappedPort(ExtensionFunctions extensions) {
        this.extensions = extensions;
        this.sockets = new WinSocketCalls(arena);
        this.bytes = arena.allocate(JAVA_INT);
        this.flags = arena.allocate(JAVA_INT);
    }

    /**
     * Views of an operation's memory past its header, made once per operation so that posting
     * allocates nothing, and what a port keeps with the operation across reuse (its event).
     */
    static final class Views {
        final Operation op;
        final MemorySegment data;
        /** A receive's flags DWORD, after its WSABUF. */
        final MemorySegment receiveFlags;
        /** A datagram receive's sender length, {@code INT}, written at completion. */
        final MemorySegment fromLength;
        /** A datagram receive's sender, or a datagram send's target: a {@code sockaddr_storage}. */
        final MemorySegment address;
        /** The result of a datagram call that failed at once, for {@link #reapDoneAtOnce}. */
        long resultAtOnce;
        /**
         * A datagram send's last target, for a socket of {@link #encodedFamily}, whose encoding
         * {@link #encodedLength} bytes long is still in {@link #address}: a send to the same peer
         * (an echo, a client of one server) encodes nothing.
         */
        InetSocketAddress encodedTarget;
        int encodedFamily;
        int encodedLength;
        /** The operation's event (overlapped-events and the routines port's accepts and connects); made on first use, closed with the port. */
        MemorySegment event;
        /** The waiter watching {@link #event} while the operation is posted. */
        OverlappedWaiters.Waiter waiter;

        Views(Operation op) {
            this.op = op;
            this.data = op.memory.asSlice(DATA_AT);
            boolean receive = op.kind() == Operation.RECEIVE || op.kind() == Operation.RECEIVE_FROM;
            this.receiveFlags = receive ? data.asSlice(WSABUF.byteSize(), 4) : null;
            this.fromLength = op.kind() == Operation.RECEIVE_FROM ? data.asSlice(FROM_LENGTH_AT, 4) : null;
            this.address = op.kind() == Operation.RECEIVE_FROM ? data.asSlice(FROM_AT, Ws2_32.SOCKADDR_STORAGE.byteSize())
                    : op.kind() == Operation.SEND_TO ? data.asSlice(TO_AT, Ws2_32.SOCKADDR_STORAGE.byteSize()) : null;
        }
    }

    static Views views(Operation op) {
        if (op.portState == null) {
            op.portState = new Views(op);
        }
        return (Views) op.portState;
    }

    private static MemorySegment data(Operation op) {
        return views(op).data;
    }

    // ---- the hooks ----

    /** On the loop that owns {@code socket}: binds it to the port's signalling (IOCP: the completion port). */
    void associate(long socket) throws IOException {
    }

    /** After the OVERLAPPED is zeroed and before the call: sets what signals the completion (its {@code hEvent}). */
    void armed(Operation op) throws IOException {
    }

    /** The completion routine WSARecv and WSASend name, or {@link MemorySegment#NULL}. */
    MemorySegment routine(Operation op) {
        return MemorySegment.NULL;
    }

    /** The call started the operation (pending, or done at once): it completes through the port's signalling. */
    void started(Operation op) {
    }

    /** Sets the operation's {@code hEvent} to its own event, made on first use and reset here. */
    final void armWithEvent(Operation op) throws IOException {
        Views v = views(op);
        if (v.event == null) {
            MemorySegment e = Ws2_32.WSACreateEvent(sockets.state);
            if (e.address() == 0) {
                throw sockets.lastError("WSACreateEvent");
            }
            v.event = e;
        } else {
            // Manual-reset, and left signalled by the last completion.
            Ws2_32.WSAResetEvent(sockets.state, v.event);
        }
        op.memory.set(ADDRESS, OVERLAPPED_HEVENT_OFFSET, v.event);
    }

    // ---- shared ----

    @Override
    public long memorySize(int kind) {
        long extra = switch (kind) {
            case Operation.RECEIVE -> WSABUF.byteSize() + 8; // one WSABUF and the flags DWORD
            case Operation.SEND -> WSABUF.byteSize() * MAX_GATHER;
            case Operation.ACCEPT -> 2L * ACCEPT_ADDRESS_LENGTH;
            case Operation.CONNECT -> Ws2_32.SOCKADDR_STORAGE.byteSize();
            case Operation.RECEIVE_FROM -> FROM_AT + Ws2_32.SOCKADDR_STORAGE.byteSize();
            case Operation.SEND_TO -> TO_AT + Ws2_32.SOCKADDR_STORAGE.byteSize();
            default -> 0;
        };
        return DATA_AT + extra;
    }

    @Override
    public int maxGather() {
        return MAX_GATHER;
    }

    /** Not done: every read is an overlapped WSARecv. */
    @Override
    public int receiveNow(long socket, ReadBuffer buffer) {
        return 0;
    }

    /** Winsock has no SO_REUSEPORT, and the listener is SO_EXCLUSIVEADDRUSE: a second bind of its port fails. */
    @Override
    public boolean supportsReusePort() {
        return false;
    }

    /** Zeroes the OVERLAPPED (required before each use) and records the tag, the issuing handle and the kind. */
    static void prepare(Operation op, long handle) {
        for (long i = 0; i < TAG_AT; i += 8) {
            op.memory.set(JAVA_LONG, i, 0L);
        }
        op.memory.set(JAVA_LONG, TAG_AT, op.tag());
        op.memory.set(JAVA_LONG, HANDLE_AT, handle);
        op.memory.set(JAVA_INT, KIND_AT, op.kind());
        op.memory.set(JAVA_INT, TRUNCATED_AT, 0);
    }

    static long tagOf(long overlapped) {
        return ALL.get(JAVA_LONG, overlapped + TAG_AT);
    }

    /** A call that returned failure: pending is fine (the completion will come), anything else did not start. */
    private void checkStarted(boolean failed, String operation) throws IOException {
        if (failed) {
            int e = WinErrors.wsaLastError(sockets.state);
            if (e != WinErrors.WSA_IO_PENDING) {
                throw WinSocketCalls.exception(operation, e);
            }
        }
    }

    /**
     * A finished operation's result from Winsock: its bytes, or its negated WSAE* code (WSAENOTSOCK
     * when its socket is closed already).
     */
    final long overlappedResult(long overlapped) {
        long handle = ALL.get(JAVA_LONG, overlapped + HANDLE_AT);
        if (Ws2_32.WSAGetOverlappedResult(sockets.state, handle, MemorySegment.ofAddress(overlapped), bytes, 0, flags) != 0) {
            return Integer.toUnsignedLong(bytes.get(JAVA_INT, 0));
        }
        return -WinErrors.wsaLastError(sockets.state);
    }

    /**
     * What the core is told of a finished operation whose result Winsock gave as {@code result}:
     * the same, except that a datagram receive ending with {@code WSAEMSGSIZE} filled its buffer
     * with the first part of a longer datagram (UDP drops the rest), which is the buffer's length
     * and a truncated datagram. Every port passes its results through here.
     */
    static long datagramResult(long overlapped, long result) {
        if (result == -WinErrors.WSAEMSGSIZE && ALL.get(JAVA_INT, overlapped + KIND_AT) == Operation.RECEIVE_FROM) {
            ALL.set(JAVA_INT, overlapped + TRUNCATED_AT, 1);
            return Integer.toUnsignedLong(ALL.get(JAVA_INT, overlapped + DATA_AT + WSABUF_LEN_OFFSET));
        }
        return result;
    }

    /** A datagram call failed at once with {@code error}: the operation completes with it at the next poll. */
    final void completeAtOnce(Operation op, int error) {
        Views v = views(op);
        v.resultAtOnce = -error;
        doneAtOnce.add(v);
    }

    /** Whether a poll has completions to hand over without waiting. */
    final boolean hasDoneAtOnce() {
        return !doneAtOnce.isEmpty();
    }

    /** At the start of each poll: the datagram operations that failed at once. */
    final void reapDoneAtOnce(Completions sink) {
        Views v;
        while ((v = doneAtOnce.poll()) != null) {
            sink.complete(v.op.tag(), v.resultAtOnce, 0);
        }
    }

    /** The socket is being closed: forgets what the port kept of it. */
    final void forget(long socket) {
        udpFamilies.remove(socket);
    }

    // ---- sockets ----

    /**
     * The overlapped models take no {@code AF_UNIX} sockets yet: AcceptEx and ConnectEx with a
     * {@code sockaddr_un} are not documented for AF_UNIX, ConnectEx needs the socket bound first
     * (to what, for a client with no name, Windows does not say), and reports of ConnectEx writing
     * past a {@code sockaddr_un} (libuv#4636) leave them unproven; none of it can be run in this
     * build (Wine proves layouts and call sequences, not afunix.sys). Refused before any call,
     * saying which backends do take them.
     */
    private void refuseUnix(SocketAddress address) throws IOException {
        if (SockAddrCodec.isUnix(address)) {
            throw new IOException("the overlapped Windows backends (iocp, overlapped-events, overlapped-routines) "
                    + "do not open Unix-domain sockets (" + address
                    + "): AcceptEx and ConnectEx with AF_UNIX are unproven on Windows; use the eventselect, "
                    + "winsock-select, asyncselect or nio backend (Windows 10 1803 or later)");
        }
    }

    @Override
    public long listen(SocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        refuseUnix(local);
        long s = sockets.listen(local, options);
        try {
            associate(s);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        listenerFamilies.put(s, WinSockAddrs.CODEC.family(local));
        return s;
    }

    @Override
    public long open(SocketAddress remote, SocketOptions options) throws IOException {
        refuseUnix(remote);
        int family = WinSockAddrs.CODEC.family(remote);
        long s = sockets.configureOrClose(sockets.newSocket(family), options, false);
        try {
            sockets.bindAny(s, family);
            associate(s);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        return s;
    }

    @Override
    public long accepted(Operation accept, long result, long listener, SocketOptions options) throws IOException {
        long s = accept.socket;
        accept.socket = 0;
        try {
            sockets.setSocketOption(s, Ws2_32.SO_UPDATE_ACCEPT_CONTEXT, listener);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        return sockets.configureOrClose(s, options, false);
    }

    @Override
    public void acceptFailed(Operation accept) {
        if (accept.socket != 0) {
            sockets.close(accept.socket);
            accept.socket = 0;
        }
    }

    @Override
    public void adopt(long socket) throws IOException {
        associate(socket);
    }

    @Override
    public void connected(long socket) throws IOException {
        sockets.setSocketOption(socket, Ws2_32.SO_UPDATE_CONNECT_CONTEXT, 0);
    }

    @Override
    public SocketAddress localAddress(long socket) {
        return sockets.socketName(socket, false);
    }

    @Override
    public SocketAddress remoteAddress(long socket) {
        return sockets.socketName(socket, true);
    }

    @Override
    public void shutdownOutput(long socket) throws IOException {
        sockets.shutdownOutput(socket);
    }

    @Override
    public void resetOnClose(long socket) {
        sockets.resetOnClose(socket);
    }

    @Override
    public boolean stopListening(long listener) {
        // Closing the socket frees the port at once and ends every posted AcceptEx with
        // ERROR_OPERATION_ABORTED; their OVERLAPPEDs stay the core's until those completions are reaped.
        listenerFamilies.remove(listener);
        sockets.close(listener);
        return true;
    }

    @Override
    public void closeNow(long socket) {
        forget(socket);
        sockets.close(socket);
    }

    // ---- UDP sockets ----

    @Override
    public long openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options) throws IOException {
        long s = sockets.openUdp(local, remote, options);
        try {
            associate(s);
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        udpFamilies.put(s, WinSockAddrs.CODEC.family(local));
        return s;
    }

    @Override
    public void membership(long socket, boolean join, InetAddress group, NetworkInterface networkInterface) throws IOException {
        sockets.membership(socket, join, group, networkInterface);
    }

    /**
     * One {@code WSARecvFrom} into the core's buffer, its sender written into the operation's
     * memory. {@code WSAEMSGSIZE} at once means a longer datagram was waiting and has filled the
     * buffer: its completion still comes (the NT status is a warning), and {@link #datagramResult}
     * reads it as truncated. Any other error at once completes at the next poll.
     */
    @Override
    public boolean receiveFrom(Operation op, long socket, ReadBuffer buffer, DatagramBuffers buffers) throws IOException {
        if (buffer == null) {
            throw new IllegalArgumentException("an overlapped port does not pick receive buffers: the core passes its own");
        }
        prepare(op, socket);
        armed(op);
        Views v = views(op);
        v.data.set(JAVA_INT, WSABUF_LEN_OFFSET, buffer.capacity());
        v.data.set(JAVA_LONG, WSABUF_BUF_OFFSET, buffer.segment().address());
        v.receiveFlags.set(JAVA_INT, 0, 0);
        v.fromLength.set(JAVA_INT, 0, (int) v.address.byteSize());
        int rc = Ws2_32.WSARecvFrom(sockets.state, socket, v.data, 1, MemorySegment.NULL, v.receiveFlags, v.address, v.fromLength,
                op.memory, routine(op));
        if (rc == SOCKET_ERROR) {
            int e = WinErrors.wsaLastError(sockets.state);
            if (e != WinErrors.WSA_IO_PENDING && e != WinErrors.WSAEMSGSIZE) {
                completeAtOnce(op, e);
                return false;
            }
        }
        started(op);
        return false;
    }

    @Override
    public void receivedDatagram(Operation op, long result, int flags, DatagramBuffers buffers, ReceivedDatagram into) {
        Views v = views(op);
        into.data = op.buffer().userView((int) result);
        into.sender(v.address, 0, v.fromLength.get(JAVA_INT, 0), WinSockAddrs.CODEC);
        into.truncated = op.memory.get(JAVA_INT, TRUNCATED_AT) != 0;
        into.portBuffer = -1;
    }

    /**
     * Windows reports a connected socket's ICMP port unreachable as {@code WSAECONNRESET} (a
     * completion routine's {@code dwError} as {@code ERROR_PORT_UNREACHABLE}); Wine, from Linux's
     * {@code ECONNREFUSED}, as {@code WSAECONNREFUSED}.
     */
    @Override
    public boolean isPortUnreachable(int error) {
        return error == WinErrors.WSAECONNRESET || error == WinErrors.WSAECONNREFUSED
                || error == WinErrors.ERROR_PORT_UNREACHABLE || error == WinErrors.ERROR_CONNECTION_REFUSED;
    }

    /**
     * One {@code WSASendTo} of the datagram where it lies in the queue, to its target (an IPv4
     * target of a dual-stack socket as its mapped IPv6 address) or, connected, to the peer. A
     * datagram longer than the socket's family allows is refused here, without the call (see
     * {@link WinSocketCalls#maxDatagram}); that and any error at once complete at the next poll.
     */
    @Override
    public void sendTo(Operation op, long socket, DatagramQueue queue, int index, boolean connected) throws IOException {
        Integer family = udpFamilies.get(socket);
        if (family == null) {
            throw WinSocketCalls.exception("send", WinErrors.WSAENOTSOCK);
        }
        int length = queue.length(index);
        if (length > WinSocketCalls.maxDatagram(family)) {
            prepare(op, socket); // a cancel before the next poll then names this socket, and finds nothing
            completeAtOnce(op, WinErrors.WSAEMSGSIZE);
            return;
        }
        prepare(op, socket);
        armed(op);
        Views v = views(op);
        v.data.set(JAVA_INT, WSABUF_LEN_OFFSET, length);
        v.data.set(JAVA_LONG, WSABUF_BUF_OFFSET, queue.address(index));
        int toLength = 0;
        if (!connected) {
            InetSocketAddress target = queue.target(index);
            if (target != v.encodedTarget && !target.equals(v.encodedTarget) || family != v.encodedFamily) {
                // The loop's recent targets stay encoded per family (an IPv6 socket takes IPv4
                // targets mapped), so answering many peers in turn encodes nothing per datagram.
                AddressCache recent = family == Ws2_32.AF_INET6 ? recentTargets6 : recentTargets4;
                int encoded = recent.writeTarget(target, v.address, 0);
                if (encoded < 0) {
                    encoded = WinSockAddrs.encodeFor(family, target, v.address);
                    recent.encoded(target, v.address, 0, encoded);
                }
                v.encodedLength = encoded;
                v.encodedTarget = target;
                v.encodedFamily = family;
            }
            toLength = v.encodedLength;
        }
        int rc = Ws2_32.WSASendTo(sockets.state, socket, v.data, 1, MemorySegment.NULL, 0,
                connected ? MemorySegment.NULL : v.address, toLength, op.memory, routine(op));
        if (rc == SOCKET_ERROR) {
            int e = WinErrors.wsaLastError(sockets.state);
            if (e != WinErrors.WSA_IO_PENDING) {
                completeAtOnce(op, e);
                return;
            }
        }
        started(op);
    }

    // ---- operations ----

    @Override
    public boolean accept(Operation op, long listener) throws IOException {
        Integer family = listenerFamilies.get(listener);
        if (family == null) {
            throw WinSocketCalls.exception("accept", WinErrors.WSAENOTSOCK);
        }
        long s = sockets.newSocket(family);
        try {
            prepare(op, listener);
            armed(op);
            MemorySegment buffer = data(op);
            boolean ok = MsWsock.AcceptEx(sockets.state, extensions.acceptEx, listener, s, buffer, 0,
                    ACCEPT_ADDRESS_LENGTH, ACCEPT_ADDRESS_LENGTH, bytes, op.memory) != 0;
            checkStarted(!ok, "accept");
        } catch (IOException e) {
            sockets.close(s);
            throw e;
        }
        op.socket = s;
        started(op);
        return false;
    }

    @Override
    public void connect(Operation op, long socket, SocketAddress remote) throws IOException {
        prepare(op, socket);
        armed(op);
        MemorySegment address = data(op);
        int len = WinSockAddrs.CODEC.encode(remote, address);
        boolean ok = MsWsock.ConnectEx(sockets.state, extensions.connectEx, socket, address, len,
                MemorySegment.NULL, 0, MemorySegment.NULL, op.memory) != 0;
        checkStarted(!ok, "connect");
        started(op);
    }

    @Override
    public boolean receive(Operation op, long socket, ReadBuffer buffer) throws IOException {
        prepare(op, socket);
        armed(op);
        Views v = views(op);
        v.data.set(JAVA_INT, WSABUF_LEN_OFFSET, buffer.capacity());
        v.data.set(JAVA_LONG, WSABUF_BUF_OFFSET, buffer.segment().address());
        v.receiveFlags.set(JAVA_INT, 0, 0);
        int rc = Ws2_32.WSARecv(sockets.state, socket, v.data, 1, MemorySegment.NULL, v.receiveFlags, op.memory, routine(op));
        checkStarted(rc == SOCKET_ERROR, "read");
        started(op);
        return false;
    }

    @Override
    public void send(Operation op, long socket, WriteQueue queue, int chunks) throws IOException {
        prepare(op, socket);
        armed(op);
        MemorySegment d = data(op);
        for (int i = 0; i < chunks; i++) {
            Chunk c = queue.chunk(i);
            long at = i * WSABUF.byteSize();
            d.set(JAVA_INT, at + WSABUF_LEN_OFFSET, c.readable());
            d.set(JAVA_LONG, at + WSABUF_BUF_OFFSET, c.segment().address() + c.readIndex());
        }
        int rc = Ws2_32.WSASend(sockets.state, socket, d, chunks, MemorySegment.NULL, 0, op.memory, routine(op));
        checkStarted(rc == SOCKET_ERROR, "write");
        started(op);
    }

    @Override
    public void cancel(Operation op) {
        long handle = op.memory.get(JAVA_LONG, HANDLE_AT);
        // ERROR_NOT_FOUND: it has completed already and its completion is on the way.
        Kernel32.CancelIoEx(sockets.state, MemorySegment.ofAddress(handle), op.memory);
    }

    @Override
    public boolean isCancelled(int error) {
        return error == WinErrors.ERROR_OPERATION_ABORTED;
    }

    @Override
    public IOException exception(String operation, int error) {
        return WinSocketCalls.exception(operation, error);
    }

    /** {@code AcceptEx} and {@code ConnectEx}, fetched once for the process through {@code WSAIoctl}. */
    static final class ExtensionFunctions {
        final MemorySegment acceptEx;
        final MemorySegment connectEx;

        private ExtensionFunctions(MemorySegment acceptEx, MemorySegment connectEx) {
            this.acceptEx = acceptEx;
            this.connectEx = connectEx;
        }

        static ExtensionFunctions load() throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                WinSocketCalls calls = new WinSocketCalls(arena);
                long s = calls.newSocket(Ws2_32.AF_INET);
                try {
                    return new ExtensionFunctions(
                            pointer(calls, s, arena, Ws2_32.WSAID_ACCEPTEX_LO, Ws2_32.WSAID_ACCEPTEX_HI, "AcceptEx"),
                            pointer(calls, s, arena, Ws2_32.WSAID_CONNECTEX_LO, Ws2_32.WSAID_CONNECTEX_HI, "ConnectEx"));
                } finally {
                    calls.close(s);
                }
            }
        }

        private static MemorySegment pointer(WinSocketCalls calls, long s, Arena arena, long lo, long hi, String name)
                throws IOException {
            MemorySegment guid = arena.allocate(Ws2_32.GUID);
            Ws2_32.writeGuid(guid, lo, hi);
            MemorySegment out = arena.allocate(JAVA_LONG);
            MemorySegment returned = arena.allocate(JAVA_INT);
            int rc = Ws2_32.WSAIoctl(calls.state, s, Ws2_32.SIO_GET_EXTENSION_FUNCTION_POINTER, guid, (int) guid.byteSize(),
                    out, 8, returned, MemorySegment.NULL, MemorySegment.NULL);
            if (rc == SOCKET_ERROR) {
                throw WinSocketCalls.exception("WSAIoctl(" + name + ")", WinErrors.wsaLastError(calls.state));
            }
            return MemorySegment.ofAddress(out.get(JAVA_LONG, 0));
        }

        /** Loaded once for the process, and whether that worked; shared by the three overlapped backends. */
        static final class Shared {
            static final ExtensionFunctions FUNCTIONS;
            static final Availability AVAILABILITY;

            static {
                ExtensionFunctions f = null;
                Availability a;
                try {
                    f = load();
                    a = Availability.available();
                } catch (IOException | RuntimeException e) {
                    a = Availability.unavailable("AcceptEx/ConnectEx could not be loaded: " + e.getMessage(), e);
                }
                FUNCTIONS = f;
                AVAILABILITY = a;
            }
        }
    }
}
