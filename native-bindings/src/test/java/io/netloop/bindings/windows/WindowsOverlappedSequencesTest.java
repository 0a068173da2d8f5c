package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/c/windows_overlapped_sequences.c}, the exact Winsock call sequences of the
 * {@code overlapped-events} and {@code overlapped-routines} backends, on loopback sockets under
 * Wine (directly on Windows), and checks what it saw, line by line: AcceptEx and ConnectEx with an
 * event in {@code hEvent}, WSARecv and WSASend signalled by events and read with
 * {@code WSAGetOverlappedResult}, the 64-event limit of {@code WSAWaitForMultipleEvents}, then
 * WSARecv and WSASend with completion routines run by {@code SleepEx(..., TRUE)} and by an
 * alertable {@code WSAWaitForMultipleEvents}, a routine queued for an operation that completed at
 * once, {@code QueueUserAPC} wakeups from another thread (one queued before the wait included),
 * cancellation and close. The Java backends themselves first run on the Windows CI leg.
 *
 * <p>Wine differs from Windows in one outcome, allowed below: a receive pending when its socket
 * is closed ends with {@code WSAEINVAL} (10022) under Wine, where Windows reports
 * {@code WSA_OPERATION_ABORTED} (995). The backends treat both as the end of that receive.
 */
class WindowsOverlappedSequencesTest {

    @Test
    void bothBackendsCallSequencesBehaveAsTheirPortsAssume() throws Exception {
        String output = MingwWine.compileAndRun("windows_overlapped_sequences", "ws2_32");
        List<String> lines = List.of(output.split("\n"));
        List<String> expected = List.of(
                // overlapped-events
                "events: AcceptEx: pending",
                "events: ConnectEx: (pending|completed at once)",
                "events: accept completed: ok, 0 bytes",
                "events: connect completed: ok, 0 bytes",
                "events: WSARecv: pending",
                "events: WSASend: (pending|completed at once)",
                "events: send completed: ok, 5 bytes",
                "events: recv completed: ok, 5 bytes",
                "events: server read 'hello'",
                "events: send echo completed: ok, 5 bytes",
                "events: recv echo completed: ok, 5 bytes",
                "events: client read 'hello'",
                "events: recv cancelled completed: error 995",
                "events: waiting on 65 events: WSA_WAIT_FAILED, error 87",
                "events: waiting on 64 events: signalled index 63",
                "events: closed",
                // overlapped-routines
                "routines: loop thread handle duplicated: yes",
                "routines: AcceptEx: pending",
                "routines: the waiter saw both events and woke the loop: SleepEx returned WAIT_IO_COMPLETION, APC parameter 7",
                "routines: accept completed: ok, 0 bytes",
                "routines: connect completed: ok, 0 bytes",
                "routines: SleepEx\\(alertable\\) returned WAIT_IO_COMPLETION",
                "routines: recv routine ran 1 time\\(s\\): error 0, 4 bytes, data 'ping'",
                "routines: send routine ran 1 time\\(s\\): error 0, 4 bytes",
                "routines: WSAWaitForMultipleEvents\\(alertable\\) returned WAIT_IO_COMPLETION",
                "routines: recv echo routine ran 1 time\\(s\\): error 0, 4 bytes, data 'ping'",
                "routines: send echo routine ran 1 time\\(s\\): error 0, 4 bytes",
                "routines: WSARecv with data waiting: completed at once",
                "routines: routine ran before an alertable wait: no",
                "routines: recv immediate routine ran 1 time\\(s\\): error 0, 3 bytes, data 'now'",
                "routines: QueueUserAPC from another thread: SleepEx returned WAIT_IO_COMPLETION, APC ran 1 time\\(s\\), parameter 42",
                "routines: APC queued while the loop was not waiting: ran 0 time\\(s\\) before the wait",
                "routines: the next SleepEx returned WAIT_IO_COMPLETION, APC ran 1 time\\(s\\)",
                "routines: recv cancelled routine ran 1 time\\(s\\): error 995, 0 bytes",
                "routines: recv closed routine ran 1 time\\(s\\): error (995|10022), 0 bytes",
                "routines: closed",
                "failures 0");
        List<String> missing = new ArrayList<>();
        for (String pattern : expected) {
            if (lines.stream().noneMatch(line -> line.matches(pattern))) {
                missing.add(pattern);
            }
        }
        assertTrue(missing.isEmpty(), () -> "lines not printed:\n  " + String.join("\n  ", missing) + "\nthe program printed:\n" + output);
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("FAIL")), output);
    }
}
