package io.netloop.bindings.linux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.netloop.bindings.linux.Epoll.EPOLLERR;
import static io.netloop.bindings.linux.Epoll.EPOLLIN;
import static io.netloop.bindings.linux.Epoll.EPOLLOUT;
import static io.netloop.bindings.linux.Epoll.EPOLLRDHUP;
import static io.netloop.bindings.linux.Epoll.EPOLL_CLOEXEC;
import static io.netloop.bindings.linux.Epoll.EPOLL_CTL_ADD;
import static io.netloop.bindings.linux.Sockets.AF_INET;
import static io.netloop.bindings.linux.Sockets.AF_INET6;
import static io.netloop.bindings.linux.Sockets.IN_ADDR_T;
import static io.netloop.bindings.linux.Sockets.IN_PORT_T;
import static io.netloop.bindings.linux.Sockets.SOCK_CLOEXEC;
import static io.netloop.bindings.linux.Sockets.SOCK_NONBLOCK;
import static io.netloop.bindings.linux.Sockets.SOCK_STREAM;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real calls over real loopback sockets: each binding against the kernel, no mocks. */
class LinuxBindingsTest {

    private static final int LOOPBACK = 0x7f000001;
    // Bounds every wait so a broken binding fails instead of hanging; not a timing assertion.
    private static final int WAIT_MILLIS = 10_000;

    private Arena arena;
    private MemorySegment errnoState;
    private final List<Integer> openFds = new ArrayList<>();

    @BeforeAll
    static void onLinux() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux bindings");
    }

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        errnoState = Errno.allocateState(arena);
    }

    @AfterEach
    void tearDown() {
        for (int fd : openFds) {
            Sockets.close(errnoState, fd);
        }
        openFds.clear();
        arena.close();
    }

    @Test
    void loopbackConnectAcceptWriteRead() {
        int server = listener();
        MemorySegment serverAddress = arena.allocate(Sockets.SOCKADDR_STORAGE);
        MemorySegment length = intOf((int) Sockets.SOCKADDR_STORAGE.byteSize());
        check(Sockets.getsockname(errnoState, server, serverAddress, length), "getsockname");
        assertEquals(Sockets.SOCKADDR_IN.byteSize(), length.get(JAVA_INT, 0));
        assertEquals(AF_INET, serverAddress.get(JAVA_SHORT, Sockets.SOCKADDR_STORAGE_SS_FAMILY_OFFSET));
        assertEquals(LOOPBACK, serverAddress.get(IN_ADDR_T, Sockets.SOCKADDR_IN_SIN_ADDR_OFFSET));
        int serverPort = Short.toUnsignedInt(serverAddress.get(IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET));
        assertNotEquals(0, serverPort);

        int client = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
        assertEquals(-1, Sockets.connect(errnoState, client, sockaddrIn(LOOPBACK, serverPort), (int) Sockets.SOCKADDR_IN.byteSize()));
        assertErrno(Errno.EINPROGRESS);
        assertTrue((await(client, EPOLLOUT) & EPOLLOUT) != 0, "connected socket is writable");
        assertEquals(0, intOption(client, Sockets.SOL_SOCKET, Sockets.SO_ERROR));

        MemorySegment peer = arena.allocate(Sockets.SOCKADDR_STORAGE);
        MemorySegment peerLength = intOf((int) Sockets.SOCKADDR_STORAGE.byteSize());
        int accepted = open(Sockets.accept4(errnoState, server, peer, peerLength, SOCK_NONBLOCK | SOCK_CLOEXEC), "accept4");
        assertEquals(AF_INET, peer.get(JAVA_SHORT, Sockets.SOCKADDR_STORAGE_SS_FAMILY_OFFSET));
        assertEquals(localPort(client), Short.toUnsignedInt(peer.get(IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET)));

        MemorySegment clientPeer = arena.allocate(Sockets.SOCKADDR_IN);
        MemorySegment clientPeerLength = intOf((int) Sockets.SOCKADDR_IN.byteSize());
        check(Sockets.getpeername(errnoState, client, clientPeer, clientPeerLength), "getpeername");
        assertEquals(serverPort, Short.toUnsignedInt(clientPeer.get(IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET)));

        assertEquals(5, Sockets.write(errnoState, client, ascii("hello"), 5));
        assertTrue((await(accepted, EPOLLIN) & EPOLLIN) != 0);
        MemorySegment buffer = arena.allocate(64);
        long n = Sockets.read(errnoState, accepted, buffer, buffer.byteSize());
        assertEquals("hello", ascii(buffer, n));
    }

    @Test
    void writevGathersAndReadvScatters() {
        Connection c = connect();
        MemorySegment out = arena.allocate(Sockets.IOVEC, 2);
        iovec(out, 0, ascii("hello, "));
        iovec(out, 1, ascii("world"));
        assertEquals(12, Sockets.writev(errnoState, c.client, out, 2));

        await(c.accepted, EPOLLIN);
        MemorySegment first = arena.allocate(5);
        MemorySegment second = arena.allocate(7);
        MemorySegment in = arena.allocate(Sockets.IOVEC, 2);
        iovec(in, 0, first);
        iovec(in, 1, second);
        assertEquals(12, Sockets.readv(errnoState, c.accepted, in, 2));
        assertEquals("hello", ascii(first, 5));
        assertEquals(", world", ascii(second, 7));
    }

    @Test
    void readOnEmptyNonblockingSocketIsEagain() {
        Connection c = connect();
        MemorySegment buffer = arena.allocate(16);
        assertEquals(-1, Sockets.read(errnoState, c.accepted, buffer, buffer.byteSize()));
        assertErrno(Errno.EAGAIN);
        assertEquals(Errno.EAGAIN, Errno.EWOULDBLOCK);
    }

    @Test
    void sendRecvHonourFlags() {
        Connection c = connect();
        assertEquals(4, Sockets.send(errnoState, c.client, ascii("ping"), 4, Sockets.MSG_NOSIGNAL));
        await(c.accepted, EPOLLIN);

        MemorySegment buffer = arena.allocate(16);
        assertEquals(4, Sockets.recv(errnoState, c.accepted, buffer, buffer.byteSize(), Sockets.MSG_PEEK));
        assertEquals("ping", ascii(buffer, 4));
        buffer.fill((byte) 0);
        assertEquals(4, Sockets.recv(errnoState, c.accepted, buffer, buffer.byteSize(), 0));
        assertEquals("ping", ascii(buffer, 4));
        assertEquals(-1, Sockets.recv(errnoState, c.accepted, buffer, buffer.byteSize(), Sockets.MSG_DONTWAIT));
        assertErrno(Errno.EAGAIN);

        // Sending after our own SHUT_WR is EPIPE; MSG_NOSIGNAL keeps SIGPIPE away.
        check(Sockets.shutdown(errnoState, c.client, Sockets.SHUT_WR), "shutdown");
        assertEquals(-1, Sockets.send(errnoState, c.client, ascii("late"), 4, Sockets.MSG_NOSIGNAL));
        assertErrno(Errno.EPIPE);
    }

    @Test
    void shutdownWriteGivesPeerRdhupAndEof() {
        Connection c = connect();
        check(Sockets.shutdown(errnoState, c.client, Sockets.SHUT_WR), "shutdown");
        int events = await(c.accepted, EPOLLIN | EPOLLRDHUP);
        assertTrue((events & EPOLLRDHUP) != 0, "EPOLLRDHUP in " + Integer.toHexString(events));
        MemorySegment buffer = arena.allocate(16);
        assertEquals(0, Sockets.read(errnoState, c.accepted, buffer, buffer.byteSize()));
    }

    @Test
    void closeSucceedsAndABadFdIsEbadf() {
        int fd = Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        check(fd, "socket");
        assertEquals(0, Sockets.close(errnoState, fd));
        // Not fd again: another JVM thread may already have been given that number.
        assertEquals(-1, Sockets.close(errnoState, -1));
        assertErrno(Errno.EBADF);
    }

    @Test
    void socketOptionsRoundTrip() {
        int fd = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        assertEquals(SOCK_STREAM, intOption(fd, Sockets.SOL_SOCKET, Sockets.SO_TYPE));

        assertEquals(0, intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY));
        check(Sockets.setsockopt(errnoState, fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, intOf(1), 4), "setsockopt");
        assertNotEquals(0, intOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY));

        MemorySegment linger = arena.allocate(Sockets.LINGER);
        linger.set(JAVA_INT, Sockets.LINGER_L_ONOFF_OFFSET, 1);
        linger.set(JAVA_INT, Sockets.LINGER_L_LINGER_OFFSET, 7);
        check(Sockets.setsockopt(errnoState, fd, Sockets.SOL_SOCKET, Sockets.SO_LINGER, linger, (int) Sockets.LINGER.byteSize()), "setsockopt");
        MemorySegment read = arena.allocate(Sockets.LINGER);
        MemorySegment length = intOf((int) Sockets.LINGER.byteSize());
        check(Sockets.getsockopt(errnoState, fd, Sockets.SOL_SOCKET, Sockets.SO_LINGER, read, length), "getsockopt");
        assertEquals(Sockets.LINGER.byteSize(), length.get(JAVA_INT, 0));
        assertNotEquals(0, read.get(JAVA_INT, Sockets.LINGER_L_ONOFF_OFFSET));
        assertEquals(7, read.get(JAVA_INT, Sockets.LINGER_L_LINGER_OFFSET));

        assertEquals(-1, Sockets.setsockopt(errnoState, fd, Sockets.SOL_SOCKET, 0x7fff, intOf(1), 4));
        assertErrno(Errno.ENOPROTOOPT);
    }

    @Test
    void epollSeesInOnAcceptedSocketAfterPeerWrites() {
        Connection c = connect();
        int epfd = open(Epoll.epoll_create1(errnoState, EPOLL_CLOEXEC), "epoll_create1");
        // Every byte of data set, so a misplaced (packed versus aligned) field cannot pass.
        long data = 0x1122_3344_5566_7788L;
        MemorySegment event = arena.allocate(Epoll.EPOLL_EVENT);
        Epoll.set(event, EPOLLIN, data);
        check(Epoll.epoll_ctl(errnoState, epfd, EPOLL_CTL_ADD, c.accepted, event), "epoll_ctl");

        MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT, 4);
        assertEquals(0, Epoll.epoll_wait(errnoState, epfd, events, 4, 0));

        assertEquals(1, Sockets.write(errnoState, c.client, ascii("x"), 1));
        assertEquals(1, Epoll.epoll_wait(errnoState, epfd, events, 4, WAIT_MILLIS));
        assertEquals(EPOLLIN, Epoll.events(events, 0));
        assertEquals(data, Epoll.data(events, 0));

        assertEquals(-1, Epoll.epoll_ctl(errnoState, epfd, EPOLL_CTL_ADD, c.accepted, event));
        assertErrno(Errno.EEXIST);
    }

    /** A new epoll instance with {@code fd} registered for input, with {@code data}. */
    private int epollWatching(int fd, long data) {
        int epfd = open(Epoll.epoll_create1(errnoState, EPOLL_CLOEXEC), "epoll_create1");
        MemorySegment event = arena.allocate(Epoll.EPOLL_EVENT);
        Epoll.set(event, EPOLLIN, data);
        check(Epoll.epoll_ctl(errnoState, epfd, EPOLL_CTL_ADD, fd, event), "epoll_ctl");
        return epfd;
    }

    @Test
    void eventfdWriteWakesEpoll() {
        int efd = open(EventFd.eventfd(errnoState, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC), "eventfd");
        int epfd = epollWatching(efd, 7L);
        MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT, 4);
        assertEquals(0, Epoll.epoll_wait(errnoState, epfd, events, 4, 0));

        MemorySegment counter = arena.allocate(JAVA_LONG);
        counter.set(JAVA_LONG, 0, 3L);
        assertEquals(8, Sockets.write(errnoState, efd, counter, 8));
        assertEquals(1, Epoll.epoll_wait(errnoState, epfd, events, 4, WAIT_MILLIS));
        assertEquals(EPOLLIN, Epoll.events(events, 0) & EPOLLIN);
        assertEquals(7L, Epoll.data(events, 0));

        counter.set(JAVA_LONG, 0, 0L);
        assertEquals(8, Sockets.read(errnoState, efd, counter, 8));
        assertEquals(3L, counter.get(JAVA_LONG, 0));
        assertEquals(-1, Sockets.read(errnoState, efd, counter, 8));
        assertErrno(Errno.EAGAIN);
    }

    @Test
    void epollWaitWithoutErrnoSeesEventsAndLeavesTheCauseToTheCapturingForm() {
        int efd = open(EventFd.eventfd(errnoState, 0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC), "eventfd");
        int epfd = epollWatching(efd, 7L);
        MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT, 4);
        assertEquals(0, Epoll.epoll_wait(epfd, events, 4, 0));

        MemorySegment counter = arena.allocate(JAVA_LONG);
        counter.set(JAVA_LONG, 0, 1L);
        assertEquals(8, Sockets.write(errnoState, efd, counter, 8));
        assertEquals(1, Epoll.epoll_wait(epfd, events, 4, WAIT_MILLIS));
        assertEquals(7L, Epoll.data(events, 0));

        assertEquals(-1, Epoll.epoll_wait(-1, events, 4, 0));
        assertEquals(-1, Epoll.epoll_wait(errnoState, -1, events, 4, 0));
        assertErrno(Errno.EBADF);
    }

    /**
     * What the form without errno is for. A capturing handle allocates a 40-byte slice of its
     * capture segment per call until C2 removes it, if it does; this one allocates nothing per
     * call. The allowance of under a byte per call is for one-off work (the JIT's).
     */
    @Test
    void epollWaitWithoutErrnoAllocatesNothingPerCall() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not measure per-thread allocation");
        int epfd = open(Epoll.epoll_create1(errnoState, EPOLL_CLOEXEC), "epoll_create1");
        MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT, 4);
        int ready = 0;
        for (int i = 0; i < 1_000; i++) { // links the handle, and the JDK customises it after 127 calls
            ready += Epoll.epoll_wait(epfd, events, 4, 0);
        }
        mx.getCurrentThreadAllocatedBytes();
        long before = mx.getCurrentThreadAllocatedBytes();
        int calls = 50_000;
        for (int i = 0; i < calls; i++) {
            ready += Epoll.epoll_wait(epfd, events, 4, 0);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, ready);
        assertTrue(allocated < calls, allocated + " bytes allocated by " + calls + " calls of epoll_wait without errno");
    }

    @Test
    void connectToClosedPortIsRefused() {
        // A socket bound but not listening answers SYN with RST, and holds the port meanwhile.
        int closed = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        check(Sockets.bind(errnoState, closed, sockaddrIn(LOOPBACK, 0), (int) Sockets.SOCKADDR_IN.byteSize()), "bind");
        MemorySegment target = sockaddrIn(LOOPBACK, localPort(closed));

        int blocking = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        assertEquals(-1, Sockets.connect(errnoState, blocking, target, (int) Sockets.SOCKADDR_IN.byteSize()));
        assertErrno(Errno.ECONNREFUSED);

        int nonblocking = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
        assertEquals(-1, Sockets.connect(errnoState, nonblocking, target, (int) Sockets.SOCKADDR_IN.byteSize()));
        assertErrno(Errno.EINPROGRESS);
        assertTrue((await(nonblocking, EPOLLOUT) & EPOLLERR) != 0, "refused connect reports EPOLLERR");
        assertEquals(Errno.ECONNREFUSED, intOption(nonblocking, Sockets.SOL_SOCKET, Sockets.SO_ERROR));
    }

    @Test
    void ipv6Loopback() {
        int server = Sockets.socket(errnoState, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assumeTrue(server >= 0 || Errno.errno(errnoState) != Errno.EAFNOSUPPORT, "IPv6 not supported");
        open(server, "socket");
        check(Sockets.setsockopt(errnoState, server, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, intOf(1), 4), "setsockopt");
        MemorySegment any = sockaddrIn6Loopback(0);
        int bound = Sockets.bind(errnoState, server, any, (int) Sockets.SOCKADDR_IN6.byteSize());
        assumeTrue(bound == 0 || Errno.errno(errnoState) != Errno.EADDRNOTAVAIL, "IPv6 loopback not available");
        check(bound, "bind");
        check(Sockets.listen(errnoState, server, Sockets.SOMAXCONN), "listen");

        MemorySegment address = arena.allocate(Sockets.SOCKADDR_IN6);
        MemorySegment length = intOf((int) Sockets.SOCKADDR_IN6.byteSize());
        check(Sockets.getsockname(errnoState, server, address, length), "getsockname");
        assertEquals(Sockets.SOCKADDR_IN6.byteSize(), length.get(JAVA_INT, 0));
        assertEquals(AF_INET6, address.get(JAVA_SHORT, Sockets.SOCKADDR_IN6_SIN6_FAMILY_OFFSET));
        byte[] loopback = new byte[16];
        loopback[15] = 1;
        assertArrayEquals(loopback, address.asSlice(Sockets.SOCKADDR_IN6_SIN6_ADDR_OFFSET, 16).toArray(JAVA_BYTE));
        int port = Short.toUnsignedInt(address.get(IN_PORT_T, Sockets.SOCKADDR_IN6_SIN6_PORT_OFFSET));
        assertNotEquals(0, port);

        int client = open(Sockets.socket(errnoState, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        check(Sockets.connect(errnoState, client, sockaddrIn6Loopback(port), (int) Sockets.SOCKADDR_IN6.byteSize()), "connect");
        MemorySegment peer = arena.allocate(Sockets.SOCKADDR_STORAGE);
        MemorySegment peerLength = intOf((int) Sockets.SOCKADDR_STORAGE.byteSize());
        open(Sockets.accept4(errnoState, server, peer, peerLength, SOCK_CLOEXEC), "accept4");
        assertEquals(AF_INET6, peer.get(JAVA_SHORT, Sockets.SOCKADDR_STORAGE_SS_FAMILY_OFFSET));
        assertEquals(Sockets.SOCKADDR_IN6.byteSize(), peerLength.get(JAVA_INT, 0));
    }

    @Test
    void epollEventAccessorsAddressEachElement() {
        MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT, 3);
        for (int i = 0; i < 3; i++) {
            Epoll.set(events, i, EPOLLIN << i, 0x0102_0304_0506_0700L + i);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(EPOLLIN << i, Epoll.events(events, i));
            assertEquals(0x0102_0304_0506_0700L + i, Epoll.data(events, i));
            long base = i * Epoll.EPOLL_EVENT.byteSize();
            assertEquals(EPOLLIN << i, events.get(JAVA_INT.withByteAlignment(1), base + Epoll.EPOLL_EVENT_EVENTS_OFFSET));
        }
        Epoll.set(events, Epoll.EPOLLET | EPOLLOUT, -1L);
        assertEquals(Epoll.EPOLLET | EPOLLOUT, Epoll.events(events, 0));
        assertEquals(-1L, Epoll.data(events, 0));
        assertEquals(0x0102_0304_0506_0701L, Epoll.data(events, 1));
    }

    @Test
    void errnoNamesAndMessages() throws Exception {
        assertEquals("ECONNREFUSED", Errno.name(Errno.ECONNREFUSED));
        assertEquals("EAGAIN", Errno.name(Errno.EWOULDBLOCK));
        assertEquals("EINPROGRESS", Errno.name(Errno.EINPROGRESS));
        assertEquals("errno 4242", Errno.name(4242));
        assertEquals("Connection refused", Errno.message(Errno.ECONNREFUSED));
        assertEquals("Resource temporarily unavailable", Errno.message(Errno.EAGAIN));
        String unknown = Errno.message(4242);
        assertFalse(unknown.isBlank(), "message for an unknown errno");

        // Each message() call formats into its own buffer: concurrent callers never see another's text.
        int[] codes = {Errno.ECONNREFUSED, Errno.EAGAIN, Errno.EPIPE, Errno.EBADF};
        String[] expected = new String[codes.length];
        for (int i = 0; i < codes.length; i++) {
            expected[i] = Errno.message(codes[i]);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(codes.length)) {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < codes.length; t++) {
                int which = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 2_000; round++) {
                        assertEquals(expected[which], Errno.message(codes[which]));
                    }
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private record Connection(int client, int accepted) {
    }

    /** A nonblocking client connected to a nonblocking accepted socket over 127.0.0.1. */
    private Connection connect() {
        int server = listener();
        int client = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
        if (Sockets.connect(errnoState, client, sockaddrIn(LOOPBACK, localPort(server)), (int) Sockets.SOCKADDR_IN.byteSize()) != 0) {
            assertErrno(Errno.EINPROGRESS);
            await(client, EPOLLOUT);
            assertEquals(0, intOption(client, Sockets.SOL_SOCKET, Sockets.SO_ERROR));
        }
        int accepted = open(Sockets.accept4(errnoState, server, MemorySegment.NULL, MemorySegment.NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), "accept4");
        return new Connection(client, accepted);
    }

    private int listener() {
        int server = open(Sockets.socket(errnoState, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        check(Sockets.setsockopt(errnoState, server, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, intOf(1), 4), "setsockopt");
        check(Sockets.bind(errnoState, server, sockaddrIn(LOOPBACK, 0), (int) Sockets.SOCKADDR_IN.byteSize()), "bind");
        check(Sockets.listen(errnoState, server, Sockets.SOMAXCONN), "listen");
        return server;
    }

    /** Waits until {@code fd} reports one of {@code interest} (or an error) and returns the events. */
    private int await(int fd, int interest) {
        int epfd = Epoll.epoll_create1(errnoState, EPOLL_CLOEXEC);
        check(epfd, "epoll_create1");
        try {
            MemorySegment event = arena.allocate(Epoll.EPOLL_EVENT);
            Epoll.set(event, interest, fd);
            check(Epoll.epoll_ctl(errnoState, epfd, EPOLL_CTL_ADD, fd, event), "epoll_ctl");
            int n = Epoll.epoll_wait(errnoState, epfd, event, 1, WAIT_MILLIS);
            check(n, "epoll_wait");
            assertEquals(1, n, "fd " + fd + " not ready within " + WAIT_MILLIS + " ms");
            assertEquals(fd, Epoll.data(event, 0));
            return Epoll.events(event, 0);
        } finally {
            Sockets.close(errnoState, epfd);
        }
    }

    /** sendmmsg sends three datagrams in one call; recvmmsg takes them in one call, with lengths, senders and MSG_TRUNC. */
    @Test
    void sendmmsgAndRecvmmsgKeepBoundariesAndReportTruncation() {
        int receiver = open(Sockets.socket(errnoState, AF_INET, Sockets.SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
        check(Sockets.bind(errnoState, receiver, sockaddrIn(LOOPBACK, 0), (int) Sockets.SOCKADDR_IN.byteSize()), "bind");
        int sender = open(Sockets.socket(errnoState, AF_INET, Sockets.SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
        check(Sockets.bind(errnoState, sender, sockaddrIn(LOOPBACK, 0), (int) Sockets.SOCKADDR_IN.byteSize()), "bind");
        MemorySegment target = sockaddrIn(LOOPBACK, localPort(receiver));

        String[] texts = {"one", "", "three is longer than eight"};
        long hdr = Sockets.MMSGHDR.byteSize();
        MemorySegment out = arena.allocate(hdr * 3, 8);
        MemorySegment outIov = arena.allocate(Sockets.IOVEC.byteSize() * 3, 8);
        for (int i = 0; i < 3; i++) {
            MemorySegment data = texts[i].isEmpty() ? arena.allocate(1) : ascii(texts[i]);
            iovec(outIov, i, data.asSlice(0, texts[i].length()));
            out.set(ADDRESS, i * hdr + Sockets.MSGHDR_MSG_NAME_OFFSET, target);
            out.set(JAVA_INT, i * hdr + Sockets.MSGHDR_MSG_NAMELEN_OFFSET, (int) Sockets.SOCKADDR_IN.byteSize());
            out.set(ADDRESS, i * hdr + Sockets.MSGHDR_MSG_IOV_OFFSET, outIov.asSlice(i * Sockets.IOVEC.byteSize()));
            out.set(JAVA_LONG, i * hdr + Sockets.MSGHDR_MSG_IOVLEN_OFFSET, 1);
        }
        assertEquals(3, Sockets.sendmmsg(errnoState, sender, out, 3, 0), "datagrams sent in one call");
        for (int i = 0; i < 3; i++) {
            assertEquals(texts[i].length(), out.get(JAVA_INT, i * hdr + Sockets.MMSGHDR_MSG_LEN_OFFSET), "bytes sent of #" + i);
        }
        await(receiver, EPOLLIN);

        MemorySegment in = arena.allocate(hdr * 4, 8);
        MemorySegment inIov = arena.allocate(Sockets.IOVEC.byteSize() * 4, 8);
        MemorySegment names = arena.allocate(Sockets.SOCKADDR_STORAGE.byteSize() * 4, 8);
        MemorySegment[] buffers = new MemorySegment[4];
        for (int i = 0; i < 4; i++) {
            buffers[i] = arena.allocate(8); // the third datagram does not fit
            iovec(inIov, i, buffers[i]);
            in.set(ADDRESS, i * hdr + Sockets.MSGHDR_MSG_NAME_OFFSET, names.asSlice(i * Sockets.SOCKADDR_STORAGE.byteSize()));
            in.set(JAVA_INT, i * hdr + Sockets.MSGHDR_MSG_NAMELEN_OFFSET, (int) Sockets.SOCKADDR_STORAGE.byteSize());
            in.set(ADDRESS, i * hdr + Sockets.MSGHDR_MSG_IOV_OFFSET, inIov.asSlice(i * Sockets.IOVEC.byteSize()));
            in.set(JAVA_LONG, i * hdr + Sockets.MSGHDR_MSG_IOVLEN_OFFSET, 1);
        }
        int n = Sockets.recvmmsg(errnoState, receiver, in, 4, Sockets.MSG_DONTWAIT, MemorySegment.NULL);
        assertEquals(3, n, "datagrams received in one call (the fourth slot stays empty)");
        int[] lengths = {3, 0, 8};
        for (int i = 0; i < 3; i++) {
            assertEquals(lengths[i], in.get(JAVA_INT, i * hdr + Sockets.MMSGHDR_MSG_LEN_OFFSET), "length of #" + i);
            assertEquals(i == 2, (in.get(JAVA_INT, i * hdr + Sockets.MSGHDR_MSG_FLAGS_OFFSET) & Sockets.MSG_TRUNC) != 0,
                    "MSG_TRUNC of #" + i);
            MemorySegment name = names.asSlice(i * Sockets.SOCKADDR_STORAGE.byteSize());
            assertEquals(AF_INET, name.get(JAVA_SHORT, Sockets.SOCKADDR_IN_SIN_FAMILY_OFFSET));
            assertEquals(localPort(sender), Short.toUnsignedInt(name.get(IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET)));
        }
        assertEquals("one", ascii(buffers[0], 3));
        assertEquals("three is", ascii(buffers[2], 8));
        assertEquals(-1, Sockets.recvmmsg(errnoState, receiver, in, 4, Sockets.MSG_DONTWAIT, MemorySegment.NULL));
        assertErrno(Errno.EAGAIN);
    }

    private int localPort(int fd) {
        MemorySegment address = arena.allocate(Sockets.SOCKADDR_IN);
        check(Sockets.getsockname(errnoState, fd, address, intOf((int) Sockets.SOCKADDR_IN.byteSize())), "getsockname");
        return Short.toUnsignedInt(address.get(IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET));
    }

    private int intOption(int fd, int level, int name) {
        MemorySegment value = arena.allocate(JAVA_INT);
        MemorySegment length = intOf(4);
        check(Sockets.getsockopt(errnoState, fd, level, name, value, length), "getsockopt");
        assertEquals(4, length.get(JAVA_INT, 0));
        return value.get(JAVA_INT, 0);
    }

    private MemorySegment sockaddrIn(int address, int port) {
        MemorySegment sa = arena.allocate(Sockets.SOCKADDR_IN);
        sa.set(JAVA_SHORT, Sockets.SOCKADDR_IN_SIN_FAMILY_OFFSET, (short) AF_INET);
        sa.set(IN_PORT_T, Sockets.SOCKADDR_IN_SIN_PORT_OFFSET, (short) port);
        sa.set(IN_ADDR_T, Sockets.SOCKADDR_IN_SIN_ADDR_OFFSET, address);
        return sa;
    }

    private MemorySegment sockaddrIn6Loopback(int port) {
        MemorySegment sa = arena.allocate(Sockets.SOCKADDR_IN6);
        sa.set(JAVA_SHORT, Sockets.SOCKADDR_IN6_SIN6_FAMILY_OFFSET, (short) AF_INET6);
        sa.set(IN_PORT_T, Sockets.SOCKADDR_IN6_SIN6_PORT_OFFSET, (short) port);
        sa.set(JAVA_BYTE, Sockets.SOCKADDR_IN6_SIN6_ADDR_OFFSET + 15, (byte) 1); // ::1
        return sa;
    }

    private static void iovec(MemorySegment array, int index, MemorySegment buffer) {
        long base = index * Sockets.IOVEC.byteSize();
        array.set(ADDRESS, base + Sockets.IOVEC_IOV_BASE_OFFSET, buffer);
        array.set(JAVA_LONG, base + Sockets.IOVEC_IOV_LEN_OFFSET, buffer.byteSize());
    }

    private MemorySegment intOf(int value) {
        MemorySegment segment = arena.allocate(JAVA_INT);
        segment.set(JAVA_INT, 0, value);
        return segment;
    }

    private MemorySegment ascii(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment segment = arena.allocate(bytes.length);
        segment.copyFrom(MemorySegment.ofArray(bytes));
        return segment;
    }

    private static String ascii(MemorySegment segment, long length) {
        return new String(segment.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    private int open(int fd, String operation) {
        check(fd, operation);
        openFds.add(fd);
        return fd;
    }

    private void check(long result, String operation) {
        if (result < 0) {
            int errno = Errno.errno(errnoState);
            fail(operation + " failed: " + Errno.name(errno) + " (" + errno + ") " + Errno.message(errno));
        }
    }

    private void assertErrno(int expected) {
        int actual = Errno.errno(errnoState);
        assertEquals(Errno.name(expected), Errno.name(actual), () -> "errno " + actual + ": " + Errno.message(actual));
    }
}
