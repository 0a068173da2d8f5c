package io.netloop.windows.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;
import io.netloop.Backends;
import io.netloop.Connection;
import io.netloop.ConnectionHandler;
import io.netloop.EventLoopGroup;
import io.netloop.Listener;
import io.netloop.SocketOptions;
import io.netloop.bindings.windows.Kernel32;
import io.netloop.bindings.windows.Ws2_32;
import io.netloop.internal.readiness.ListenSocket;
import io.netloop.internal.readiness.StreamSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What only Windows can show: more than 64 sockets on one loop of each backend that waits on events or on Winsock select, sockets that child
 * processes do not inherit, and connections that leave no handle behind. Skipped elsewhere, with
 * the reason. Handle flags and counts come through JNA (jna-platform's types), outside the I/O path.
 */
class WindowsBackendsTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** kernel32 calls jna-platform's Kernel32 does not declare. */
    interface Handles extends StdCallLibrary {
        Handles INSTANCE = Native.load("kernel32", Handles.class, W32APIOptions.DEFAULT_OPTIONS);

        boolean GetHandleInformation(WinNT.HANDLE handle, IntByReference flags);

        boolean GetProcessHandleCount(WinNT.HANDLE process, IntByReference count);
    }

    private static void requireBackend(String id) {
        assumeTrue(Backends.isAvailable(id), () -> id + " is not available here: " + Backends.unavailabilityCause(id).orElse(""));
    }

    private static boolean inheritable(long socket) {
        IntByReference flags = new IntByReference();
        assertTrue(Handles.INSTANCE.GetHandleInformation(new WinNT.HANDLE(new Pointer(socket)), flags), "GetHandleInformation");
        return (flags.getValue() & Kernel32.HANDLE_FLAG_INHERIT) != 0;
    }

    private static int handleCount() {
        IntByReference count = new IntByReference();
        assertTrue(Handles.INSTANCE.GetProcessHandleCount(com.sun.jna.platform.win32.Kernel32.INSTANCE.GetCurrentProcess(), count));
        return count.getValue();
    }

    @Test
    void sockets_made_and_accepted_are_not_inherited_by_child_processes() throws Exception {
        requireBackend(EventSelectBackend.ID);
        try (Arena arena = Arena.ofConfined()) {
            WinSocketCalls calls = new WinSocketCalls(arena);
            long made = calls.newSocket(Ws2_32.AF_INET);
            try {
                assertTrue(!inheritable(made), "WSASocketW with WSA_FLAG_NO_HANDLE_INHERIT");
            } finally {
                calls.close(made);
            }
        }
        assertAcceptedNotInherited(new EventSelectPoller());
    }

    @Test
    void winsock_select_accepted_sockets_are_not_inherited_by_child_processes() throws Exception {
        requireBackend(WinSelectBackend.ID);
        assertAcceptedNotInherited(new WinSelectPoller());
    }

    @Test
    void asyncselect_accepted_sockets_are_not_inherited_by_child_processes() throws Exception {
        requireBackend(AsyncSelectBackend.ID);
        assertAcceptedNotInherited(new AsyncSelectPoller());
    }

    /** Accepts a loopback peer on a listener of {@code poller}, which it closes: the accepted handle must not be inheritable. */
    private static void assertAcceptedNotInherited(WinReadinessPoller<?> poller) throws Exception {
        try {
            ListenSocket listener = poller.listen(ANY, SocketOptions.defaults(), false);
            try (Socket peer = new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
                StreamSocket accepted = null;
                for (int i = 0; i < 500 && accepted == null; i++) {
                    accepted = listener.accept(SocketOptions.defaults());
                    if (accepted == null) {
                        Thread.sleep(10);
                    }
                }
                assertTrue(accepted != null, "accepted the peer");
                assertTrue(!inheritable(((WinStreamSocket<?>) accepted).handle), "an accepted socket");
                accepted.close();
            } finally {
                listener.close();
            }
        } finally {
            poller.close();
        }
    }

    /**
     * eventselect waits on an event per socket, overlapped-events on an event per posted operation
     * (a receive per connection): both shard past the 64 handles of one WSAWaitForMultipleEvents
     * over waiter threads. overlapped-routines waits on events only for accepts and connects;
     * winsock-select grows its fd_sets past FD_SETSIZE (64).
     */
    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"eventselect", "winsock-select", "overlapped-events", "overlapped-routines"})
    void one_loop_serves_more_than_64_sockets(String backend) throws Exception {
        requireBackend(backend);
        int clients = 150; // three waiters of 63 with the listener, or fd_sets of 256
        try (EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(1).build()) {
            Listener listener = group.listen(ANY, () -> new ConnectionHandler() {
                @Override
                public void onData(Connection c, ByteBuffer data) {
                    c.write(data);
                }
            });
            List<Socket> peers = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort());
                    s.setSoTimeout(10_000);
                    peers.add(s);
                }
                // Every socket, early or late in its waiter's array, is answered; twice, so that the
                // re-enabled FD_READ of each is exercised too.
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < clients; i++) {
                        byte[] line = ("client " + i + " round " + round + "\n").getBytes(StandardCharsets.US_ASCII);
                        OutputStream out = peers.get(i).getOutputStream();
                        out.write(line);
                        out.flush();
                    }
                    for (int i = 0; i < clients; i++) {
                        byte[] expected = ("client " + i + " round " + round + "\n").getBytes(StandardCharsets.US_ASCII);
                        assertArrayEquals(expected, readFully(peers.get(i).getInputStream(), expected.length), "echo to client " + i);
                    }
                }
            } finally {
                for (Socket s : peers) {
                    s.close();
                }
            }
        }
    }

    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"iocp", "eventselect", "winsock-select", "asyncselect", "overlapped-events", "overlapped-routines"})
    void connections_leave_no_handles_behind(String backend) throws Exception {
        requireBackend(backend);
        try (EventLoopGroup group = EventLoopGroup.builder().backend(backend).threads(1).build()) {
            Listener listener = group.listen(ANY, () -> new ConnectionHandler() {
                @Override
                public void onData(Connection c, ByteBuffer data) {
                    c.write(data);
                }
            });
            round(listener, 20); // warm-up: pools, waiters and the JDK's own handles
            int before = handleCount();
            round(listener, 200);
            int after = before;
            for (int i = 0; i < 200; i++) { // closes finish on the loop a little after the peers close
                after = handleCount();
                if (after - before <= 10) {
                    break;
                }
                Thread.sleep(25);
            }
            assertTrue(after - before <= 10, "handles before " + before + ", after 200 connections " + after);
            group.shutdownGracefully(Duration.ofSeconds(5)).get();
            assertEquals(0, group.leakedNativeBytes());
        }
    }

    private static void round(Listener listener, int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            try (Socket s = new Socket(((InetSocketAddress) listener.localAddress()).getAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write('x');
                assertEquals('x', s.getInputStream().read());
            }
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "bytes before end of stream");
        return b;
    }
}
