/*
 * Runs, with real sockets on loopback, the exact Winsock call sequences of the two overlapped
 * backends of platform-windows, and prints one line per observed outcome for
 * WindowsOverlappedSequencesTest (compiled with MinGW-w64, run under Wine, or natively on Windows):
 *
 *   overlapped-events (OverlappedEventsPort): every operation's OVERLAPPED.hEvent is an event
 *   (WSACreateEvent, reset before each use); AcceptEx, ConnectEx, WSARecv and WSASend are issued
 *   as IocpPort issues them; a waiter thread waits with WSAWaitForMultipleEvents (at most 64
 *   handles, hence the sharding) and the loop reads each result with WSAGetOverlappedResult.
 *
 *   overlapped-routines (OverlappedRoutinesPort): WSARecv and WSASend name a completion routine,
 *   run by the loop thread's alertable waits (SleepEx(..., TRUE), WSAWaitForMultipleEvents(...,
 *   fAlertable = TRUE)); AcceptEx and ConnectEx take no routine, so they carry an event that a
 *   waiter thread watches, and the waiter wakes the loop with QueueUserAPC; so do other threads.
 *
 * A line starting "FAIL" means a step did not behave as the backends assume; the exit status is
 * then 1. Every call's outcome is printed whether or not it was expected, so the test's message
 * says what Wine (or Windows) did.
 */

#define __USE_MINGW_ANSI_STDIO 1

#include "netloop_windows.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int failures;

static void say(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
}

static void check(int ok, const char *what) {
    if (!ok) {
        failures++;
        say("FAIL %s (WSAGetLastError %d, GetLastError %lu)", what, WSAGetLastError(), (unsigned long) GetLastError());
    }
}

static LPFN_ACCEPTEX accept_ex;
static LPFN_CONNECTEX connect_ex;

static void *extension(SOCKET s, GUID guid) {
    void *fn = NULL;
    DWORD returned = 0;
    int rc = WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof(guid), &fn, sizeof(fn), &returned, NULL, NULL);
    check(rc == 0 && fn != NULL, "WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)");
    return fn;
}

static SOCKET overlapped_socket(void) {
    SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    check(s != INVALID_SOCKET, "WSASocketW");
    return s;
}

/* The per-operation memory the backends keep: the OVERLAPPED first, then what the call needs. */
typedef struct {
    OVERLAPPED overlapped;
    WSABUF buf;
    DWORD flags;
    char data[64];
    char addresses[2 * (sizeof(struct sockaddr_in6) + 16)];
    const char *name;
    int routine_ran;
    DWORD routine_error;
    DWORD routine_bytes;
} operation;

/* As the ports do before each use: a zeroed OVERLAPPED whose hEvent is the operation's own, reset. */
static void prepare(operation *op, WSAEVENT event, const char *name) {
    memset(&op->overlapped, 0, sizeof(op->overlapped));
    op->overlapped.hEvent = event;
    if (event != NULL) {
        WSAResetEvent(event);
    }
    op->name = name;
    op->routine_ran = 0;
}

/* The events backend's completion: a signalled event, then WSAGetOverlappedResult (fWait FALSE). */
static void result_after_event(const char *mode, SOCKET s, operation *op) {
    DWORD bytes = 0, flags = 0;
    if (WSAGetOverlappedResult(s, &op->overlapped, &bytes, FALSE, &flags)) {
        say("%s: %s completed: ok, %lu bytes", mode, op->name, (unsigned long) bytes);
    } else {
        say("%s: %s completed: error %d", mode, op->name, WSAGetLastError());
    }
}

/* Waits (non-alertable, as a waiter thread does) until every event is signalled. */
static void wait_all(WSAEVENT *events, DWORD count) {
    DWORD rc = WSAWaitForMultipleEvents(count, events, TRUE, 5000, FALSE);
    check(rc < WSA_WAIT_EVENT_0 + count, "WSAWaitForMultipleEvents(wait all)");
}

static void started(const char *what, BOOL ok) {
    int error = ok ? 0 : WSAGetLastError();
    say("%s: %s", what, ok ? "completed at once" : error == WSA_IO_PENDING ? "pending" : "failed");
    check(ok || error == WSA_IO_PENDING, what);
}

static void update_contexts(SOCKET listener, SOCKET accepted, SOCKET client) {
    check(setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *) &listener, sizeof(listener)) == 0,
          "SO_UPDATE_ACCEPT_CONTEXT");
    check(setsockopt(client, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0) == 0, "SO_UPDATE_CONNECT_CONTEXT");
}

static void post_receive(SOCKET s, operation *op, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, const char *what) {
    op->buf.len = sizeof(op->data);
    op->buf.buf = op->data;
    op->flags = 0;
    memset(op->data, 0, sizeof(op->data));
    started(what, WSARecv(s, &op->buf, 1, NULL, &op->flags, &op->overlapped, routine) == 0);
}

static void post_send(SOCKET s, operation *op, const char *text, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, const char *what) {
    strcpy(op->data, text);
    op->buf.len = (ULONG) strlen(text);
    op->buf.buf = op->data;
    started(what, WSASend(s, &op->buf, 1, NULL, 0, &op->overlapped, routine) == 0);
}

/* ---- completion routines and APCs: the upcalls of the routines backend ---- */

static void CALLBACK routine(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags) {
    (void) dwFlags;
    /* The ports find their operation from the OVERLAPPED, which starts the operation's memory. */
    operation *op = (operation *) lpOverlapped;
    op->routine_ran++;
    op->routine_error = dwError;
    op->routine_bytes = cbTransferred;
}

static volatile LONG apc_runs;
static volatile ULONG_PTR apc_parameter;

static void CALLBACK wake_apc(ULONG_PTR parameter) {
    apc_parameter = parameter;
    InterlockedIncrement(&apc_runs);
}

static HANDLE loop_thread;

/* Alertable waits until the routine of every op has run; prints what each wait returned. */
static void run_routines(operation **ops, int count, int use_wait_for_events, WSAEVENT idle) {
    for (int round = 0; round < 50; round++) {
        int done = 1;
        for (int i = 0; i < count; i++) {
            done &= ops[i]->routine_ran > 0;
        }
        if (done) {
            break;
        }
        DWORD rc = use_wait_for_events ? WSAWaitForMultipleEvents(1, &idle, FALSE, 5000, TRUE) : SleepEx(5000, TRUE);
        say("routines: %s returned %s", use_wait_for_events ? "WSAWaitForMultipleEvents(alertable)" : "SleepEx(alertable)",
            rc == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : rc == WSA_WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "something else");
        check(rc == WAIT_IO_COMPLETION, "alertable wait ends with WAIT_IO_COMPLETION");
    }
    for (int i = 0; i < count; i++) {
        operation *op = ops[i];
        say("routines: %s routine ran %d time(s): error %lu, %lu bytes%s%s%s", op->name, op->routine_ran,
            (unsigned long) op->routine_error, (unsigned long) op->routine_bytes,
            op->routine_bytes > 0 && strncmp(op->name, "recv", 4) == 0 ? ", data '" : "",
            op->routine_bytes > 0 && strncmp(op->name, "recv", 4) == 0 ? op->data : "",
            op->routine_bytes > 0 && strncmp(op->name, "recv", 4) == 0 ? "'" : "");
    }
}

/* A waiter thread of the routines backend: waits for AcceptEx's and ConnectEx's events, then wakes the loop. */
typedef struct {
    WSAEVENT events[2];
    DWORD waited;
} waiter_job;

static DWORD WINAPI waiter(LPVOID arg) {
    waiter_job *job = arg;
    job->waited = WSAWaitForMultipleEvents(2, job->events, TRUE, 5000, FALSE);
    QueueUserAPC(wake_apc, loop_thread, 7);
    return 0;
}

static DWORD WINAPI waker(LPVOID arg) {
    Sleep((DWORD) (ULONG_PTR) arg);
    QueueUserAPC(wake_apc, loop_thread, 42);
    return 0;
}

/* Accepts and connects a pair: AcceptEx and ConnectEx with events. */
static void connect_pair(SOCKET listener, const struct sockaddr_in *address, SOCKET *server, SOCKET *client,
                         int through_waiter) {
    operation accept_op, connect_op;
    WSAEVENT accept_event = WSACreateEvent();
    WSAEVENT connect_event = WSACreateEvent();
    check(accept_event != WSA_INVALID_EVENT && connect_event != WSA_INVALID_EVENT, "WSACreateEvent");
    const char *mode = through_waiter ? "routines" : "events";

    *server = overlapped_socket();
    prepare(&accept_op, accept_event, "accept");
    DWORD received = 0;
    char what[64];
    snprintf(what, sizeof(what), "%s: AcceptEx", mode);
    started(what, accept_ex(listener, *server, accept_op.addresses, 0, sizeof(struct sockaddr_in6) + 16,
                            sizeof(struct sockaddr_in6) + 16, &received, &accept_op.overlapped));

    *client = overlapped_socket();
    struct sockaddr_in any = {0};
    any.sin_family = AF_INET;
    check(bind(*client, (struct sockaddr *) &any, sizeof(any)) == 0, "bind before ConnectEx");
    prepare(&connect_op, connect_event, "connect");
    snprintf(what, sizeof(what), "%s: ConnectEx", mode);
    started(what, connect_ex(*client, (const struct sockaddr *) address, sizeof(*address), NULL, 0, NULL, &connect_op.overlapped));

    WSAEVENT events[2] = {accept_event, connect_event};
    if (through_waiter) {
        waiter_job job = {{accept_event, connect_event}, 0};
        apc_runs = 0;
        HANDLE t = CreateThread(NULL, 0, waiter, &job, 0, NULL);
        DWORD rc = SleepEx(5000, TRUE);
        say("routines: the waiter saw both events and woke the loop: SleepEx returned %s, APC parameter %lu",
            rc == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "something else", (unsigned long) apc_parameter);
        check(rc == WAIT_IO_COMPLETION && apc_runs == 1 && job.waited < WSA_WAIT_EVENT_0 + 2, "waiter wakes the loop by APC");
        WaitForSingleObject(t, 5000);
        CloseHandle(t);
    } else {
        wait_all(events, 2);
    }
    result_after_event(mode, listener, &accept_op);
    result_after_event(mode, *client, &connect_op);
    update_contexts(listener, *server, *client);
    WSACloseEvent(accept_event);
    WSACloseEvent(connect_event);
}

int main(void) {
    WSADATA data;
    check(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup");

    SOCKET listener = overlapped_socket();
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    check(bind(listener, (struct sockaddr *) &address, sizeof(address)) == 0, "bind");
    check(listen(listener, SOMAXCONN) == 0, "listen");
    int length = sizeof(address);
    check(getsockname(listener, (struct sockaddr *) &address, &length) == 0, "getsockname");
    accept_ex = (LPFN_ACCEPTEX) extension(listener, (GUID) WSAID_ACCEPTEX);
    connect_ex = (LPFN_CONNECTEX) extension(listener, (GUID) WSAID_CONNECTEX);

    /* ---- overlapped-events ---- */
    {
        SOCKET server, client;
        connect_pair(listener, &address, &server, &client, 0);

        WSAEVENT events[2] = {WSACreateEvent(), WSACreateEvent()};
        operation recv_op, send_op;
        prepare(&recv_op, events[0], "recv");
        post_receive(server, &recv_op, NULL, "events: WSARecv");
        prepare(&send_op, events[1], "send");
        post_send(client, &send_op, "hello", NULL, "events: WSASend");
        wait_all(events, 2);
        result_after_event("events", client, &send_op);
        result_after_event("events", server, &recv_op);
        say("events: server read '%s'", recv_op.data);

        /* Echo: what the server read goes back. */
        prepare(&recv_op, events[0], "recv echo");
        post_receive(client, &recv_op, NULL, "events: WSARecv");
        prepare(&send_op, events[1], "send echo");
        post_send(server, &send_op, "hello", NULL, "events: WSASend");
        wait_all(events, 2);
        result_after_event("events", server, &send_op);
        result_after_event("events", client, &recv_op);
        say("events: client read '%s'", recv_op.data);

        /* The core cancels a posted receive when a connection closes: CancelIoEx, then its event. */
        prepare(&recv_op, events[0], "recv cancelled");
        post_receive(client, &recv_op, NULL, "events: WSARecv");
        check(CancelIoEx((HANDLE) client, &recv_op.overlapped), "CancelIoEx");
        wait_all(events, 1);
        result_after_event("events", client, &recv_op);

        /* One WSAWaitForMultipleEvents takes at most WSA_MAXIMUM_WAIT_EVENTS: why the port shards over waiters. */
        WSAEVENT many[WSA_MAXIMUM_WAIT_EVENTS + 1];
        for (int i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++) {
            many[i] = WSACreateEvent();
        }
        DWORD rc = WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS + 1, many, FALSE, 0, FALSE);
        say("events: waiting on %d events: %s, error %d", WSA_MAXIMUM_WAIT_EVENTS + 1,
            rc == WSA_WAIT_FAILED ? "WSA_WAIT_FAILED" : "accepted", rc == WSA_WAIT_FAILED ? WSAGetLastError() : 0);
        WSASetEvent(many[WSA_MAXIMUM_WAIT_EVENTS - 1]);
        rc = WSAWaitForMultipleEvents(WSA_MAXIMUM_WAIT_EVENTS, many, FALSE, 0, FALSE);
        say("events: waiting on %d events: signalled index %lu", WSA_MAXIMUM_WAIT_EVENTS, (unsigned long) (rc - WSA_WAIT_EVENT_0));
        for (int i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++) {
            WSACloseEvent(many[i]);
        }

        check(closesocket(client) == 0 && closesocket(server) == 0, "closesocket");
        WSACloseEvent(events[0]);
        WSACloseEvent(events[1]);
        say("events: closed");
    }

    /* ---- overlapped-routines ---- */
    {
        /* QueueUserAPC needs a real handle of the loop thread: GetCurrentThread's is a pseudo-handle. */
        check(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &loop_thread, 0, FALSE,
                              DUPLICATE_SAME_ACCESS), "DuplicateHandle");
        say("routines: loop thread handle duplicated: %s", loop_thread != NULL && loop_thread != GetCurrentThread() ? "yes" : "no");

        SOCKET server, client;
        connect_pair(listener, &address, &server, &client, 1);

        operation recv_op, send_op;
        operation *both[2] = {&recv_op, &send_op};
        prepare(&recv_op, NULL, "recv");
        post_receive(server, &recv_op, routine, "routines: WSARecv");
        prepare(&send_op, NULL, "send");
        post_send(client, &send_op, "ping", routine, "routines: WSASend");
        run_routines(both, 2, 0, NULL);

        /* Echo, run by an alertable WSAWaitForMultipleEvents on an event nobody sets. */
        WSAEVENT idle = WSACreateEvent();
        prepare(&recv_op, NULL, "recv echo");
        post_receive(client, &recv_op, routine, "routines: WSARecv");
        prepare(&send_op, NULL, "send echo");
        post_send(server, &send_op, "ping", routine, "routines: WSASend");
        run_routines(both, 2, 1, idle);

        /* Data already there: WSARecv succeeds at once, and its routine is still queued (one path for the core). */
        check(send(client, "now", 3, 0) == 3, "send");
        Sleep(200);
        prepare(&recv_op, NULL, "recv immediate");
        post_receive(server, &recv_op, routine, "routines: WSARecv with data waiting");
        say("routines: routine ran before an alertable wait: %s", recv_op.routine_ran ? "yes" : "no");
        operation *one[1] = {&recv_op};
        run_routines(one, 1, 0, NULL);

        /* Wakeups: an APC from another thread ends the alertable wait; one queued before the wait is not lost. */
        apc_runs = 0;
        HANDLE t = CreateThread(NULL, 0, waker, (LPVOID) (ULONG_PTR) 100, 0, NULL);
        DWORD rc = SleepEx(5000, TRUE);
        say("routines: QueueUserAPC from another thread: SleepEx returned %s, APC ran %ld time(s), parameter %lu",
            rc == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "something else", (long) apc_runs, (unsigned long) apc_parameter);
        WaitForSingleObject(t, 5000);
        CloseHandle(t);
        apc_runs = 0;
        t = CreateThread(NULL, 0, waker, (LPVOID) (ULONG_PTR) 0, 0, NULL);
        WaitForSingleObject(t, 5000);
        CloseHandle(t);
        say("routines: APC queued while the loop was not waiting: ran %ld time(s) before the wait", (long) apc_runs);
        rc = SleepEx(5000, TRUE);
        say("routines: the next SleepEx returned %s, APC ran %ld time(s)",
            rc == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "something else", (long) apc_runs);

        /* Cancel: the routine runs with the abort error. */
        prepare(&recv_op, NULL, "recv cancelled");
        post_receive(client, &recv_op, routine, "routines: WSARecv");
        check(CancelIoEx((HANDLE) client, &recv_op.overlapped), "CancelIoEx");
        run_routines(one, 1, 0, NULL);

        /* Close with a receive posted: closesocket ends it, and its routine still runs. */
        prepare(&recv_op, NULL, "recv closed");
        post_receive(server, &recv_op, routine, "routines: WSARecv");
        check(closesocket(server) == 0, "closesocket");
        run_routines(one, 1, 0, NULL);
        check(closesocket(client) == 0, "closesocket");
        WSACloseEvent(idle);
        CloseHandle(loop_thread);
        say("routines: closed");
    }

    closesocket(listener);
    WSACleanup();
    say("failures %d", failures);
    return failures == 0 ? 0 : 1;
}
