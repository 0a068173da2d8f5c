package io.netloop.bindings.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs, under Wine (directly on Windows), the call sequence of the {@code asyncselect} backend in
 * C: {@code src/test/c/windows_asyncselect_sequence.c}, compiled with MinGW-w64 against
 * {@code netloop_windows.h}. A message-only window, a listener, a connecting client, accept, an
 * echo, FD_READ and FD_WRITE re-enabled as the model says, a wakeup posted from another thread, a
 * stale message dropped, FD_CLOSE, a refused connect, and the window destroyed; each step prints a
 * line, which this test expects in order. It proves the sequence and Wine's (or Windows')
 * behaviour, not the Java backend, which first runs on the Windows CI leg. Skipped, with the
 * reason, where the cross compiler or Wine is missing.
 */
class AsyncSelectSequenceTest {

    /** Every line, in order; "..." matches the bytes counted by the FD_WRITE step, which depend on the stack. */
    private static final List<String> EXPECTED = List.of(
            "ok WSAStartup 2.2",
            "ok RegisterClassExW",
            "ok RegisterClassExW again: ERROR_CLASS_ALREADY_EXISTS",
            "ok CreateWindowExW(HWND_MESSAGE)",
            "ok poll(0) on an empty queue: WAIT_TIMEOUT, 0 dispatched",
            "ok listener, WSAAsyncSelect(FD_ACCEPT | FD_CLOSE)",
            "ok WSAAsyncSelect(FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE), connect in progress",
            "ok listener FD_ACCEPT error 0",
            "ok accepted, WSAAsyncSelect(FD_READ | FD_WRITE | FD_CLOSE)",
            "ok connected (FD_CONNECT error 0)",
            "ok echo: server read and sent 19 bytes, client received 19",
            "ok second echo: FD_READ posted again after the recv, client received 38",
            "ok server send returned WSAEWOULDBLOCK after ... bytes",
            "ok FD_WRITE posted again after WSAEWOULDBLOCK; client read ... of ... bytes",
            "ok wakeup message WM_APP wParam 42 on the window's thread",
            "ok stale message for a socket dropped (FD_READ)",
            "ok server FD_CLOSE error 0",
            "ok server read to the end after FD_CLOSE (recv 0)",
            "ok refused connect: error 10061 (WSAECONNREFUSED is 10061)",
            "ok DestroyWindow",
            "ok UnregisterClassW",
            "ok done");

    @Test
    void theBackendsCallSequenceRunsAsTheModelSays() throws Exception {
        String output = MingwWine.compileAndRun("windows_asyncselect_sequence", "ws2_32");
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), "no output");

        // The first line is the window procedure's C types, for the Java descriptor.
        String[] sizes = lines.get(0).split(" ");
        assertEquals("WNDPROC", sizes[0], lines.get(0));
        List<MemoryLayout> java = new java.util.ArrayList<>();
        java.add(User32.WNDPROC.returnLayout().orElseThrow());
        java.addAll(User32.WNDPROC.argumentLayouts());
        assertEquals(sizes.length - 1, java.size(), "LRESULT and four parameters");
        for (int i = 0; i < java.size(); i++) {
            assertEquals(Long.parseLong(sizes[i + 1]), java.get(i).byteSize(), "size of WNDPROC's " + (i == 0 ? "result" : "parameter " + i));
        }

        // "note" lines say what may come in either order (FD_CONNECT or FD_WRITE first): shown, not expected.
        List<String> steps = lines.subList(1, lines.size()).stream()
                .filter(l -> !l.startsWith("note "))
                .map(l -> l.replaceAll("\\b\\d{4,}(?= (bytes|of))", "...").replaceAll("(read )\\d+( of)", "$1...$2"))
                .collect(Collectors.toList());
        assertTrue(steps.stream().noneMatch(l -> l.startsWith("FAIL")), () -> "a step failed:\n" + output);
        assertEquals(EXPECTED, steps, () -> "the sequence under " + (System.getProperty("os.name").startsWith("Windows") ? "Windows" : "Wine") + ":\n" + output);
    }
}
