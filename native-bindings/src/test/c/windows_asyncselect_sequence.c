/*
 * The asyncselect backend's call sequence, in C: what AsyncSelectPoller does through the
 * bindings, in the same order and with the same arguments, so that it can be run where no
 * Windows JVM is (under Wine, by AsyncSelectSequenceTest) and read line by line.
 *
 *   WSAStartup(2.2); GetModuleHandleW(NULL); RegisterClassExW; CreateWindowExW(HWND_MESSAGE)
 *   a listener with WSAAsyncSelect(FD_ACCEPT | FD_CLOSE)
 *   a client: non-blocking, WSAAsyncSelect(FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE), then connect
 *   accept; WSAAsyncSelect(child, 0) drops the inherited selection; then FD_READ | FD_WRITE | FD_CLOSE
 *   an echo, each side reading until WSAEWOULDBLOCK (FD_READ is posted again only after a recv)
 *   the server sending until WSAEWOULDBLOCK, the client draining, FD_WRITE posted again
 *   a PostMessageW(WM_APP) wakeup from another thread
 *   a stale message (an old message number for a socket) dropped by the generation check
 *   the client closing, FD_CLOSE at the server, recv 0
 *   a connect to a closed port: FD_CONNECT with WSAECONNREFUSED in WSAGETSELECTERROR
 *   DestroyWindow; UnregisterClassW
 *
 * The pump is the backend's: MsgWaitForMultipleObjectsEx(0, NULL, timeout, QS_ALLINPUT,
 * MWMO_INPUTAVAILABLE), then PeekMessageW(PM_REMOVE) until empty, DispatchMessageW into WndProc.
 * Prints one line per step ("ok ..." or "FAIL ..."), and "note ..." lines for what may come in
 * either order (which of FD_CONNECT and FD_WRITE reports a finished connect first); exits 1 on
 * the first failure.
 */
#define __USE_MINGW_ANSI_STDIO 1

#include "netloop_windows.h"

#include <stdio.h>
#include <string.h>

#define MSG_WAKE (WM_APP)
#define MSG_LISTENER (WM_APP + 1)
#define MSG_SERVER (WM_APP + 2)
#define MSG_CLIENT (WM_APP + 3)
#define MSG_STALE (WM_APP + 4)

static HWND window;
static SOCKET listener = INVALID_SOCKET, server = INVALID_SOCKET, client = INVALID_SOCKET;

/* What the window procedure saw, for the main flow to wait on. */
static int accepted, connected, wakeups, stale_dropped, server_closed, write_again;
static int connect_error = -1;
static long long server_echoed, client_received, server_sent_blocked, server_recv_zero;
static int server_blocked; /* the server's last send failed with WSAEWOULDBLOCK */
static int failed;

#define FAIL(...) do { printf("FAIL "); printf(__VA_ARGS__); printf("\n"); fflush(stdout); failed = 1; } while (0)

static const char *event_name(int event) {
    switch (event) {
    case FD_READ: return "FD_READ";
    case FD_WRITE: return "FD_WRITE";
    case FD_OOB: return "FD_OOB";
    case FD_ACCEPT: return "FD_ACCEPT";
    case FD_CONNECT: return "FD_CONNECT";
    case FD_CLOSE: return "FD_CLOSE";
    default: return "FD_?";
    }
}

static char buffer[65536];

static void server_read(void) {
    for (;;) {
        int n = recv(server, buffer, sizeof(buffer), 0);
        if (n > 0) {
            int sent = send(server, buffer, n, 0);
            if (sent != n) {
                FAIL("server echo send returned %d (error %d)", sent, WSAGetLastError());
                return;
            }
            server_echoed += n;
        } else if (n == 0) {
            server_recv_zero = 1;
            return;
        } else {
            int e = WSAGetLastError();
            if (e != WSAEWOULDBLOCK) {
                FAIL("server recv error %d", e);
            }
            return;
        }
    }
}

static void client_read(void) {
    for (;;) {
        int n = recv(client, buffer, sizeof(buffer), 0);
        if (n > 0) {
            client_received += n;
        } else {
            if (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK) {
                FAIL("client recv error %d", WSAGetLastError());
            }
            return;
        }
    }
}

/* The backend's window procedure does the same bookkeeping: look the socket up, check the message number. */
static LRESULT CALLBACK WndProc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam) {
    if (msg == MSG_WAKE) {
        printf("ok wakeup message WM_APP wParam %lld on the window's thread\n", (long long) wParam);
        wakeups++;
        return 0;
    }
    if (msg < MSG_LISTENER || msg > MSG_STALE) {
        return DefWindowProcW(hwnd, msg, wParam, lParam);
    }
    SOCKET s = (SOCKET) wParam;
    int event = WSAGETSELECTEVENT(lParam);
    int error = WSAGETSELECTERROR(lParam);
    if (msg == MSG_STALE) {
        /* A message number no current registration of this socket uses: dropped. */
        printf("ok stale message for a socket dropped (%s)\n", event_name(event));
        stale_dropped++;
        return 0;
    }
    const char *who = msg == MSG_LISTENER ? "listener" : msg == MSG_SERVER ? "server" : "client";
    if ((msg == MSG_LISTENER && s != listener) || (msg == MSG_SERVER && s != server) || (msg == MSG_CLIENT && s != client)) {
        printf("ok %s message for socket %lld it no longer holds dropped (%s)\n", who, (long long) s, event_name(event));
        return 0;
    }
    if (msg == MSG_CLIENT && (event == FD_CONNECT || event == FD_WRITE) && !connected && connect_error == -1) {
        /*
         * As the backend: FD_CONNECT or FD_WRITE means the connect may have finished; the peer
         * name (or SO_ERROR) says whether it did. Which of the two comes first is not fixed (see
         * the note lines), so the steps do not depend on it.
         */
        printf("note client %s error %d while connecting\n", event_name(event), error);
        struct sockaddr_in peer;
        int peer_len = sizeof(peer);
        int so_error = 0;
        int so_len = sizeof(so_error);
        if (event == FD_CONNECT && error != 0) {
            connect_error = error;
        } else if (getpeername(client, (struct sockaddr *) &peer, &peer_len) == 0) {
            connect_error = 0;
            connected = 1;
        } else if (getsockopt(client, SOL_SOCKET, SO_ERROR, (char *) &so_error, &so_len) == 0 && so_error != 0) {
            connect_error = so_error;
        }
        return 0;
    }
    if (msg == MSG_CLIENT && event == FD_CONNECT) {
        printf("note client FD_CONNECT error %d after the connect was seen done\n", error);
        return 0;
    }
    if (event != FD_READ && event != FD_WRITE) { /* reads and writes repeat: printed by the steps */
        printf("ok %s %s error %d\n", who, event_name(event), error);
    }
    if (msg == MSG_LISTENER && event == FD_ACCEPT) {
        SOCKET child = accept(listener, NULL, NULL);
        if (child == INVALID_SOCKET) {
            int e = WSAGetLastError();
            if (e != WSAEWOULDBLOCK) {
                FAIL("accept error %d", e);
            }
            return 0;
        }
        /* The child inherits the listener's selection (FD_ACCEPT | FD_CLOSE on MSG_LISTENER): drop it. */
        if (WSAAsyncSelect(child, window, 0, 0) == SOCKET_ERROR) {
            FAIL("WSAAsyncSelect(child, 0) error %d", WSAGetLastError());
        }
        server = child;
        if (WSAAsyncSelect(server, window, MSG_SERVER, FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
            FAIL("WSAAsyncSelect(server) error %d", WSAGetLastError());
        }
        printf("ok accepted, WSAAsyncSelect(FD_READ | FD_WRITE | FD_CLOSE)\n");
        accepted = 1;
    } else if (msg == MSG_CLIENT && event == FD_READ) {
        client_read();
    } else if (msg == MSG_SERVER && event == FD_READ) {
        server_read();
    } else if (msg == MSG_SERVER && event == FD_WRITE) {
        if (server_blocked) {
            write_again++;
            server_blocked = 0;
        }
    } else if (msg == MSG_SERVER && event == FD_CLOSE) {
        server_closed = 1;
        server_read(); /* FD_CLOSE comes once: read on to the end */
    }
    return 0;
}

/*
 * One poll of the backend: wait up to timeout_ms for input (0: do not wait), then take every
 * queued message. Returns how many it dispatched.
 */
static int poll_once(DWORD timeout_ms) {
    DWORD rc = MsgWaitForMultipleObjectsEx(0, NULL, timeout_ms, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
    if (rc == WAIT_FAILED) {
        FAIL("MsgWaitForMultipleObjectsEx failed: %lu", GetLastError());
        return 0;
    }
    MSG m;
    int n = 0;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) {
        DispatchMessageW(&m);
        n++;
    }
    return n;
}

/* Polls until *flag is set or 10 s pass. */
static int pump_until(volatile int *flag, const char *what) {
    DWORD start = GetTickCount();
    while (!*flag && !failed) {
        if (GetTickCount() - start > 10000) {
            FAIL("no %s within 10 s", what);
            return 0;
        }
        poll_once(100);
    }
    return !failed;
}

static DWORD WINAPI poster(LPVOID unused) {
    (void) unused;
    Sleep(50); /* the loop is waiting by then, most likely; either way the message is queued */
    if (!PostMessageW(window, MSG_WAKE, 42, 0)) {
        printf("FAIL PostMessageW from another thread: %lu\n", GetLastError());
    }
    return 0;
}

static SOCKET new_socket(void) {
    return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* The window procedure's shape, for User32.WNDPROC: LRESULT (HWND, UINT, WPARAM, LPARAM). */
    printf("WNDPROC %zu %zu %zu %zu %zu\n", sizeof(LRESULT), sizeof(HWND), sizeof(UINT), sizeof(WPARAM), sizeof(LPARAM));
    WSADATA data;
    int rc = WSAStartup(MAKEWORD(2, 2), &data);
    if (rc != 0) {
        FAIL("WSAStartup %d", rc);
        return 1;
    }
    printf("ok WSAStartup 2.2\n");

    HINSTANCE instance = GetModuleHandleW(NULL);
    WNDCLASSEXW cls;
    memset(&cls, 0, sizeof(cls));
    cls.cbSize = sizeof(cls);
    cls.lpfnWndProc = WndProc;
    cls.hInstance = instance;
    cls.lpszClassName = L"netloop-asyncselect";
    if (RegisterClassExW(&cls) == 0) {
        FAIL("RegisterClassExW %lu", GetLastError());
        return 1;
    }
    printf("ok RegisterClassExW\n");
    if (RegisterClassExW(&cls) == 0 && GetLastError() == ERROR_CLASS_ALREADY_EXISTS) {
        printf("ok RegisterClassExW again: ERROR_CLASS_ALREADY_EXISTS\n");
    } else {
        printf("note RegisterClassExW again did not fail with ERROR_CLASS_ALREADY_EXISTS (%lu)\n", GetLastError());
    }
    window = CreateWindowExW(0, L"netloop-asyncselect", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, instance, NULL);
    if (window == NULL) {
        FAIL("CreateWindowExW(HWND_MESSAGE) %lu", GetLastError());
        return 1;
    }
    printf("ok CreateWindowExW(HWND_MESSAGE)\n");

    /* poll(0) on an empty queue: no wait, nothing dispatched. */
    DWORD before = GetTickCount();
    rc = (int) MsgWaitForMultipleObjectsEx(0, NULL, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
    int drained = poll_once(0);
    printf("%s poll(0) on an empty queue: %s, %d dispatched\n",
           rc == WAIT_TIMEOUT && drained == 0 && GetTickCount() - before < 1000 ? "ok" : "FAIL",
           rc == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "not WAIT_TIMEOUT", drained);

    /* The listener. */
    listener = new_socket();
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int len = sizeof(addr);
    if (listener == INVALID_SOCKET || bind(listener, (struct sockaddr *) &addr, sizeof(addr)) == SOCKET_ERROR
            || listen(listener, SOMAXCONN) == SOCKET_ERROR || getsockname(listener, (struct sockaddr *) &addr, &len) == SOCKET_ERROR) {
        FAIL("listener %d", WSAGetLastError());
        return 1;
    }
    if (WSAAsyncSelect(listener, window, MSG_LISTENER, FD_ACCEPT | FD_CLOSE) == SOCKET_ERROR) {
        FAIL("WSAAsyncSelect(listener) %d", WSAGetLastError());
        return 1;
    }
    printf("ok listener, WSAAsyncSelect(FD_ACCEPT | FD_CLOSE)\n");

    /*
     * The client, in the backend's order: non-blocking, selected, then connect. Selected first
     * because under Wine a socket selected after its connect finished gets FD_WRITE but no
     * FD_CONNECT, and one whose connect was refused before it was selected gets nothing at all.
     */
    client = new_socket();
    u_long on = 1;
    if (client == INVALID_SOCKET || ioctlsocket(client, FIONBIO, &on) == SOCKET_ERROR) {
        FAIL("client socket %d", WSAGetLastError());
        return 1;
    }
    if (WSAAsyncSelect(client, window, MSG_CLIENT, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
        FAIL("WSAAsyncSelect(client) %d", WSAGetLastError());
        return 1;
    }
    if (connect(client, (struct sockaddr *) &addr, sizeof(addr)) == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
        FAIL("connect %d", WSAGetLastError());
        return 1;
    }
    printf("ok WSAAsyncSelect(FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE), connect in progress\n");

    if (!pump_until(&accepted, "FD_ACCEPT") || !pump_until(&connected, "FD_CONNECT")) {
        return 1;
    }
    printf("ok connected (FD_CONNECT error %d)\n", connect_error);

    /* Echo: the server reads until WSAEWOULDBLOCK and sends back; the client reads until it has it all. */
    const char *hello = "hello, asyncselect\n";
    long long want = (long long) strlen(hello);
    if (send(client, hello, (int) want, 0) != want) {
        FAIL("client send %d", WSAGetLastError());
        return 1;
    }
    volatile int echoed = 0;
    DWORD start = GetTickCount();
    while (client_received < want && !failed && GetTickCount() - start < 10000) {
        poll_once(100);
    }
    echoed = client_received == want && server_echoed == want;
    printf("%s echo: server read and sent %lld bytes, client received %lld\n", echoed ? "ok" : "FAIL", server_echoed, client_received);
    if (!echoed) {
        return 1;
    }

    /* A second message on the same connection: FD_READ was re-enabled by the recv that drained the first. */
    if (send(client, hello, (int) want, 0) != want) {
        FAIL("client send %d", WSAGetLastError());
        return 1;
    }
    start = GetTickCount();
    while (client_received < 2 * want && !failed && GetTickCount() - start < 10000) {
        poll_once(100);
    }
    printf("%s second echo: FD_READ posted again after the recv, client received %lld\n",
           client_received == 2 * want ? "ok" : "FAIL", client_received);
    if (client_received != 2 * want) {
        return 1;
    }

    /* FD_WRITE: the server sends until WSAEWOULDBLOCK; only then is FD_WRITE posted again, once the client drains. */
    client_received = 0;
    memset(buffer, 'x', sizeof(buffer));
    for (int i = 0; i < 100000; i++) { /* bounded: some stack may take everything */
        int n = send(server, buffer, sizeof(buffer), 0);
        if (n > 0) {
            server_sent_blocked += n;
            continue;
        }
        if (WSAGetLastError() == WSAEWOULDBLOCK) {
            server_blocked = 1;
        } else {
            FAIL("server send %d", WSAGetLastError());
            return 1;
        }
        break;
    }
    if (!server_blocked) {
        FAIL("the server's send never returned WSAEWOULDBLOCK after %lld bytes", server_sent_blocked);
        return 1;
    }
    printf("ok server send returned WSAEWOULDBLOCK after %lld bytes\n", server_sent_blocked);
    if (!pump_until(&write_again, "FD_WRITE after WSAEWOULDBLOCK")) {
        return 1;
    }
    /* The client drains what is left in its FD_READ handler; pump until it has all. */
    start = GetTickCount();
    while (client_received < server_sent_blocked && !failed && GetTickCount() - start < 10000) {
        poll_once(100);
    }
    printf("%s FD_WRITE posted again after WSAEWOULDBLOCK; client read %lld of %lld bytes\n",
           client_received == server_sent_blocked ? "ok" : "FAIL", client_received, server_sent_blocked);
    if (client_received != server_sent_blocked) {
        return 1;
    }

    /* Wakeup from another thread. */
    HANDLE thread = CreateThread(NULL, 0, poster, NULL, 0, NULL);
    if (thread == NULL) {
        FAIL("CreateThread %lu", GetLastError());
        return 1;
    }
    if (!pump_until(&wakeups, "wakeup message")) {
        return 1;
    }
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);

    /* A message with a message number no registration uses any more (the backend's generation check). */
    PostMessageW(window, MSG_STALE, (WPARAM) server, FD_READ);
    if (!pump_until(&stale_dropped, "stale message")) {
        return 1;
    }

    /* The client closes; the server sees FD_CLOSE once and reads to the end (recv 0). */
    closesocket(client);
    client = INVALID_SOCKET;
    if (!pump_until(&server_closed, "FD_CLOSE at the server")) {
        return 1;
    }
    printf("%s server read to the end after FD_CLOSE (recv 0)\n", server_recv_zero ? "ok" : "FAIL");

    /* Closing: cancel the selection, close; messages still queued for these sockets are dropped by the lookup. */
    WSAAsyncSelect(server, window, 0, 0);
    closesocket(server);
    server = INVALID_SOCKET;
    WSAAsyncSelect(listener, window, 0, 0);
    closesocket(listener);
    listener = INVALID_SOCKET;
    poll_once(0);

    /* A refused connect: FD_CONNECT carries the error in the high word of lParam. */
    client = new_socket();
    connected = 0;
    connect_error = -1;
    if (client == INVALID_SOCKET || ioctlsocket(client, FIONBIO, &on) == SOCKET_ERROR) {
        FAIL("second client %d", WSAGetLastError());
        return 1;
    }
    if (WSAAsyncSelect(client, window, MSG_CLIENT, FD_CONNECT | FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR) {
        FAIL("WSAAsyncSelect(second client) %d", WSAGetLastError());
        return 1;
    }
    if (connect(client, (struct sockaddr *) &addr, sizeof(addr)) == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) {
        printf("note connect to the closed port failed at once: %d\n", WSAGetLastError());
    } else {
        start = GetTickCount();
        while (connect_error == -1 && !failed && GetTickCount() - start < 10000) {
            poll_once(100);
        }
        printf("%s refused connect: error %d (WSAECONNREFUSED is %d)\n",
               connect_error == WSAECONNREFUSED ? "ok" : "FAIL", connect_error, WSAECONNREFUSED);
        if (connect_error != WSAECONNREFUSED) {
            failed = 1;
        }
    }
    WSAAsyncSelect(client, window, 0, 0);
    closesocket(client);
    client = INVALID_SOCKET;
    poll_once(0);
    printf("%s DestroyWindow\n", DestroyWindow(window) ? "ok" : "FAIL");
    printf("%s UnregisterClassW\n", UnregisterClassW(L"netloop-asyncselect", instance) ? "ok" : "FAIL");
    WSACleanup();
    printf("%s done\n", failed ? "FAIL" : "ok");
    return failed ? 1 : 0;
}
