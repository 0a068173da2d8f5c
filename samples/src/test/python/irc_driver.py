#!/usr/bin/python3
"""A real IRC client (Debian's python3-irc) driven line by line, for the chat server's tests.

    /usr/bin/python3 irc_driver.py HOST PORT NICK [--echo-message]

Connects and registers as NICK. With --echo-message it negotiates capabilities the IRCv3 way
before registering: CAP LS 302, then CAP REQ :echo-message once offered, then CAP END once
acknowledged (or refused).

stdin, one command a line:
    privmsg TARGET TEXT      notice TARGET TEXT      action TARGET TEXT
    nick NEW                 join #CHAN              part #CHAN [REASON]
    ping TOKEN               raw LINE                quit [REASON]
End of stdin quits too.

stdout, one event a line, flushed:
    EVENT<TAB>TYPE<TAB>SOURCE<TAB>TARGET<TAB>ARG...
TYPE is python-irc's event name (welcome, join, pubmsg, privmsg, action, nicknameinuse, pong,
cap, ...); SOURCE is the sender's nick (or the server's name); tabs, CR and LF inside fields
are escaped as \\t, \\r and \\n. Also "RAW<TAB>line" for every line from the server, and
"CLOSED<TAB>reason" when the connection ends, after which the driver exits.
"""
import queue
import socket
import sys
import threading

import irc.client


def esc(value):
    if value is None:
        return ""
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def emit(*fields):
    sys.stdout.write("\t".join(esc(f) for f in fields) + "\n")
    sys.stdout.flush()


def main():
    host, port, nick = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    echo_message = "--echo-message" in sys.argv[4:]

    client = irc.client.IRC()
    server = client.server()
    state = {"closed": False, "cap_done": not echo_message}

    def on_raw(connection, event):
        emit("RAW", event.arguments[0])

    def on_event(connection, event):
        if event.type in ("all_raw_messages",):
            return
        # Most events carry a NickMask; some (action) the raw "nick!user@host" prefix.
        nick_of_source = str(event.source).split("!", 1)[0] if event.source is not None else ""
        emit("EVENT", event.type, nick_of_source, event.target, *(event.arguments or []))
        if event.type == "cap" and not state["cap_done"]:
            sub = (event.arguments or [""])[0].upper()
            caps = " ".join(event.arguments[1:]).split() if event.arguments else []
            if sub == "LS":
                if "echo-message" in caps:
                    connection.cap("REQ", "echo-message")
                else:
                    state["cap_done"] = True
                    connection.cap("END")
            elif sub in ("ACK", "NAK"):
                state["cap_done"] = True
                connection.cap("END")
        if event.type == "disconnect":
            state["closed"] = True
            emit("CLOSED", " ".join(event.arguments or []))

    client.add_global_handler("all_raw_messages", on_raw, -20)
    client.add_global_handler("all_events", on_event, -10)

    def connect_factory(address):
        sock = socket.create_connection(address, timeout=10)
        sock.settimeout(None)
        if echo_message:
            # Before python-irc sends NICK and USER: the server then holds registration until CAP END.
            sock.sendall(b"CAP LS 302\r\n")
        return sock

    try:
        server.connect(host, port, nick, username=nick, ircname="python3-irc " + nick,
                       connect_factory=connect_factory)
    except irc.client.ServerConnectionError as e:
        emit("CLOSED", "connect failed: %s" % e)
        return 1

    commands = queue.Queue()

    def read_stdin():
        for line in sys.stdin:
            commands.put(line.rstrip("\n"))
        commands.put(None)

    threading.Thread(target=read_stdin, daemon=True).start()

    while not state["closed"]:
        client.process_once(0.02)
        while True:
            try:
                line = commands.get_nowait()
            except queue.Empty:
                break
            if line is None or line == "quit" or line.startswith("quit "):
                reason = "" if line is None or line == "quit" else line[5:]
                if server.is_connected():
                    server.quit(reason)
                # Let the server's reply and close arrive, then stop either way.
                for _ in range(250):
                    if state["closed"]:
                        break
                    client.process_once(0.02)
                if not state["closed"]:
                    emit("CLOSED", "gave up waiting for the server to close")
                return 0
            run(server, line)
    return 0


def run(server, line):
    verb, _, rest = line.partition(" ")
    if verb == "privmsg":
        target, _, text = rest.partition(" ")
        server.privmsg(target, text)
    elif verb == "notice":
        target, _, text = rest.partition(" ")
        server.notice(target, text)
    elif verb == "action":
        target, _, text = rest.partition(" ")
        server.action(target, text)
    elif verb == "nick":
        server.nick(rest)
    elif verb == "join":
        server.join(rest)
    elif verb == "part":
        channel, _, reason = rest.partition(" ")
        server.part(channel, reason)
    elif verb == "ping":
        server.ping(rest)
    elif verb == "raw":
        server.send_raw(rest)
    else:
        emit("ERROR", "unknown driver command: " + line)


if __name__ == "__main__":
    sys.exit(main())
