package io.netloop.linux.internal;

import io.netloop.SocketOptions;
import io.netloop.UdpOptions;
import io.netloop.bindings.linux.Errno;
import io.netloop.bindings.linux.Sockets;
import io.netloop.internal.readiness.DatagramSocketOps;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.ReadinessPoller;
import io.netloop.internal.readiness.ReadyHandler;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * What every Linux readiness poller (epoll, poll, select) shares: the loop's scratch memory for
 * socket calls, the table from descriptor to handler, and opening sockets. A subclass supplies the
 * waiting: how interest is told to the kernel and how ready descriptors come back.
 *
 * <p>Each registration gets a generation, kept beside its handler and in its socket's
 * {@link LinuxSocket#token} ({@code generation << 32 | fd}): an event still queued for a
 * descriptor that was closed and reused within the same batch is recognised as stale.
 */
abstract class LinuxPoller implements ReadinessPoller {
    /** Loop-thread scratch memory for every call this poller and its sockets make; closed with the poller. */
    final Arena arena = Arena.ofConfined();
    final SocketCalls sockets;
    final MemorySegment errno;
    final MemorySegment iovecs;
    final MemorySegment sockaddr;

    /** recvmmsg/sendmmsg arrays of this loop's UDP sockets; made at the first UDP call, closed with the poller. */
    private DatagramScratch datagramScratch;

    private ReadyHandler[] handlers = new ReadyHandler[256];
    private int[] generations = new int[256];
    private int nextGeneration;

    LinuxPoller() {
        this.sockets = new SocketCalls(arena);
        this.errno = sockets.errno;
        this.iovecs = arena.allocate(Sockets.IOVEC.byteSize() * StreamSocket.MAX_GATHER, Sockets.IOVEC.byteAlignment());
        this.sockaddr = arena.allocate(Sockets.SOCKADDR_STORAGE);
    }

    /** Records {@code handler} for the socket's descriptor under a new generation, set in its token. */
    final void track(LinuxSocket s, ReadyHandler handler) {
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
        handlers[fd] = handler;
        generations[fd] = generation;
    }

    /** Forgets the socket's registration; {@code false} when it was not the current one. */
    final boolean untrack(LinuxSocket s) {
        if (s.fd < handlers.length && generations[s.fd] == (int) (s.token >>> 32)) {
            handlers[s.fd] = null;
            generations[s.fd] = 0;
            return true;
        }
        return false;
    }

    /** The current generation of {@code fd}'s registration, 0 when none. */
    final int generation(int fd) {
        return fd < generations.length ? generations[fd] : 0;
    }

    /** The handler registered for {@code fd} under {@code generation}, or {@code null} when that registration has ended. */
    final ReadyHandler handler(int fd, int generation) {
        return fd < handlers.length && generation != 0 && generations[fd] == generation ? handlers[fd] : null;
    }

    /** Milliseconds for a wait of {@code timeoutNanos}, rounded up so a timer never finds the loop awake a little early. */
    static int timeoutMillis(long timeoutNanos) {
        return timeoutNanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000);
    }

    /** Closes the scratch memory; subclasses close their descriptors first. */
    void closeMemory() {
        if (datagramScratch != null) {
            datagramScratch.close();
            datagramScratch = null;
        }
        arena.close();
    }

    /** The loop's datagram arrays, with at least {@code slots} slots. */
    final DatagramScratch datagramScratch(int slots) {
        DatagramScratch s = datagramScratch;
        if (s == null || s.slots < slots) {
            if (s != null) {
                s.close();
            }
            s = new DatagramScratch(Math.max(slots, 64));
            datagramScratch = s;
        }
        return s;
    }

    // ---- sockets ----

    @Override
    public ListenSocket listen(InetSocketAddress local, SocketOptions options, boolean reusePort) throws IOException {
        int fd = sockets.listen(local, options, reusePort, Sockets.SOCK_NONBLOCK);
        return new LinuxListenSocket(this, fd, sockets.socketName(fd, false));
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
            return new LinuxStreamSocket(this, fd);
        } catch (IOException | RuntimeException e) {
            sockets.close(fd);
            throw e;
        }
    }

    @Override
    public DatagramSocketOps openUdp(InetSocketAddress local, InetSocketAddress remote, UdpOptions options) throws IOException {
        return LinuxDatagramSocket.open(this, local, remote, options);
    }

    /** The descriptor stays; the socket is rebuilt around this loop's scratch memory. */
    @Override
    public StreamSocket adopt(StreamSocket accepted) {
        return new LinuxStreamSocket(this, ((LinuxStreamSocket) accepted).fd);
    }
}
