/*
 * The Winsock call sequence of the winsock-select backend (platform-windows: WinSelectPoller,
 * WinSelectWaker, WinSelect*Socket), made from C so that it runs under Wine in the normal build
 * (WinsockSelectSequenceTest) before the Java backend ever runs on Windows:
 *
 *   WSAStartup 2.2; a listener (WSASocketW overlapped and not inherited, SO_EXCLUSIVEADDRUSE,
 *   bind 127.0.0.1:0, listen, ioctlsocket FIONBIO); the wakeup pair (two UDP sockets on
 *   127.0.0.1, each connected to the other, non-blocking); CLIENTS non-blocking connects; one
 *   connect to a port nobody listens on; then select rounds over fd_sets of a count and an array
 *   sized for every socket watched, grown by doubling (not capped at FD_SETSIZE, 64), the
 *   connecting sockets in the except set as well as the write set: accept until WSAEWOULDBLOCK,
 *   each connected client sends, each server echoes, each client reads its echo; a failed
 *   connect shows in exceptfds with SO_ERROR WSAECONNREFUSED; finally a wakeup datagram from
 *   another thread ends a select with no timeout; everything is closed.
 *
 * Prints one line per step; the test checks them. Any unexpected result prints "FAIL ..." and
 * exits non-zero.
 */

#define __USE_MINGW_ANSI_STDIO 1

#include "netloop_windows.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENTS 100
#define ROUNDS 2000

static int failures;

#define CHECK(cond, what) do { \
        if (!(cond)) { \
            printf("FAIL %s: WSAGetLastError %d (line %d)\n", what, WSAGetLastError(), __LINE__); \
            fflush(stdout); \
            exit(1); \
        } \
    } while (0)

/* As WinSelectPoller allocates them: the count, then an array for `capacity` sockets. */
static fd_set *new_set(u_int capacity) {
    fd_set *set = calloc(1, offsetof(fd_set, fd_array) + capacity * sizeof(SOCKET));
    CHECK(set != NULL, "calloc fd_set");
    return set;
}

static u_int set_capacity = 0;
static fd_set *read_set, *write_set, *except_set;
static u_int max_count;

static void ensure_capacity(u_int needed) {
    if (needed <= set_capacity) {
        return;
    }
    u_int capacity = set_capacity == 0 ? 16 : set_capacity;
    while (capacity < needed) {
        capacity *= 2;
    }
    free(read_set);
    free(write_set);
    free(except_set);
    read_set = new_set(capacity);
    write_set = new_set(capacity);
    except_set = new_set(capacity);
    set_capacity = capacity;
}

static int contains(fd_set *set, SOCKET s) {
    for (u_int i = 0; i < set->fd_count; i++) {
        if (set->fd_array[i] == s) {
            return 1;
        }
    }
    return 0;
}

static void non_blocking(SOCKET s) {
    u_long on = 1;
    CHECK(ioctlsocket(s, FIONBIO, &on) == 0, "ioctlsocket FIONBIO");
}

static SOCKET new_socket(int type, int protocol) {
    SOCKET s = WSASocketW(AF_INET, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    CHECK(s != INVALID_SOCKET, "WSASocketW");
    return s;
}

static struct sockaddr_in loopback(u_short port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static struct sockaddr_in name_of(SOCKET s) {
    struct sockaddr_in a;
    int len = sizeof(a);
    CHECK(getsockname(s, (struct sockaddr *) &a, &len) == 0, "getsockname");
    return a;
}

/* The wakeup pair: WinSelectWaker. */
static SOCKET wake_receiver, wake_sender;

static DWORD WINAPI waker_thread(LPVOID arg) {
    (void) arg;
    Sleep(300); /* the loop is in a select with no timeout by then */
    char one = 1;
    int n = send(wake_sender, &one, 1, 0);
    return n == 1 ? 0 : 1;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    WSADATA data;
    CHECK(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup");
    printf("WSAStartup 2.2\n");

    /* The listener, as WinSocketCalls.listen and then nonBlocking. */
    SOCKET listener = new_socket(SOCK_STREAM, IPPROTO_TCP);
    int on = 1;
    CHECK(setsockopt(listener, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *) &on, sizeof(on)) == 0, "SO_EXCLUSIVEADDRUSE");
    struct sockaddr_in any = loopback(0);
    CHECK(bind(listener, (struct sockaddr *) &any, sizeof(any)) == 0, "bind listener");
    CHECK(listen(listener, SOMAXCONN) == 0, "listen");
    non_blocking(listener);
    struct sockaddr_in server = name_of(listener);
    printf("listener non-blocking\n");

    /* The wakeup pair: each bound to 127.0.0.1:0 and connected to the other. */
    wake_receiver = new_socket(SOCK_DGRAM, IPPROTO_UDP);
    wake_sender = new_socket(SOCK_DGRAM, IPPROTO_UDP);
    CHECK(bind(wake_receiver, (struct sockaddr *) &any, sizeof(any)) == 0, "bind wake receiver");
    CHECK(bind(wake_sender, (struct sockaddr *) &any, sizeof(any)) == 0, "bind wake sender");
    struct sockaddr_in receiver_name = name_of(wake_receiver);
    struct sockaddr_in sender_name = name_of(wake_sender);
    CHECK(connect(wake_sender, (struct sockaddr *) &receiver_name, sizeof(receiver_name)) == 0, "connect wake sender");
    CHECK(connect(wake_receiver, (struct sockaddr *) &sender_name, sizeof(sender_name)) == 0, "connect wake receiver");
    non_blocking(wake_receiver);
    non_blocking(wake_sender);
    printf("wakeup pair connected\n");

    /* A port nobody listens on: bound, then closed. */
    SOCKET probe = new_socket(SOCK_STREAM, IPPROTO_TCP);
    CHECK(bind(probe, (struct sockaddr *) &any, sizeof(any)) == 0, "bind unused port");
    struct sockaddr_in refused_addr = name_of(probe);
    closesocket(probe);
    SOCKET refused = new_socket(SOCK_STREAM, IPPROTO_TCP);
    non_blocking(refused);
    CHECK(connect(refused, (struct sockaddr *) &refused_addr, sizeof(refused_addr)) == SOCKET_ERROR
          && WSAGetLastError() == WSAEWOULDBLOCK, "connect to an unused port");
    int refused_pending = 1;

    /* The clients, as WinSelectPoller.connect. */
    SOCKET clients[CLIENTS];
    int connecting[CLIENTS];
    int sent[CLIENTS];
    int echoed[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        clients[i] = new_socket(SOCK_STREAM, IPPROTO_TCP);
        non_blocking(clients[i]);
        int rc = connect(clients[i], (struct sockaddr *) &server, sizeof(server));
        CHECK(rc == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK, "non-blocking connect");
        connecting[i] = 1;
        sent[i] = 0;
        echoed[i] = 0;
    }
    printf("connects pending %d\n", CLIENTS);

    SOCKET servers[CLIENTS];
    int accepted = 0, connected = 0, echoes = 0, served = 0;
    int refused_error = 0;
    for (int round = 0; round < ROUNDS && (echoes < CLIENTS || refused_pending); round++) {
        /* Every socket watched, plus the wakeup receiver; the except set takes the connecting ones. */
        ensure_capacity(1 + 1 + 2 * CLIENTS + 1);
        read_set->fd_count = 0;
        write_set->fd_count = 0;
        except_set->fd_count = 0;
        read_set->fd_array[read_set->fd_count++] = wake_receiver;
        read_set->fd_array[read_set->fd_count++] = listener;
        for (int i = 0; i < accepted; i++) {
            read_set->fd_array[read_set->fd_count++] = servers[i];
        }
        for (int i = 0; i < CLIENTS; i++) {
            if (connecting[i]) {
                write_set->fd_array[write_set->fd_count++] = clients[i];
                except_set->fd_array[except_set->fd_count++] = clients[i];
            } else if (!echoed[i]) {
                read_set->fd_array[read_set->fd_count++] = clients[i];
            }
        }
        if (refused_pending) {
            write_set->fd_array[write_set->fd_count++] = refused;
            except_set->fd_array[except_set->fd_count++] = refused;
        }
        if (read_set->fd_count > max_count) {
            max_count = read_set->fd_count;
        }
        if (write_set->fd_count > max_count) {
            max_count = write_set->fd_count;
        }
        TIMEVAL timeout = {5, 0};
        int n = select(0, read_set, write_set, except_set->fd_count ? except_set : NULL, &timeout);
        CHECK(n != SOCKET_ERROR, "select");
        CHECK(n > 0, "select timed out with work left");

        if (except_set->fd_count && contains(except_set, refused)) {
            int error = 0;
            int len = sizeof(error);
            CHECK(getsockopt(refused, SOL_SOCKET, SO_ERROR, (char *) &error, &len) == 0, "getsockopt SO_ERROR");
            refused_error = error;
            refused_pending = 0;
            printf("refused connect in exceptfds, not writefds: %s, SO_ERROR %s\n",
                   contains(write_set, refused) ? "FAIL also in writefds" : "ok",
                   error == WSAECONNREFUSED ? "WSAECONNREFUSED" : "FAIL other");
            closesocket(refused);
        } else if (refused_pending && contains(write_set, refused)) {
            printf("FAIL refused connect reported writable\n");
            return 1;
        }
        if (contains(read_set, listener)) {
            while (accepted < CLIENTS) {
                SOCKET child = accept(listener, NULL, NULL);
                if (child == INVALID_SOCKET) {
                    CHECK(WSAGetLastError() == WSAEWOULDBLOCK, "accept");
                    break;
                }
                non_blocking(child);
                servers[accepted++] = child;
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            if (connecting[i] && contains(except_set, clients[i])) {
                printf("FAIL client %d connect failed\n", i);
                return 1;
            }
            if (connecting[i] && contains(write_set, clients[i])) {
                /* finishConnect: SO_ERROR 0 and a peer name. */
                int error = -1;
                int len = sizeof(error);
                CHECK(getsockopt(clients[i], SOL_SOCKET, SO_ERROR, (char *) &error, &len) == 0 && error == 0, "SO_ERROR after connect");
                struct sockaddr_in peer;
                len = sizeof(peer);
                CHECK(getpeername(clients[i], (struct sockaddr *) &peer, &len) == 0, "getpeername");
                connecting[i] = 0;
                connected++;
                char message[16];
                int m = snprintf(message, sizeof(message), "hello %03d", i);
                WSABUF buf = {(ULONG) m, message};
                DWORD bytes = 0;
                CHECK(WSASend(clients[i], &buf, 1, &bytes, 0, NULL, NULL) == 0 && bytes == (DWORD) m, "WSASend");
                sent[i] = 1;
            }
        }
        for (int i = 0; i < accepted; i++) {
            if (contains(read_set, servers[i])) {
                char buffer[64];
                int got = recv(servers[i], buffer, sizeof(buffer), 0);
                if (got == SOCKET_ERROR) {
                    CHECK(WSAGetLastError() == WSAEWOULDBLOCK, "server recv");
                    continue;
                }
                if (got == 0) {
                    continue;
                }
                WSABUF buf = {(ULONG) got, buffer};
                DWORD bytes = 0;
                CHECK(WSASend(servers[i], &buf, 1, &bytes, 0, NULL, NULL) == 0 && bytes == (DWORD) got, "server echo");
                served++;
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            if (sent[i] && !echoed[i] && contains(read_set, clients[i])) {
                char buffer[64];
                int got = recv(clients[i], buffer, sizeof(buffer) - 1, 0);
                if (got == SOCKET_ERROR) {
                    CHECK(WSAGetLastError() == WSAEWOULDBLOCK, "client recv");
                    continue;
                }
                buffer[got < 0 ? 0 : got] = 0;
                char expected[16];
                snprintf(expected, sizeof(expected), "hello %03d", i);
                if (strcmp(buffer, expected) != 0) {
                    printf("FAIL client %d read '%s'\n", i, buffer);
                    return 1;
                }
                echoed[i] = 1;
                echoes++;
            }
        }
    }
    /* The first round alone has every client and the refused socket in the write set: 101. */
    printf("fd_set capacity %u, largest set %u %s FD_SETSIZE %d\n", set_capacity, max_count,
           max_count > FD_SETSIZE ? ">" : "FAIL <=", FD_SETSIZE);
    printf("accepted %d\n", accepted);
    printf("connected %d\n", connected);
    printf("echoed %d\n", echoes);
    if (refused_error == 0) {
        printf("FAIL the refused connect was never reported\n");
        failures++;
    }

    /* A wakeup from another thread ends a select with no timeout (WinSelectPoller.poll(-1)). */
    HANDLE thread = CreateThread(NULL, 0, waker_thread, NULL, 0, NULL);
    CHECK(thread != NULL, "CreateThread");
    read_set->fd_count = 0;
    read_set->fd_array[read_set->fd_count++] = wake_receiver;
    read_set->fd_array[read_set->fd_count++] = listener;
    int n = select(0, read_set, NULL, NULL, NULL);
    CHECK(n == 1 && read_set->fd_count == 1 && read_set->fd_array[0] == wake_receiver, "select woken by the datagram");
    int drained = 0;
    char scratch[16];
    while (recv(wake_receiver, scratch, sizeof(scratch), 0) > 0) {
        drained++;
    }
    CHECK(WSAGetLastError() == WSAEWOULDBLOCK, "drain wake receiver");
    WaitForSingleObject(thread, INFINITE);
    DWORD code = 1;
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
    CHECK(code == 0, "wakeup send");
    printf("woken by a datagram from another thread, drained %d\n", drained);

    for (int i = 0; i < CLIENTS; i++) {
        CHECK(closesocket(clients[i]) == 0, "closesocket client");
    }
    for (int i = 0; i < accepted; i++) {
        CHECK(closesocket(servers[i]) == 0, "closesocket server");
    }
    CHECK(closesocket(listener) == 0 && closesocket(wake_receiver) == 0 && closesocket(wake_sender) == 0, "closesocket");
    CHECK(WSACleanup() == 0, "WSACleanup");
    printf("closed\n");
    return failures == 0 ? 0 : 1;
}
