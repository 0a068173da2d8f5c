package io.netloop.bindings.windows;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.netloop.bindings.windows.Ws2_32.AF_INET;
import static io.netloop.bindings.windows.Ws2_32.INVALID_SOCKET;
import static io.netloop.bindings.windows.Ws2_32.IN_ADDR_T;
import static io.netloop.bindings.windows.Ws2_32.IN_PORT_T;
import static io.netloop.bindings.windows.Ws2_32.IPPROTO_TCP;
import static io.netloop.bindings.windows.Ws2_32.SOCKET_ERROR;
import static io.netloop.bindings.windows.Ws2_32.SOCK_STREAM;
import static io.netloop.bindings.windows.Ws2_32.SOL_SOCKET;
import static io.netloop.bindings.windows.Ws2_32.WSA_FLAG_NO_HANDLE_INHERIT;
import static io.netloop.bindings.windows.Ws2_32.WSA_FLAG_OVERLAPPED;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real calls over real loopback sockets on Windows: each binding against Winsock and the kernel,
 * no mocks. Skipped elsewhere (the layout probe test checks the constants and layouts from Linux,
 * under Wine).
 */
class WindowsBindingsTest {

    private static final int LOOPBACK = 0x7f000001;
    // Bounds every wait so a broken binding fails instead of hanging; not a timing assertion.
    private static final int WAIT_MILLIS = 10_000;
    // AcceptEx wants each address slot 16 bytes longer than the largest address.
    private static final int ADDRESS_SLOT = (int) Ws2_32.SOCKADDR_STORAGE.byteSize() + 16;
    private static final int TRUE = 1;
    private static final int FALSE = 0;
    private static final long STATUS_SUCCESS = 0;

    private static boolean started;

    /*
     * Memory the kernel writes when overlapped I/O completes (OVERLAPPEDs, receive and accept
     * buffers) is never freed: when a test fails with I/O in flight, closing its sockets cancels
     * that I/O, and the cancellation still writes the OVERLAPPED, possibly after the test's arena
     * is gone. A few hundred bytes per run.
     */
    private static final Arena KERNEL_MEMORY = Arena.global();

    private Arena arena;
    private MemorySegment callState;
    private final List<Long> openSockets = new ArrayList<>();
    private final List<MemorySegment> openHandles = new ArrayList<>();
    private final List<MemorySegment> openEvents = new ArrayList<>();

    @BeforeAll
    static void onWindows() {
        assumeTrue(System.getProperty("os.name").startsWith("Windows"), "Windows bindings");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Ws2_32.WSADATA);
            // Reference-counted: the JDK's own WSAStartup, if any, is unaffected.
            assertEquals(0, Ws2_32.WSAStartup(WinErrors.allocateCallState(arena), (short) 0x0202, data), "WSAStartup");
            assertEquals(0x0202, data.get(JAVA_SHORT, Ws2_32.WSADATA_WVERSION_OFFSET));
            started = true;
        }
    }

    @AfterAll
    static void cleanUp() {
        if (started) {
            try (Arena arena = Arena.ofConfined()) {
                assertEquals(0, Ws2_32.WSACleanup(WinErrors.allocateCallState(arena)), "WSACleanup");
            }
        }
    }

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        callState = WinErrors.allocateCallState(arena);
    }

    @AfterEach
    void tearDown() {
        for (long s : openSockets) {
            Ws2_32.closesocket(callState, s);
        }
        openSockets.clear();
        for (MemorySegment handle : openHandles) {
            Kernel32.CloseHandle(callState, handle);
        }
        openHandles.clear();
        for (MemorySegment event : openEvents) {
            Ws2_32.WSACloseEvent(callState, event);
        }
        openEvents.clear();
        arena.close();
    }

    @Test
    void eachLibraryCapturesItsOwnLastError() {
        assertEquals(SOCKET_ERROR, Ws2_32.closesocket(callState, INVALID_SOCKET));
        assertEquals(WinErrors.WSAENOTSOCK, WinErrors.wsaLastError(callState), WinErrors.name(WinErrors.wsaLastError(callState)));

        assertEquals(FALSE, Kernel32.CloseHandle(callState, MemorySegment.NULL));
        assertEquals(WinErrors.ERROR_INVALID_HANDLE, WinErrors.lastError(callState), WinErrors.name(WinErrors.lastError(callState)));

        assertFalse(WinErrors.message(WinErrors.WSAECONNREFUSED).isEmpty(), "a system message for WSAECONNREFUSED");
        assertFalse(WinErrors.message(WinErrors.ERROR_NETNAME_DELETED).isEmpty(), "a system message for ERROR_NETNAME_DELETED");
    }

    @Test
    void loopbackConnectAcceptSendRecv() {
        long server = listener();
        int serverPort = localPort(server);
        assertNotEquals(0, serverPort);

        long client = socket();
        check(Ws2_32.connect(callState, client, sockaddrIn(LOOPBACK, serverPort), (int) Ws2_32.SOCKADDR_IN.byteSize()), "connect");

        MemorySegment peer = arena.allocate(Ws2_32.SOCKADDR_STORAGE);
        MemorySegment peerLength = intOf((int) Ws2_32.SOCKADDR_STORAGE.byteSize());
        long accepted = Ws2_32.accept(callState, server, peer, peerLength);
        assertNotEquals(INVALID_SOCKET, accepted, () -> "accept: " + wsaError());
        openSockets.add(accepted);
        assertEquals(Ws2_32.SOCKADDR_IN.byteSize(), peerLength.get(JAVA_INT, 0));
        assertEquals(AF_INET, peer.get(JAVA_SHORT, Ws2_32.SOCKADDR_STORAGE_SS_FAMILY_OFFSET));
        assertEquals(LOOPBACK, peer.get(IN_ADDR_T, Ws2_32.SOCKADDR_IN_SIN_ADDR_OFFSET));
        assertEquals(localPort(client), Short.toUnsignedInt(peer.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET)));

        MemorySegment clientPeer = arena.allocate(Ws2_32.SOCKADDR_IN);
        MemorySegment clientPeerLength = intOf((int) Ws2_32.SOCKADDR_IN.byteSize());
        check(Ws2_32.getpeername(callState, client, clientPeer, clientPeerLength), "getpeername");
        assertEquals(serverPort, Short.toUnsignedInt(clientPeer.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET)));

        check(Ws2_32.setsockopt(callState, client, IPPROTO_TCP, Ws2_32.TCP_NODELAY, intOf(1), 4), "setsockopt(TCP_NODELAY)");
        assertNotEquals(0, intOption(client, IPPROTO_TCP, Ws2_32.TCP_NODELAY));
        assertEquals(0, intOption(client, SOL_SOCKET, Ws2_32.SO_ERROR));
        MemorySegment linger = arena.allocate(Ws2_32.LINGER);
        linger.set(JAVA_SHORT, Ws2_32.LINGER_L_ONOFF_OFFSET, (short) 1);
        linger.set(JAVA_SHORT, Ws2_32.LINGER_L_LINGER_OFFSET, (short) 7);
        check(Ws2_32.setsockopt(callState, client, SOL_SOCKET, Ws2_32.SO_LINGER, linger, (int) Ws2_32.LINGER.byteSize()), "setsockopt(SO_LINGER)");
        MemorySegment lingerOut = arena.allocate(Ws2_32.LINGER);
        MemorySegment lingerLength = intOf((int) Ws2_32.LINGER.byteSize());
        check(Ws2_32.getsockopt(callState, client, SOL_SOCKET, Ws2_32.SO_LINGER, lingerOut, lingerLength), "getsockopt(SO_LINGER)");
        assertEquals(7, lingerOut.get(JAVA_SHORT, Ws2_32.LINGER_L_LINGER_OFFSET));

        assertEquals(5, Ws2_32.send(callState, client, ascii("hello"), 5, 0), () -> "send: " + wsaError());
        MemorySegment buffer = arena.allocate(64);
        int n = Ws2_32.recv(callState, accepted, buffer, (int) buffer.byteSize(), 0);   // blocking: the data is on its way
        assertEquals(5, n, this::wsaError);
        assertEquals("hello", ascii(buffer, n));

        check(Ws2_32.ioctlsocket(callState, accepted, Ws2_32.FIONBIO, intOf(1)), "ioctlsocket(FIONBIO)");
        assertEquals(SOCKET_ERROR, Ws2_32.recv(callState, accepted, buffer, (int) buffer.byteSize(), Ws2_32.MSG_PEEK));
        assertEquals(WinErrors.WSAEWOULDBLOCK, WinErrors.wsaLastError(callState), this::wsaError);

        check(Ws2_32.shutdown(callState, client, Ws2_32.SD_SEND), "shutdown");
    }

    @Test
    void handleInformationOfASocket() {
        // WSA_FLAG_NO_HANDLE_INHERIT: the socket starts non-inheritable.
        MemorySegment handle = MemorySegment.ofAddress(socket());
        MemorySegment flags = intOf(-1);
        assertEquals(TRUE, Kernel32.GetHandleInformation(callState, handle, flags), this::lastError);
        assertEquals(0, flags.get(JAVA_INT, 0) & Kernel32.HANDLE_FLAG_INHERIT);

        assertEquals(TRUE, Kernel32.SetHandleInformation(callState, handle, Kernel32.HANDLE_FLAG_INHERIT, Kernel32.HANDLE_FLAG_INHERIT), this::lastError);
        assertEquals(TRUE, Kernel32.GetHandleInformation(callState, handle, flags), this::lastError);
        assertEquals(Kernel32.HANDLE_FLAG_INHERIT, flags.get(JAVA_INT, 0) & Kernel32.HANDLE_FLAG_INHERIT);
    }

    @Test
    void completionPortDeliversAPostedPacket() {
        MemorySegment port = completionPort();
        MemorySegment overlapped = arena.allocate(Kernel32.OVERLAPPED);
        assertEquals(TRUE, Kernel32.PostQueuedCompletionStatus(callState, port, 42, 7L, overlapped), this::lastError);

        MemorySegment entries = arena.allocate(Kernel32.OVERLAPPED_ENTRY, 4);
        MemorySegment removed = intOf(0);
        assertEquals(TRUE, Kernel32.GetQueuedCompletionStatusEx(callState, port, entries, 4, removed, WAIT_MILLIS, FALSE), this::lastError);
        assertEquals(1, removed.get(JAVA_INT, 0));
        assertEquals(7L, entries.get(JAVA_LONG, Kernel32.OVERLAPPED_ENTRY_LPCOMPLETIONKEY_OFFSET));
        assertEquals(overlapped.address(), entries.get(ADDRESS, Kernel32.OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET).address());
        assertEquals(42, entries.get(JAVA_INT, Kernel32.OVERLAPPED_ENTRY_DWNUMBEROFBYTESTRANSFERRED_OFFSET));

        assertEquals(FALSE, Kernel32.GetQueuedCompletionStatusEx(callState, port, entries, 4, removed, 0, FALSE));
        assertEquals(WinErrors.WAIT_TIMEOUT, WinErrors.lastError(callState), this::lastError);
    }

    @Test
    @SuppressWarnings("restricted") // GetAcceptExSockaddrs returns bare pointers into the accept buffer
    void acceptExConnectExWsaSendWsaRecvCompleteOnThePort() {
        MemorySegment port = completionPort();
        long server = listener();
        associate(server, port, 1L);
        int serverPort = localPort(server);

        MemorySegment acceptEx = extension(server, Ws2_32.WSAID_ACCEPTEX_LO, Ws2_32.WSAID_ACCEPTEX_HI);
        MemorySegment getAcceptExSockaddrs = extension(server, Ws2_32.WSAID_GETACCEPTEXSOCKADDRS_LO, Ws2_32.WSAID_GETACCEPTEXSOCKADDRS_HI);
        MemorySegment connectEx = extension(server, Ws2_32.WSAID_CONNECTEX_LO, Ws2_32.WSAID_CONNECTEX_HI);

        long accepted = socket();
        associate(accepted, port, 2L);
        assertEquals(TRUE, Kernel32.SetFileCompletionNotificationModes(callState, MemorySegment.ofAddress(accepted),
                (byte) Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE), this::lastError);
        MemorySegment acceptBuffer = KERNEL_MEMORY.allocate(2L * ADDRESS_SLOT);
        MemorySegment acceptOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        int rc = MsWsock.AcceptEx(callState, acceptEx, server, accepted, acceptBuffer, 0, ADDRESS_SLOT, ADDRESS_SLOT,
                MemorySegment.NULL, acceptOverlapped);
        assertStarted(rc, "AcceptEx");

        long client = socket();
        check(Ws2_32.bind(callState, client, sockaddrIn(LOOPBACK, 0), (int) Ws2_32.SOCKADDR_IN.byteSize()), "bind (for ConnectEx)");
        associate(client, port, 3L);
        MemorySegment connectOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        rc = MsWsock.ConnectEx(callState, connectEx, client, sockaddrIn(LOOPBACK, serverPort), (int) Ws2_32.SOCKADDR_IN.byteSize(),
                MemorySegment.NULL, 0, MemorySegment.NULL, connectOverlapped);
        assertStarted(rc, "ConnectEx");

        // The AcceptEx completion comes with the listening socket's key.
        Map<Long, Long> completed = awaitCompletions(port, 2);
        assertEquals(acceptOverlapped.address(), completed.get(1L));
        assertEquals(connectOverlapped.address(), completed.get(3L));
        assertEquals(STATUS_SUCCESS, acceptOverlapped.get(JAVA_LONG, Kernel32.OVERLAPPED_INTERNAL_OFFSET));
        assertEquals(STATUS_SUCCESS, connectOverlapped.get(JAVA_LONG, Kernel32.OVERLAPPED_INTERNAL_OFFSET));
        MemorySegment transferred = intOf(-1);
        MemorySegment flags = intOf(-1);
        assertEquals(TRUE, Ws2_32.WSAGetOverlappedResult(callState, server, acceptOverlapped, transferred, FALSE, flags), this::wsaError);
        assertEquals(0, transferred.get(JAVA_INT, 0));

        MemorySegment listenSocket = arena.allocate(JAVA_LONG);
        listenSocket.set(JAVA_LONG, 0, server);
        check(Ws2_32.setsockopt(callState, accepted, SOL_SOCKET, Ws2_32.SO_UPDATE_ACCEPT_CONTEXT, listenSocket, 8), "SO_UPDATE_ACCEPT_CONTEXT");
        check(Ws2_32.setsockopt(callState, client, SOL_SOCKET, Ws2_32.SO_UPDATE_CONNECT_CONTEXT, MemorySegment.NULL, 0), "SO_UPDATE_CONNECT_CONTEXT");

        MemorySegment local = arena.allocate(ADDRESS);
        MemorySegment localLength = intOf(0);
        MemorySegment remote = arena.allocate(ADDRESS);
        MemorySegment remoteLength = intOf(0);
        MsWsock.GetAcceptExSockaddrs(getAcceptExSockaddrs, acceptBuffer, 0, ADDRESS_SLOT, ADDRESS_SLOT, local, localLength, remote, remoteLength);
        MemorySegment remoteAddress = remote.get(ADDRESS, 0).reinterpret(remoteLength.get(JAVA_INT, 0));
        assertEquals(AF_INET, remoteAddress.get(JAVA_SHORT, Ws2_32.SOCKADDR_IN_SIN_FAMILY_OFFSET));
        assertEquals(localPort(client), Short.toUnsignedInt(remoteAddress.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET)));
        MemorySegment localAddress = local.get(ADDRESS, 0).reinterpret(localLength.get(JAVA_INT, 0));
        assertEquals(serverPort, Short.toUnsignedInt(localAddress.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET)));

        // Overlapped send and receive, each through one WSABUF.
        MemorySegment receiveBuffer = KERNEL_MEMORY.allocate(64);
        MemorySegment receiveBuf = wsabuf(receiveBuffer);   // read by WSARecv before it returns
        MemorySegment receiveOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        rc = Ws2_32.WSARecv(callState, accepted, receiveBuf, 1, MemorySegment.NULL, receiveFlags(), receiveOverlapped, MemorySegment.NULL);
        assertTrue(rc == 0 || WinErrors.wsaLastError(callState) == WinErrors.WSA_IO_PENDING, this::wsaError);

        MemorySegment sendOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        rc = Ws2_32.WSASend(callState, client, wsabuf(ascii("hello")), 1, MemorySegment.NULL, 0, sendOverlapped, MemorySegment.NULL);
        assertTrue(rc == 0 || WinErrors.wsaLastError(callState) == WinErrors.WSA_IO_PENDING, this::wsaError);

        completed = awaitCompletions(port, 2);
        assertEquals(receiveOverlapped.address(), completed.get(2L));
        assertEquals(sendOverlapped.address(), completed.get(3L));
        assertEquals(5L, receiveOverlapped.get(JAVA_LONG, Kernel32.OVERLAPPED_INTERNALHIGH_OFFSET));
        assertEquals("hello", ascii(receiveBuffer, 5));

        // A receive with nothing to read, cancelled: it still completes, as aborted.
        MemorySegment cancelledOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        rc = Ws2_32.WSARecv(callState, accepted, receiveBuf, 1, MemorySegment.NULL, receiveFlags(), cancelledOverlapped, MemorySegment.NULL);
        assertEquals(SOCKET_ERROR, rc);
        assertEquals(WinErrors.WSA_IO_PENDING, WinErrors.wsaLastError(callState), this::wsaError);
        assertEquals(TRUE, Kernel32.CancelIoEx(callState, MemorySegment.ofAddress(accepted), cancelledOverlapped), this::lastError);
        completed = awaitCompletions(port, 1);
        assertEquals(cancelledOverlapped.address(), completed.get(2L));
        assertEquals(FALSE, Ws2_32.WSAGetOverlappedResult(callState, accepted, cancelledOverlapped, transferred, FALSE, flags));
        assertEquals(WinErrors.WSA_OPERATION_ABORTED, WinErrors.wsaLastError(callState), this::wsaError);
        assertEquals(FALSE, Kernel32.CancelIoEx(callState, MemorySegment.ofAddress(accepted), cancelledOverlapped));
        assertEquals(WinErrors.ERROR_NOT_FOUND, WinErrors.lastError(callState), this::lastError);
    }

    @Test
    void eventSelectReportsAnIncomingConnection() {
        long server = listener();
        MemorySegment event = Ws2_32.WSACreateEvent(callState);
        assertNotEquals(MemorySegment.NULL, event, this::wsaError);
        openEvents.add(event);
        check(Ws2_32.WSAEventSelect(callState, server, event, Ws2_32.FD_ACCEPT | Ws2_32.FD_CLOSE), "WSAEventSelect");
        MemorySegment events = arena.allocate(ADDRESS);
        events.set(ADDRESS, 0, event);

        long client = socket();
        check(Ws2_32.connect(callState, client, sockaddrIn(LOOPBACK, localPort(server)), (int) Ws2_32.SOCKADDR_IN.byteSize()), "connect");
        assertEquals(Ws2_32.WSA_WAIT_EVENT_0, Ws2_32.WSAWaitForMultipleEvents(callState, 1, events, FALSE, WAIT_MILLIS, FALSE), this::wsaError);

        MemorySegment networkEvents = arena.allocate(Ws2_32.WSANETWORKEVENTS);
        check(Ws2_32.WSAEnumNetworkEvents(callState, server, event, networkEvents), "WSAEnumNetworkEvents");
        int occurred = networkEvents.get(JAVA_INT, Ws2_32.WSANETWORKEVENTS_LNETWORKEVENTS_OFFSET);
        assertEquals(Ws2_32.FD_ACCEPT, occurred & (Ws2_32.FD_ACCEPT | Ws2_32.FD_CLOSE));
        assertEquals(0, networkEvents.get(JAVA_INT, Ws2_32.WSANETWORKEVENTS_IERRORCODE_OFFSET + 4L * Ws2_32.FD_ACCEPT_BIT));
        // WSAEnumNetworkEvents reset the event.
        assertEquals(Ws2_32.WSA_WAIT_TIMEOUT, Ws2_32.WSAWaitForMultipleEvents(callState, 1, events, FALSE, 0, FALSE));

        assertEquals(TRUE, Ws2_32.WSASetEvent(callState, event), this::wsaError);
        assertEquals(Ws2_32.WSA_WAIT_EVENT_0, Ws2_32.WSAWaitForMultipleEvents(callState, 1, events, FALSE, 0, FALSE));
        assertEquals(TRUE, Ws2_32.WSAResetEvent(callState, event), this::wsaError);
        assertEquals(Ws2_32.WSA_WAIT_TIMEOUT, Ws2_32.WSAWaitForMultipleEvents(callState, 1, events, FALSE, 0, FALSE));

        check(Ws2_32.WSAEventSelect(callState, server, MemorySegment.NULL, 0), "WSAEventSelect (cancel)");
        openEvents.remove(event);
        assertEquals(TRUE, Ws2_32.WSACloseEvent(callState, event), this::wsaError);
    }

    @Test
    void udpSendtoRecvfromThenOverlappedWsaSendToWsaRecvFromWithTruncation() {
        long a = udpSocket();
        long b = udpSocket();
        int aPort = localPort(a);
        MemorySegment toB = sockaddrIn(LOOPBACK, localPort(b));
        // Unconnected: no WSAECONNRESET for another peer's ICMP port unreachable.
        MemorySegment off = intOf(FALSE);
        check(Ws2_32.WSAIoctl(callState, b, Ws2_32.SIO_UDP_CONNRESET, off, 4, MemorySegment.NULL, 0, intOf(0),
                MemorySegment.NULL, MemorySegment.NULL), "WSAIoctl(SIO_UDP_CONNRESET)");
        check(Ws2_32.setsockopt(callState, a, SOL_SOCKET, Ws2_32.SO_BROADCAST, intOf(TRUE), 4), "setsockopt(SO_BROADCAST)");
        assertEquals(TRUE, intOption(a, SOL_SOCKET, Ws2_32.SO_BROADCAST));

        // Blocking sendto/recvfrom, the sender's address filled in.
        assertEquals(5, Ws2_32.sendto(callState, a, ascii("hello"), 5, 0, toB, (int) Ws2_32.SOCKADDR_IN.byteSize()), this::wsaError);
        MemorySegment buffer = arena.allocate(64);
        MemorySegment from = arena.allocate(Ws2_32.SOCKADDR_STORAGE);
        MemorySegment fromLength = intOf((int) Ws2_32.SOCKADDR_STORAGE.byteSize());
        assertEquals(5, Ws2_32.recvfrom(callState, b, buffer, 64, 0, from, fromLength), this::wsaError);
        assertEquals("hello", ascii(buffer, 5));
        assertEquals(Ws2_32.SOCKADDR_IN.byteSize(), fromLength.get(JAVA_INT, 0));
        assertEquals(aPort, Short.toUnsignedInt(from.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET)));

        // recvfrom of a datagram longer than the buffer: filled, WSAEMSGSIZE, the rest dropped.
        assertEquals(20, Ws2_32.sendto(callState, a, ascii("0123456789abcdefghij"), 20, 0, toB, (int) Ws2_32.SOCKADDR_IN.byteSize()));
        assertEquals(SOCKET_ERROR, Ws2_32.recvfrom(callState, b, buffer, 8, 0, MemorySegment.NULL, MemorySegment.NULL));
        assertEquals(WinErrors.WSAEMSGSIZE, WinErrors.wsaLastError(callState), this::wsaError);
        assertEquals("01234567", ascii(buffer, 8));

        // Overlapped WSARecvFrom (8 bytes) and WSASendTo (20 bytes) through a completion port.
        MemorySegment port = completionPort();
        assertEquals(port.address(), Kernel32.CreateIoCompletionPort(callState, MemorySegment.ofAddress(a), port, 1L, 0).address());
        assertEquals(port.address(), Kernel32.CreateIoCompletionPort(callState, MemorySegment.ofAddress(b), port, 2L, 0).address());
        MemorySegment receiveBuffer = KERNEL_MEMORY.allocate(8);
        MemorySegment receiveOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        MemorySegment receiveFrom = KERNEL_MEMORY.allocate(Ws2_32.SOCKADDR_STORAGE);
        MemorySegment receiveFromLength = KERNEL_MEMORY.allocate(JAVA_INT);
        receiveFromLength.set(JAVA_INT, 0, (int) Ws2_32.SOCKADDR_STORAGE.byteSize());
        MemorySegment receiveBuf = KERNEL_MEMORY.allocate(Ws2_32.WSABUF);
        receiveBuf.set(JAVA_INT, Ws2_32.WSABUF_LEN_OFFSET, 8);
        receiveBuf.set(ADDRESS, Ws2_32.WSABUF_BUF_OFFSET, receiveBuffer);
        int rc = Ws2_32.WSARecvFrom(callState, b, receiveBuf, 1, MemorySegment.NULL, receiveFlags(), receiveFrom, receiveFromLength,
                receiveOverlapped, MemorySegment.NULL);
        assertStarted(rc == 0 ? TRUE : FALSE, "WSARecvFrom");
        MemorySegment sendOverlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        MemorySegment payload = KERNEL_MEMORY.allocate(20);
        payload.copyFrom(ascii("0123456789abcdefghij"));
        rc = Ws2_32.WSASendTo(callState, a, wsabuf(payload), 1, MemorySegment.NULL, 0, toB, (int) Ws2_32.SOCKADDR_IN.byteSize(),
                sendOverlapped, MemorySegment.NULL);
        assertStarted(rc == 0 ? TRUE : FALSE, "WSASendTo");
        Map<Long, Long> completed = awaitCompletions(port, 2);
        assertEquals(sendOverlapped.address(), completed.get(1L));
        assertEquals(receiveOverlapped.address(), completed.get(2L));
        MemorySegment bytes = intOf(-1);
        MemorySegment flags = intOf(0);
        assertEquals(FALSE, Ws2_32.WSAGetOverlappedResult(callState, b, receiveOverlapped, bytes, FALSE, flags));
        assertEquals(WinErrors.WSAEMSGSIZE, WinErrors.wsaLastError(callState), this::wsaError);
        assertEquals(8, bytes.get(JAVA_INT, 0));
        assertEquals("01234567", ascii(receiveBuffer, 8));
        assertEquals(aPort, Short.toUnsignedInt(receiveFrom.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET)));
        assertEquals(TRUE, Ws2_32.WSAGetOverlappedResult(callState, a, sendOverlapped, bytes, FALSE, flags), this::wsaError);
        assertEquals(20, bytes.get(JAVA_INT, 0));
    }

    // --- helpers ---

    private long udpSocket() {
        long s = Ws2_32.WSASocketW(callState, AF_INET, Ws2_32.SOCK_DGRAM, Ws2_32.IPPROTO_UDP, MemorySegment.NULL, 0,
                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        assertNotEquals(INVALID_SOCKET, s, () -> "WSASocketW(SOCK_DGRAM): " + wsaError());
        openSockets.add(s);
        check(Ws2_32.bind(callState, s, sockaddrIn(LOOPBACK, 0), (int) Ws2_32.SOCKADDR_IN.byteSize()), "bind");
        return s;
    }

    private long socket() {
        long s = Ws2_32.WSASocketW(callState, AF_INET, SOCK_STREAM, IPPROTO_TCP, MemorySegment.NULL, 0,
                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        assertNotEquals(INVALID_SOCKET, s, () -> "WSASocketW: " + wsaError());
        openSockets.add(s);
        return s;
    }

    /** A socket listening on 127.0.0.1 at a port the system picks. */
    private long listener() {
        long s = socket();
        check(Ws2_32.setsockopt(callState, s, SOL_SOCKET, Ws2_32.SO_EXCLUSIVEADDRUSE, intOf(1), 4), "setsockopt(SO_EXCLUSIVEADDRUSE)");
        check(Ws2_32.bind(callState, s, sockaddrIn(LOOPBACK, 0), (int) Ws2_32.SOCKADDR_IN.byteSize()), "bind");
        check(Ws2_32.listen(callState, s, Ws2_32.SOMAXCONN), "listen");
        return s;
    }

    private MemorySegment completionPort() {
        MemorySegment port = Kernel32.CreateIoCompletionPort(callState, MemorySegment.ofAddress(Kernel32.INVALID_HANDLE_VALUE),
                MemorySegment.NULL, 0L, 1);
        assertNotEquals(MemorySegment.NULL, port, this::lastError);
        openHandles.add(port);
        return port;
    }

    // What the completion routine and the APC of completionRoutinesAndApcsRunInAlertableWaits saw.
    private static volatile int routineError = -1;
    private static volatile int routineBytes = -1;
    private static volatile long routineOverlapped;
    private static volatile long apcParameter;

    private static void routine(int error, int transferred, MemorySegment overlapped, int flags) {
        routineError = error;
        routineBytes = transferred;
        routineOverlapped = overlapped.address();
    }

    private static void apc(long parameter) {
        apcParameter = parameter;
    }

    @Test
    void completionRoutinesAndApcsRunInAlertableWaits() throws Exception {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        // Global: a routine or APC still queued when a failing test ends must find its stub.
        MemorySegment routineStub = Ws2_32.completionRoutine(lookup.findStatic(WindowsBindingsTest.class, "routine",
                MethodType.methodType(void.class, int.class, int.class, MemorySegment.class, int.class)), Arena.global());
        MemorySegment apcStub = Kernel32.apcRoutine(lookup.findStatic(WindowsBindingsTest.class, "apc",
                MethodType.methodType(void.class, long.class)), Arena.global());

        long server = listener();
        long client = socket();
        check(Ws2_32.connect(callState, client, sockaddrIn(LOOPBACK, localPort(server)), (int) Ws2_32.SOCKADDR_IN.byteSize()), "connect");
        long accepted = Ws2_32.accept(callState, server, MemorySegment.NULL, MemorySegment.NULL);
        assertNotEquals(INVALID_SOCKET, accepted, () -> "accept: " + wsaError());
        openSockets.add(accepted);

        MemorySegment overlapped = KERNEL_MEMORY.allocate(Kernel32.OVERLAPPED);
        MemorySegment buffer = KERNEL_MEMORY.allocate(64);
        int rc = Ws2_32.WSARecv(callState, accepted, wsabuf(buffer), 1, MemorySegment.NULL, receiveFlags(), overlapped, routineStub);
        if (rc == SOCKET_ERROR) {
            assertEquals(WinErrors.WSA_IO_PENDING, WinErrors.wsaLastError(callState), this::wsaError);
        }
        assertEquals(4, Ws2_32.send(callState, client, ascii("ping"), 4, 0), () -> "send: " + wsaError());
        // The routine runs only in an alertable wait of this thread.
        for (int i = 0; i < 10 && routineBytes < 0; i++) {
            assertEquals(Kernel32.WAIT_IO_COMPLETION, Kernel32.SleepEx(callState, WAIT_MILLIS, TRUE), "SleepEx(alertable)");
        }
        assertEquals(0, routineError, () -> "routine error " + WinErrors.name(routineError));
        assertEquals(4, routineBytes);
        assertEquals(overlapped.address(), routineOverlapped);
        assertEquals("ping", ascii(buffer, 4));

        // QueueUserAPC from another thread needs a real handle of this one.
        MemorySegment process = Kernel32.GetCurrentProcess(callState);
        MemorySegment handle = arena.allocate(ADDRESS);
        assertEquals(TRUE, Kernel32.DuplicateHandle(callState, process, Kernel32.GetCurrentThread(callState), process, handle, 0, FALSE,
                Kernel32.DUPLICATE_SAME_ACCESS), this::lastError);
        MemorySegment thread = handle.get(ADDRESS, 0);
        openHandles.add(thread);
        int[] queued = new int[1];
        Thread waker = new Thread(() -> {
            try (Arena a = Arena.ofConfined()) {
                queued[0] = Kernel32.QueueUserAPC(WinErrors.allocateCallState(a), apcStub, thread, 42);
            }
        });
        waker.start();
        waker.join();
        assertNotEquals(0, queued[0], "QueueUserAPC");
        // Queued before the wait: the wait runs it and returns at once.
        assertEquals(Kernel32.WAIT_IO_COMPLETION, Kernel32.SleepEx(callState, WAIT_MILLIS, TRUE), "SleepEx(alertable)");
        assertEquals(42, apcParameter);
    }

    private void associate(long socket, MemorySegment port, long key) {
        MemorySegment result = Kernel32.CreateIoCompletionPort(callState, MemorySegment.ofAddress(socket), port, key, 0);
        assertEquals(port.address(), result.address(), this::lastError);
    }

    /** The address of the extension function {@code (lo, hi)} names, for sockets like {@code socket}. */
    private MemorySegment extension(long socket, long lo, long hi) {
        MemorySegment guid = arena.allocate(Ws2_32.GUID);
        Ws2_32.writeGuid(guid, lo, hi);
        MemorySegment function = arena.allocate(ADDRESS);
        MemorySegment bytes = intOf(0);
        check(Ws2_32.WSAIoctl(callState, socket, Ws2_32.SIO_GET_EXTENSION_FUNCTION_POINTER, guid, (int) guid.byteSize(),
                function, (int) ADDRESS.byteSize(), bytes, MemorySegment.NULL, MemorySegment.NULL), "WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)");
        assertEquals(ADDRESS.byteSize(), bytes.get(JAVA_INT, 0));
        MemorySegment address = function.get(ADDRESS, 0);
        assertNotEquals(MemorySegment.NULL, address);
        return address;
    }

    /** Dequeues {@code count} completions; completion key to OVERLAPPED address. */
    private Map<Long, Long> awaitCompletions(MemorySegment port, int count) {
        Map<Long, Long> completed = new HashMap<>();
        MemorySegment entries = arena.allocate(Kernel32.OVERLAPPED_ENTRY, count);
        MemorySegment removed = intOf(0);
        while (completed.size() < count) {
            if (Kernel32.GetQueuedCompletionStatusEx(callState, port, entries, count - completed.size(), removed, WAIT_MILLIS, FALSE) != TRUE) {
                fail("GetQueuedCompletionStatusEx: " + lastError() + " with " + completed.size() + " of " + count + " completions");
            }
            for (int i = 0; i < removed.get(JAVA_INT, 0); i++) {
                long base = i * Kernel32.OVERLAPPED_ENTRY.byteSize();
                long key = entries.get(JAVA_LONG, base + Kernel32.OVERLAPPED_ENTRY_LPCOMPLETIONKEY_OFFSET);
                long overlapped = entries.get(ADDRESS, base + Kernel32.OVERLAPPED_ENTRY_LPOVERLAPPED_OFFSET).address();
                assertNull(completed.put(key, overlapped), "two completions for key " + key);
            }
        }
        return completed;
    }

    private void assertStarted(int rc, String operation) {
        if (rc != TRUE) {
            assertEquals(WinErrors.WSA_IO_PENDING, WinErrors.wsaLastError(callState), () -> operation + ": " + wsaError());
        }
    }

    private int localPort(long socket) {
        MemorySegment address = arena.allocate(Ws2_32.SOCKADDR_STORAGE);
        MemorySegment length = intOf((int) Ws2_32.SOCKADDR_STORAGE.byteSize());
        check(Ws2_32.getsockname(callState, socket, address, length), "getsockname");
        assertEquals(Ws2_32.SOCKADDR_IN.byteSize(), length.get(JAVA_INT, 0));
        return Short.toUnsignedInt(address.get(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET));
    }

    private int intOption(long socket, int level, int name) {
        MemorySegment value = intOf(0);
        MemorySegment length = intOf(4);
        check(Ws2_32.getsockopt(callState, socket, level, name, value, length), "getsockopt");
        return value.get(JAVA_INT, 0);
    }

    private MemorySegment sockaddrIn(int address, int port) {
        MemorySegment addr = arena.allocate(Ws2_32.SOCKADDR_IN);
        addr.set(JAVA_SHORT, Ws2_32.SOCKADDR_IN_SIN_FAMILY_OFFSET, (short) AF_INET);
        addr.set(IN_PORT_T, Ws2_32.SOCKADDR_IN_SIN_PORT_OFFSET, (short) port);
        addr.set(IN_ADDR_T, Ws2_32.SOCKADDR_IN_SIN_ADDR_OFFSET, address);
        return addr;
    }

    private MemorySegment wsabuf(MemorySegment buffer) {
        MemorySegment buf = arena.allocate(Ws2_32.WSABUF);
        buf.set(JAVA_INT, Ws2_32.WSABUF_LEN_OFFSET, (int) buffer.byteSize());
        buf.set(ADDRESS, Ws2_32.WSABUF_BUF_OFFSET, buffer);
        return buf;
    }

    /** The in/out flags of an overlapped WSARecv, which Winsock may read after the call returns. */
    private static MemorySegment receiveFlags() {
        MemorySegment flags = KERNEL_MEMORY.allocate(JAVA_INT);
        flags.set(JAVA_INT, 0, 0);
        return flags;
    }

    private MemorySegment intOf(int value) {
        MemorySegment segment = arena.allocate(JAVA_INT);
        segment.set(JAVA_INT, 0, value);
        return segment;
    }

    private MemorySegment ascii(String text) {
        MemorySegment segment = arena.allocate(text.length());
        segment.copyFrom(MemorySegment.ofArray(text.getBytes(StandardCharsets.US_ASCII)));
        return segment;
    }

    private static String ascii(MemorySegment segment, long length) {
        return new String(segment.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    private void check(int rc, String operation) {
        assertEquals(0, rc, () -> operation + ": " + wsaError());
    }

    private String wsaError() {
        int code = WinErrors.wsaLastError(callState);
        return WinErrors.name(code) + " (" + code + ") " + WinErrors.message(code);
    }

    private String lastError() {
        int code = WinErrors.lastError(callState);
        return WinErrors.name(code) + " (" + code + ") " + WinErrors.message(code);
    }
}
