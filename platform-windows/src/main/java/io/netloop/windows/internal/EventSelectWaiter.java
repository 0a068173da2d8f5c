package io.netloop.windows.internal;

import static io.netloop.bindings.windows.Ws2_32.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netloop.bindings.windows.WinErrors;
import io.netloop.bindings.windows.Ws2_32;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread waiting on at most 63 sockets' event objects plus its own wake event. It alone owns
 * its handle array and the event objects in it: the loop asks for changes through commands and
 * the wake event, and the waiter applies them between waits, so no handle is closed while a wait
 * may still hold it. Each round it reads the events of every signalled socket, starting at a
 * rotating index so that a busy socket early in the array cannot starve the later ones.
 */
final class EventSelectWaiter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventSelectWaiter.class);

    private final EventSelectPoller poller;
    private final Thread thread;
    /** Signals the waiter that commands are queued. Closed by the waiter when it stops. */
    private final MemorySegment wake;
    private final ConcurrentLinkedQueue<Object> commands = new ConcurrentLinkedQueue<>();
    /** Loop thread: registrations placed on this waiter, for sharding. */
    int assigned;

    // Waiter thread only.
    private final EventSelectPoller.Registration[] registrations = new EventSelectPoller.Registration[EventSelectPoller.SOCKETS_PER_WAITER];
    private int count;
    private int rotation;
    private volatile boolean stopping;

    private record Remove(EventSelectPoller.Registration registration) {
    }

    private record CloseSocket(long handle) {
    }

    EventSelectWaiter(EventSelectPoller poller, int index) throws java.io.IOException {
        this.poller = poller;
        MemorySegment event = WSACreateEvent(poller.sockets.state);
        if (event.address() == 0) {
            throw poller.sockets.lastError("WSACreateEvent");
        }
        this.wake = event;
        this.thread = new Thread(this, "netloop-eventselect-waiter-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    void add(EventSelectPoller.Registration r) {
        command(r);
    }

    void remove(EventSelectPoller.Registration r) {
        command(new Remove(r));
    }

    /** Closes {@code handle} after every earlier command: the waiter no longer reads its events by then. */
    void closeSocket(long handle) {
        command(new CloseSocket(handle));
    }

    void stop() {
        stopping = true;
        WSASetEvent(poller.sockets.state, wake);
    }

    void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void command(Object c) {
        commands.add(c);
        WSASetEvent(poller.sockets.state, wake);
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = WinErrors.allocateCallState(arena);
            MemorySegment handles = arena.allocate(ADDRESS.byteSize() * WSA_MAXIMUM_WAIT_EVENTS, 8);
            MemorySegment events = arena.allocate(WSANETWORKEVENTS);
            while (true) {
                applyCommands(state);
                if (stopping) {
                    break;
                }
                // The wait reports the lowest signalled index, so the wake event goes last: a burst
                // of commands must not hold back socket events. Commands are applied every round
                // anyway, so a wake that is not reported at once costs nothing but a later round.
                for (int i = 0; i < count; i++) {
                    handles.setAtIndex(ADDRESS, i, registrations[i].event);
                }
                handles.setAtIndex(ADDRESS, count, wake);
                int rc = WSAWaitForMultipleEvents(state, count + 1, handles, 0, WSA_INFINITE, 0);
                if (rc == WSA_WAIT_FAILED) {
                    log.warn("{}: WSAWaitForMultipleEvents failed: {}", thread.getName(), WinErrors.name(WinErrors.wsaLastError(state)));
                    sleepBriefly();
                    continue;
                }
                if (rc - WSA_WAIT_EVENT_0 == count) {
                    WSAResetEvent(state, wake);
                    continue;
                }
                readEvents(state, events);
            }
            for (int i = 0; i < count; i++) {
                WSACloseEvent(state, registrations[i].event);
            }
            WSACloseEvent(state, wake);
        } catch (Throwable t) {
            log.error("{} ended unexpectedly; its sockets get no more events", thread.getName(), t);
        }
    }

    private void applyCommands(MemorySegment state) {
        Object c;
        while ((c = commands.poll()) != null) {
            if (c instanceof EventSelectPoller.Registration r) {
                registrations[count++] = r;
            } else if (c instanceof Remove(EventSelectPoller.Registration r)) {
                for (int i = 0; i < count; i++) {
                    if (registrations[i] == r) {
                        registrations[i] = registrations[--count];
                        registrations[count] = null;
                        break;
                    }
                }
                WSACloseEvent(state, r.event);
            } else if (c instanceof CloseSocket(long handle)) {
                closesocket(state, handle);
            }
        }
    }

    /** Every socket of this waiter, from the rotating start: those with events are handed to the loop. */
    private void readEvents(MemorySegment state, MemorySegment events) {
        int start = count == 0 ? 0 : rotation % count;
        rotation = start + 1;
        for (int k = 0; k < count; k++) {
            EventSelectPoller.Registration r = registrations[(start + k) % count];
            // Reads and resets the socket's recorded events and its event object in one call.
            if (WSAEnumNetworkEvents(state, r.socket.handle, r.event, events) == SOCKET_ERROR) {
                continue; // closed under us: its Remove command is on the way
            }
            int happened = events.get(JAVA_INT, WSANETWORKEVENTS_LNETWORKEVENTS_OFFSET);
            if (happened == 0) {
                continue;
            }
            int connectError = (happened & FD_CONNECT) != 0 ? errorCode(events, FD_CONNECT_BIT) : 0;
            int closeError = (happened & FD_CLOSE) != 0 ? errorCode(events, FD_CLOSE_BIT) : 0;
            poller.signalled(r, happened, connectError, closeError);
        }
    }

    private static int errorCode(MemorySegment events, int bit) {
        return events.get(JAVA_INT, Ws2_32.WSANETWORKEVENTS_IERRORCODE_OFFSET + 4L * bit);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
