package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs, from any OS, the Winsock calls the {@code winsock-select} backend makes, in its order:
 * {@code src/test/c/windows_select_sequence.c} is compiled with MinGW-w64 and run under Wine
 * (directly on Windows). The Java backend itself first runs on the Windows CI leg; this proves the
 * sequence it relies on: non-blocking sockets through {@code ioctlsocket(FIONBIO)}, {@code fd_set}s
 * allocated for more than {@code FD_SETSIZE} (64) sockets, a refused connect reported in the except
 * set with {@code SO_ERROR} {@code WSAECONNREFUSED}, and a wakeup datagram from another thread over
 * a connected loopback UDP pair. Skipped (with the reason) where the cross compiler or Wine is
 * missing.
 */
class WinsockSelectSequenceTest {

    @Test
    void selectBackendCallSequenceWorks() throws Exception {
        String output = MingwWine.compileAndRun("windows_select_sequence", "ws2_32");
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertFalse(output.contains("FAIL"), output);
        // At least the 100 connecting clients and the refused one share the first write set; how
        // many share a read set later depends on how the connects and echoes interleave.
        String sets = lines.size() > 5 ? lines.get(5) : "";
        Matcher m = Pattern.compile("fd_set capacity 256, largest set (\\d+) > FD_SETSIZE 64").matcher(sets);
        assertTrue(m.matches(), output);
        assertTrue(Integer.parseInt(m.group(1)) >= 101, sets);
        assertEquals(List.of(
                "WSAStartup 2.2",
                "listener non-blocking",
                "wakeup pair connected",
                "connects pending 100",
                "refused connect in exceptfds, not writefds: ok, SO_ERROR WSAECONNREFUSED",
                sets,
                "accepted 100",
                "connected 100",
                "echoed 100",
                "woken by a datagram from another thread, drained 1",
                "closed"), lines);
    }
}
