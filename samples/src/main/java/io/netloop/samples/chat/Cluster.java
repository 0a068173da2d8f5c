package io.netloop.samples.chat;

import io.netloop.EventLoop;
import io.netloop.EventLoopGroup;
import io.netloop.Timer;
import io.netloop.samples.chat.redis.RedisClient;
import io.netloop.samples.chat.redis.RedisUri;
import io.netloop.samples.chat.redis.RespValue;
import io.netloop.tls.TlsContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of a chat served by several nodes that share one Redis: the other nodes'
 * users as {@link RemoteUser}s, nickname claims, and the events every node writes to and reads
 * from one Redis stream.
 *
 * <h2>In Redis</h2> (all keys under {@code netloop:chat:})
 * <ul>
 * <li>{@code nodes}: a sorted set of node ids scored by their last heartbeat (Redis' clock). A node
 *     not heard from for {@value #LEASE_MS} ms is dead: the others tell their users that its users
 *     quit, and its nicknames may be claimed.</li>
 * <li>{@code nick:<lower-case nick>}: the node that holds the nickname, set by a script that
 *     refuses while a live node holds it, so of two users racing for a name exactly one wins.</li>
 * <li>{@code events}: the stream. Each entry carries its node and that node's sequence number;
 *     receivers drop numbers they have seen, so an entry written twice is applied once.</li>
 * <li>{@code seq}: each node's last sequence number in the stream and its entry id, kept by the
 *     script that appends events, so that each is written once and in order.</li>
 * <li>{@code pos}: how far each node has read. The stream is trimmed below the lowest position of
 *     the nodes heard from in the last {@value #GRACE_MS} ms.</li>
 * <li>{@code epoch}: a random id set when missing. A new one means Redis lost its data (a restart
 *     without persistence): every node then writes again what it still holds and reads the new
 *     stream from its start.</li>
 * </ul>
 *
 * <h2>Delivery</h2> A node keeps each event it publishes until every node has read past it, and
 * writes again, in order, what Redis may not have (unacknowledged entries after a lost connection;
 * everything after a data loss). Receivers drop duplicates by sequence number. So a room message
 * reaches every member once, in its sender's order, across a Redis restart or a network cut of up
 * to {@value #GRACE_MS} ms; only the events past {@link ChatConfig#clusterQueue()} are dropped
 * (their senders are told), and the node's state is then sent whole when Redis is back.
 *
 * <h2>Threads</h2> The Redis connections, the timers and all changes to remote users run on one
 * loop of the cluster's own group. Users' loops call {@link #publish}, {@link #claim} and
 * {@link #release}, which are thread-safe.
 */
final class Cluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    /** A node silent this long is dead; four heartbeats in a row must have failed. */
    static final long LEASE_MS = 5_000;
    /** How long a silent node's position still holds back the trimming of the stream. */
    static final long GRACE_MS = 120_000;
    /** When a silent node is struck from the tables altogether. */
    private static final long FORGET_MS = 600_000;
    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_BACKOFF_MS = 2_000;
    private static final int READ_COUNT = 1_000;
    private static final int READ_BLOCK_MS = 1_000;

    private static final String PREFIX = "netloop:chat:";
    private static final String NODES = PREFIX + "nodes";
    private static final String POS = PREFIX + "pos";
    private static final String EVENTS = PREFIX + "events";
    private static final String SEQ = PREFIX + "seq";
    private static final String EPOCH = PREFIX + "epoch";
    private static final String NICK = PREFIX + "nick:";

    /** Redis' clock in milliseconds, in the scripts below. */
    private static final String NOW = "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /**
     * KEYS nodes, pos, events, epoch, seq; ARGV node, position or '', a fresh epoch, lease, grace, forget.
     * Returns {epoch, lease lost (0/1), trim position or '', last entry id, {live nodes}}.
     */
    private static final Script HEARTBEAT_SCRIPT = Script.of(NOW + """
            redis.call('SET', KEYS[4], ARGV[3], 'NX')
            local epoch = redis.call('GET', KEYS[4])
            local lease = tonumber(ARGV[4])
            local prev = redis.call('ZSCORE', KEYS[1], ARGV[1])
            local lost = 0
            if (not prev) or tonumber(prev) < now - lease then lost = 1 end
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
            local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[6])))
            for _, n in ipairs(gone) do
              redis.call('ZREM', KEYS[1], n)
              redis.call('HDEL', KEYS[2], n)
              redis.call('HDEL', KEYS[5], n)
            end
            local alive = redis.call('ZRANGEBYSCORE', KEYS[1], now - lease, '+inf')
            local recent = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[5]), '+inf')
            local min, minMs, minSeq = '', nil, nil
            for _, n in ipairs(recent) do
              local p = redis.call('HGET', KEYS[2], n)
              if not p then
                min = nil
                break
              end
              local dash = string.find(p, '-', 1, true)
              local ms = tonumber(string.sub(p, 1, dash - 1))
              local sq = tonumber(string.sub(p, dash + 1))
              if minMs == nil or ms < minMs or (ms == minMs and sq < minSeq) then
                min, minMs, minSeq = p, ms, sq
              end
            end
            if min == nil then min = '' end
            if min ~= '' and min ~= '0-0' then redis.call('XTRIM', KEYS[3], 'MINID', min) end
            local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
            local lastId = '0-0'
            if #last > 0 then lastId = last[1][1] end
            return {epoch, lost, min, lastId, alive}
            """);

    /** KEYS nick, nodes; ARGV node, lease. 1 when the node now holds the nickname, 0 when a live node does. */
    private static final Script CLAIM_SCRIPT = Script.of("""
            local owner = redis.call('GET', KEYS[1])
            if owner and owner ~= ARGV[1] then
              local seen = redis.call('ZSCORE', KEYS[2], owner)
              if seen then
            """ + NOW + """
                if tonumber(seen) >= now - tonumber(ARGV[2]) then return 0 end
              end
            end
            redis.call('SET', KEYS[1], ARGV[1])
            return 1
            """);

    /**
     * KEYS events, seq; ARGV node, sequence number, the event's fields. Appends a node's events to
     * the stream once each and in order: an event already in is not added again (its reply is the
     * id of the node's last entry, at or after its own), and one that would leave a gap is refused
     * ({@code NETLOOPGAP}), so that a node whose earlier event was refused (out of memory, say)
     * writes again from that one. The first event of a node, or the first after Redis lost its
     * data, sets where its numbers start. Returns the entry's id.
     */
    private static final Script APPEND_SCRIPT = Script.of("""
            local s = tonumber(ARGV[2])
            local prev = redis.call('HGET', KEYS[2], ARGV[1])
            if prev then
              local space = string.find(prev, ' ', 1, true)
              local last = tonumber(string.sub(prev, 1, space - 1))
              if s <= last then return string.sub(prev, space + 1) end
              if s ~= last + 1 then return redis.error_reply('NETLOOPGAP expected ' .. (last + 1) .. ', got ' .. s) end
            end
            local id = redis.call('XADD', KEYS[1], '*', 'n', ARGV[1], 's', ARGV[2], unpack(ARGV, 3))
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ' ' .. id)
            return id
            """);

    /** KEYS nick; ARGV node: deletes the claim if it is the node's. */
    private static final Script RELEASE_SCRIPT = Script.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 1
            """);

    /** KEYS nodes, pos, seq; ARGV node: a node that stops takes itself out. */
    private static final Script LEAVE_SCRIPT = Script.of("""
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            return 1
            """);

    /**
     * A Lua script, called by its SHA-1 ({@code EVALSHA}) so that its text is not sent with every
     * event. Each connection loads them all first ({@code SCRIPT LOAD}); a Redis that forgot them
     * (restarted, {@code SCRIPT FLUSH}) answers {@code NOSCRIPT}, which reconnects and loads them again.
     */
    private record Script(String body, String sha) {
        static Script of(String body) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new Script(body, java.util.HexFormat.of().formatHex(d));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required of every JDK", e);
            }
        }
    }

    private static final List<Script> SCRIPTS = List.of(HEARTBEAT_SCRIPT, CLAIM_SCRIPT, RELEASE_SCRIPT, APPEND_SCRIPT, LEAVE_SCRIPT);

    /** Thrown into a claim's future while Redis cannot be reached. */
    static final class UnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    /** An event this node published, kept until every node has read it. */
    private static final class Outgoing {
        final Object[] command;
        /** Its stream id once Redis acknowledged it; {@code null} before, and again after Redis lost its data. */
        volatile String id;

        Outgoing(Object[] command) {
            this.command = command;
        }
    }

    final String nodeId = UUID.randomUUID().toString();
    private final Hub hub;
    private final RedisUri uri;
    private final RedisClient.Options options;
    private final int maxQueue;
    private final EventLoopGroup group;
    private final EventLoop loop;

    /** Guards the outbox, the sequence, the command connection and the overflow flag. */
    private final Object lock = new Object();
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private long seq;
    /** The connection commands and events go out on; {@code null} while Redis is unreachable. */
    private RedisClient commands;
    /** Events were dropped for want of room: the node's whole state is sent when Redis is back. */
    private boolean overflowed;

    // The cluster loop only.
    private RedisClient reader;
    private String epoch;
    private volatile String position;
    private final Map<String, Long> lastSeq = new HashMap<>();
    /** Nodes declared dead whose users this node has let go; a {@link ClusterEvent.State} revives one. */
    private final Set<String> deadNodes = new HashSet<>();
    /** Nicknames let go while Redis was unreachable, released when it is back. */
    private final Set<String> pendingReleases = new HashSet<>();
    private long backoffMs;
    /** When the connections were last made: nodes missing then may still be on their way back. */
    private long attachedNanos;
    private boolean reconnecting;
    private boolean closing;
    private Timer heartbeat;

    private Cluster(Hub hub, ChatConfig config) throws IOException {
        this.hub = hub;
        this.uri = config.redis();
        this.maxQueue = config.clusterQueue();
        RedisClient.Options o = RedisClient.Options.defaults();
        if (uri.tls()) {
            // rediss://: the server's certificate is verified (by the JDK's CAs unless others are given), and its name checked.
            TlsContext.Builder tls = TlsContext.client();
            if (config.redisCa() != null) {
                try {
                    tls.trustPem(config.redisCa());
                } catch (IOException e) {
                    throw new IOException("cannot use the Redis CA file " + config.redisCa() + ": " + e.getMessage(), e);
                }
            }
            o = o.withTls(tls.build());
        }
        this.options = o;
        this.group = EventLoopGroup.builder().backend(config.backend()).threads(1).build();
        this.loop = group.loops().get(0);
    }

    /**
     * Joins the cluster on {@code config.redis()}: connects, registers this node and asks the
     * others for their users.
     *
     * @throws IOException when Redis cannot be reached or refuses the login within 10 s
     */
    static Cluster join(Hub hub, ChatConfig config) throws IOException {
        Cluster c = new Cluster(hub, config);
        try {
            CompletableFuture<Void> attached = new CompletableFuture<>();
            c.loop.execute(() -> c.attach().whenComplete((ok, e) -> {
                if (e != null) {
                    attached.completeExceptionally(e);
                } else {
                    attached.complete(null);
                }
            }));
            attached.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("node {} joined the chat cluster on {}", c.nodeId, c.uri);
            return c;
        } catch (ExecutionException e) {
            c.group.close();
            throw new IOException("cannot join the chat cluster on " + c.uri + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            c.group.close();
            throw new IOException("cannot join the chat cluster on " + c.uri + ": no answer within " + JOIN_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            c.group.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while joining the chat cluster", e);
        }
    }

    // ---- what users' loops call ----

    /**
     * Sends an event to the other nodes, after those published before it. Any thread.
     *
     * @return {@code false} when it was dropped: Redis has been unreachable for as long as the
     *         queue's bound allows
     */
    boolean publish(ClusterEvent e) {
        synchronized (lock) {
            if (outbox.size() >= maxQueue) {
                overflowed = true;
                return false;
            }
            List<Object> cmd = new ArrayList<>(24);
            cmd.add("EVALSHA");
            cmd.add(APPEND_SCRIPT.sha());
            cmd.add(2);
            cmd.add(EVENTS);
            cmd.add(SEQ);
            cmd.add(nodeId);
            cmd.add(++seq);
            cmd.addAll(ClusterEvent.fields(e));
            Outgoing o = new Outgoing(cmd.toArray());
            outbox.addLast(o);
            if (commands != null) {
                send(commands, o);
            }
            return true;
        }
    }

    /**
     * Claims a nickname for this node. Any thread.
     *
     * @return completes on the cluster loop: {@code true} when this node now holds it, {@code false}
     *         when a live node does; exceptionally with an {@link UnavailableException} while Redis
     *         cannot be reached
     */
    CompletableFuture<Boolean> claim(String key) {
        RedisClient c;
        synchronized (lock) {
            c = commands;
        }
        if (c == null) {
            return CompletableFuture.failedFuture(new UnavailableException("the chat cluster's Redis is unreachable"));
        }
        return c.send("EVALSHA", CLAIM_SCRIPT.sha(), 2, NICK + key, NODES, nodeId, LEASE_MS).handle((r, e) -> {
            if (e != null) {
                throw new java.util.concurrent.CompletionException(new UnavailableException("the chat cluster's Redis is unreachable: " + e));
            }
            return r.asLong() == 1;
        });
    }

    /** Lets a nickname go, now or once Redis is back. Any thread. */
    void release(String key) {
        RedisClient c;
        synchronized (lock) {
            c = commands;
        }
        if (c != null) {
            c.send("EVALSHA", RELEASE_SCRIPT.sha(), 1, NICK + key, nodeId);
        } else {
            loop.execute(() -> pendingReleases.add(key));
        }
    }

    /** Whether Redis is reachable now. */
    boolean connected() {
        synchronized (lock) {
            return commands != null;
        }
    }

    /** Events kept for other nodes (sent and not yet read by all, or waiting for Redis). */
    int queued() {
        synchronized (lock) {
            return outbox.size();
        }
    }

    // ---- connecting, and after an outage ----

    /** Cluster loop: connects both connections, then brings Redis and this node up to date. */
    private CompletableFuture<Void> attach() {
        CompletableFuture<RedisClient> cmd = RedisClient.connect(group, uri, options);
        CompletableFuture<RedisClient> read = RedisClient.connect(group, uri, options);
        return cmd.thenCombine(read, (c, r) -> new RedisClient[] {c, r})
                .whenComplete((pair, e) -> {
                    if (e != null) {
                        cmd.thenAccept(RedisClient::close);
                        read.thenAccept(RedisClient::close);
                    }
                })
                .thenCompose(pair -> loadScripts(pair[0]).send(heartbeatCommand("")).thenAccept(reply -> {
                    assert loop.inEventLoop();
                    attached(pair[0], pair[1], reply.asList());
                }).whenComplete((ok, e) -> {
                    if (e != null) {
                        pair[0].close();
                        pair[1].close();
                    }
                }));
    }

    /** Pipelines {@code SCRIPT LOAD} of every script before what comes next; a failed load fails the EVALSHA after it. */
    private static RedisClient loadScripts(RedisClient c) {
        for (Script s : SCRIPTS) {
            c.send("SCRIPT", "LOAD", s.body());
        }
        return c;
    }

    private void attached(RedisClient cmd, RedisClient read, List<RespValue> hb) {
        String newEpoch = hb.get(0).asString();
        boolean leaseLost = hb.get(1).asLong() == 1;
        String lastId = streamId(hb.get(3).asString());
        boolean first = epoch == null;
        boolean reset = !first && !epoch.equals(newEpoch);
        epoch = newEpoch;
        if (first) {
            position = lastId;
        } else if (reset) {
            position = "0-0";
            log.warn("Redis {} lost the chat's data (a restart without persistence?): node {} writes again what it holds", uri, nodeId);
        }
        reader = read;
        watch(cmd);
        watch(read);
        for (String key : pendingReleases) {
            if (hub.byNick(key) == null) {
                cmd.send("EVALSHA", RELEASE_SCRIPT.sha(), 1, NICK + key, nodeId);
            }
        }
        pendingReleases.clear();
        if (!first && (reset || leaseLost)) {
            reclaimNicks(cmd);
        }
        synchronized (lock) {
            commands = cmd;
            for (Outgoing o : outbox) {
                if (reset) {
                    o.id = null;
                }
                if (o.id == null) {
                    send(cmd, o);
                }
            }
            if (first) {
                publish(new ClusterEvent.Hello());
            } else if (reset || leaseLost || overflowed) {
                overflowed = false;
                publishState();
            }
        }
        backoffMs = 0;
        attachedNanos = System.nanoTime();
        readNext(read);
        heartbeat = loop.schedule(this::beat, HEARTBEAT);
        if (!first) {
            log.info("node {} is back on {}: {} events queued meanwhile are on their way", nodeId, uri, queued());
        }
    }

    /** Claims again what this node's users hold; a user whose name went to another node meanwhile is dropped. */
    private void reclaimNicks(RedisClient cmd) {
        for (Client c : hub.connected()) {
            String nick = c.nick();
            if (nick == null || !c.isRegistered()) {
                continue;
            }
            cmd.send("EVALSHA", CLAIM_SCRIPT.sha(), 2, NICK + Text.key(nick), NODES, nodeId, LEASE_MS).thenAccept(r -> {
                if (r.asLong() != 1 && nick.equals(c.nick())) {
                    log.info("{} lost its nickname to another node while Redis {} was unreachable", nick, uri);
                    c.disconnect("Nickname collision: " + nick + " was taken on another node during a cluster outage");
                }
            });
        }
    }

    private void watch(RedisClient c) {
        c.closeFuture().whenComplete((ok, e) -> loop.execute(() -> lost(c, e)));
    }

    /** Cluster loop: one of the connections is gone; local chat goes on, and Redis is tried again with backoff. */
    private void lost(RedisClient which, Throwable why) {
        if (closing || (which != reader && which != commandsNow())) {
            return;
        }
        RedisClient cmd;
        synchronized (lock) {
            cmd = commands;
            commands = null;
        }
        RedisClient read = reader;
        reader = null;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        if (cmd != null) {
            cmd.close();
        }
        if (read != null) {
            read.close();
        }
        log.warn("node {} lost Redis {} ({}): users keep chatting on this node; events for the others are queued",
                nodeId, uri, why == null ? "closed" : why.getMessage());
        reconnectLater();
    }

    private RedisClient commandsNow() {
        synchronized (lock) {
            return commands;
        }
    }

    private void reconnectLater() {
        if (closing || reconnecting) {
            return;
        }
        reconnecting = true;
        backoffMs = backoffMs == 0 ? 100 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        loop.schedule(() -> {
            if (closing) {
                return;
            }
            attach().whenComplete((ok, e) -> {
                reconnecting = false;
                if (e != null) {
                    log.debug("node {}: Redis {} still unreachable: {}", nodeId, uri, e.getMessage());
                    reconnectLater();
                }
            });
        }, Duration.ofMillis(backoffMs));
    }

    // ---- the heartbeat: liveness, trimming, dead nodes ----

    private Object[] heartbeatCommand(String pos) {
        return new Object[] {"EVALSHA", HEARTBEAT_SCRIPT.sha(), 5, NODES, POS, EVENTS, EPOCH, SEQ, nodeId, pos, UUID.randomUUID().toString(),
                LEASE_MS, GRACE_MS, FORGET_MS};
    }

    private void beat() {
        RedisClient cmd = commandsNow();
        if (cmd == null || closing) {
            return;
        }
        cmd.send(heartbeatCommand(position)).whenComplete((reply, e) -> {
            if (cmd != commandsNow()) {
                return; // the connection's end is handled by lost()
            }
            if (e != null) {
                refused(cmd, "the heartbeat", e);
                return;
            }
            guarded(cmd, "the heartbeat", () -> beaten(cmd, reply.asList()));
        });
    }

    private void beaten(RedisClient cmd, List<RespValue> hb) {
        if (!hb.get(0).asString().equals(epoch)) {
            // Redis lost its data without dropping the connections (FLUSHALL): join again.
            lost(cmd, new IOException("the cluster's data in Redis was lost"));
            return;
        }
        if (hb.get(1).asLong() == 1) {
            log.warn("node {} was silent past its lease ({} ms): claiming its users' nicknames again", nodeId, LEASE_MS);
            reclaimNicks(cmd);
            synchronized (lock) {
                publishState();
            }
        }
        String min = hb.get(2).asString();
        confirm(min.isEmpty() ? min : streamId(min));
        Set<String> alive = new HashSet<>();
        for (RespValue v : hb.get(4).asList()) {
            alive.add(v.asString());
        }
        // After Redis lost its data, or this node was away, the others need a moment to come back.
        if (System.nanoTime() - attachedNanos >= TimeUnit.MILLISECONDS.toNanos(LEASE_MS)) {
            declareDead(alive);
        }
        heartbeat = loop.schedule(this::beat, HEARTBEAT);
    }

    /**
     * A command failed. A lost connection is handled by {@link #lost} already; an error reply
     * (Redis out of memory, read-only, a gap in this node's events) closes the connection as if it
     * were lost, so that the node connects again with backoff and writes again, in order, what
     * Redis does not have: heartbeats, reading and events never stop for good.
     */
    private void refused(RedisClient c, String what, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof io.netloop.samples.chat.redis.RedisErrorReply && c.isOpen()) {
            log.warn("node {}: Redis {} refused {} ({}); connecting again", nodeId, uri, what, cause.getMessage());
            c.close();
        }
    }

    /**
     * Runs what a reply asks for; a reply of the wrong shape (valid RESP, but not what the command
     * returns: a hostile or broken server) closes that connection with the reason, and the node
     * connects again, as after any lost connection.
     */
    private void guarded(RedisClient c, String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("node {}: unexpected reply to {} from {} ({}); closing that connection", nodeId, what, uri, e.toString());
            c.close();
        }
    }

    /** Drops the events every node has read. */
    private void confirm(String min) {
        if (min.isEmpty()) {
            return;
        }
        synchronized (lock) {
            while (!outbox.isEmpty()) {
                String id = outbox.peekFirst().id;
                if (id == null || compareIds(id, min) > 0) {
                    break;
                }
                outbox.pollFirst();
            }
        }
    }

    /** Tells this node's users that the users of nodes gone silent quit. */
    private void declareDead(Set<String> alive) {
        Map<String, List<RemoteUser>> byNode = new HashMap<>();
        for (RemoteUser u : hub.remoteUsers()) {
            if (!alive.contains(u.node)) {
                byNode.computeIfAbsent(u.node, n -> new ArrayList<>()).add(u);
            }
        }
        for (Map.Entry<String, List<RemoteUser>> dead : byNode.entrySet()) {
            log.info("node {} is silent past its lease: its {} users quit", dead.getKey(), dead.getValue().size());
            deadNodes.add(dead.getKey());
            for (RemoteUser u : dead.getValue()) {
                quit(u, "Node lost");
            }
        }
    }

    // ---- reading the stream ----

    private void readNext(RedisClient read) {
        read.send("XREAD", "COUNT", READ_COUNT, "BLOCK", READ_BLOCK_MS, "STREAMS", EVENTS, position).whenComplete((reply, e) -> {
            if (read != reader) {
                return; // lost() reconnects
            }
            if (e != null) {
                refused(read, "XREAD", e);
                return;
            }
            guarded(read, "XREAD", () -> {
                List<RespValue> streams = reply.asList();
                if (streams != null) {
                    for (RespValue stream : streams) {
                        for (RespValue entry : stream.asList().get(1).asList()) {
                            List<RespValue> parts = entry.asList();
                            String id = streamId(parts.get(0).asString());
                            receive(id, parts.get(1).asList());
                            position = id;
                        }
                    }
                }
                readNext(read);
            });
        });
    }

    private void receive(String id, List<RespValue> raw) {
        if (raw.size() < 4 || !"n".equals(raw.get(0).asString()) || !"s".equals(raw.get(2).asString())) {
            log.warn("skipped stream entry {}: not a chat node's event", id);
            return;
        }
        String node = raw.get(1).asString();
        if (node.equals(nodeId)) {
            return; // this node's own, delivered here when it was sent: not decoded
        }
        List<String> fields = new ArrayList<>(raw.size());
        for (RespValue v : raw) {
            fields.add(v.asString());
        }
        try {
            long s = Long.parseLong(fields.get(3));
            Long last = lastSeq.get(node);
            if (last != null && s <= last) {
                return; // written again after an outage; applied already
            }
            ClusterEvent e = ClusterEvent.parse(fields.subList(4, fields.size()));
            lastSeq.put(node, s);
            apply(node, e);
        } catch (RuntimeException bad) {
            log.warn("skipped stream entry {} from node {}: {}", id, node, bad.toString());
        }
    }

    // ---- applying other nodes' events to this node's users ----

    private void apply(String node, ClusterEvent event) {
        if (deadNodes.contains(node) && !(event instanceof ClusterEvent.State || event instanceof ClusterEvent.Say)) {
            return; // until its state comes, a node declared dead has no users here
        }
        switch (event) {
            case ClusterEvent.Join j -> {
                if (!Text.isValidChannel(j.channel()) || !Text.isValidNick(j.nick())) {
                    throw new IllegalArgumentException("not a nickname and a channel: " + j.nick() + " " + j.channel());
                }
                RemoteUser u = hub.remoteUser(j.nick());
                if (u == null || !u.node.equals(node)) {
                    if (u != null) {
                        quit(u, "Nickname taken over by another node");
                    }
                    u = new RemoteUser(node, j.nick(), j.user(), j.host(), j.realName());
                    hub.addRemote(u);
                }
                join(u, j.channel());
            }
            case ClusterEvent.Part p -> {
                RemoteUser u = mine(node, p.prefix());
                Channel ch = hub.channel(p.channel());
                if (u != null && ch != null && ch.remote.remove(u)) {
                    u.channels.remove(ch);
                    hub.removeIfEmpty(ch);
                    ch.broadcast(null, Wire.part(p.prefix(), ch.name, p.reason()),
                            ch == hub.lobby() ? Wire.left(u.nick(), p.reason()) : null);
                }
            }
            case ClusterEvent.Quit q -> {
                RemoteUser u = mine(node, q.prefix());
                if (u != null) {
                    quit(u, q.reason());
                }
            }
            case ClusterEvent.Nick n -> {
                RemoteUser u = mine(node, n.prefix());
                if (u != null) {
                    String old = u.nick();
                    hub.renameRemote(u, n.newNick(), n.newUser());
                    Wire.Line irc = Wire.nick(n.prefix(), n.newNick());
                    Wire.Line plain = Wire.renamed(old, n.newNick());
                    for (Client c : localCoMembers(u)) {
                        c.send(c.isIrc() ? irc : plain);
                    }
                }
            }
            case ClusterEvent.Topic t -> {
                Channel ch = hub.channel(t.channel());
                if (ch != null) {
                    ch.topic = t.topic();
                    ch.broadcast(null, Wire.topic(t.prefix(), ch.name, t.topic()),
                            Wire.topicSet(ClusterEvent.nickOf(t.prefix()), t.topic()));
                }
            }
            case ClusterEvent.Say s -> deliver(s);
            case ClusterEvent.Hello h -> {
                synchronized (lock) {
                    publishState();
                }
            }
            case ClusterEvent.State s -> reconcile(node, s);
        }
    }

    /** A message from a user of another node to this node's users: a channel's members, or the one it is for. */
    private void deliver(ClusterEvent.Say s) {
        String from = ClusterEvent.nickOf(s.prefix());
        String command = s.notice() ? "NOTICE" : "PRIVMSG";
        if (s.target().startsWith("#")) {
            Channel ch = hub.channel(s.target());
            if (ch != null) {
                String plain = Client.plainRendering(from, s.text(), s.notice(), false);
                ch.broadcast(null, Wire.relayLine(s.prefix(), command, ch.name, s.text()), plain == null ? null : Wire.Line.of(plain));
            }
            return;
        }
        Client to = hub.byNick(s.target());
        if (to == null || !to.isRegistered()) {
            return; // gone meanwhile: like a message to a user who quits as it is sent
        }
        if (to.isIrc()) {
            to.send(Wire.relayLine(s.prefix(), command, to.nick(), s.text()));
        } else {
            String plain = Client.plainRendering(from, s.text(), s.notice(), true);
            if (plain != null) {
                to.send(Wire.Line.of(plain));
            }
        }
    }

    /** Makes this node's picture of {@code node}'s users what its state says, telling local users the difference. */
    private void reconcile(String node, ClusterEvent.State s) {
        deadNodes.remove(node);
        Set<String> keys = new HashSet<>();
        for (ClusterEvent.UserState us : s.users()) {
            if (!Text.isValidNick(us.nick()) || !us.channels().stream().allMatch(Text::isValidChannel)) {
                throw new IllegalArgumentException("not a nickname and channels: " + us.nick() + " " + us.channels());
            }
            keys.add(Text.key(us.nick()));
        }
        for (RemoteUser u : hub.remoteUsers()) {
            if (u.node.equals(node) && !keys.contains(Text.key(u.nick()))) {
                quit(u, "Quit");
            }
        }
        for (ClusterEvent.UserState us : s.users()) {
            RemoteUser u = hub.remoteUser(us.nick());
            if (u != null && !u.node.equals(node)) {
                quit(u, "Nickname taken over by another node");
                u = null;
            }
            if (u == null) {
                u = new RemoteUser(node, us.nick(), us.user(), us.host(), us.realName());
                hub.addRemote(u);
            }
            Set<String> wanted = new HashSet<>();
            for (String name : us.channels()) {
                wanted.add(Text.key(name));
            }
            for (Channel ch : List.copyOf(u.channels)) {
                if (!wanted.contains(Text.key(ch.name))) {
                    ch.remote.remove(u);
                    u.channels.remove(ch);
                    hub.removeIfEmpty(ch);
                    ch.broadcast(null, Wire.part(u.prefix(), ch.name, "Left"),
                            ch == hub.lobby() ? Wire.left(u.nick(), "Left") : null);
                }
            }
            for (String name : us.channels()) {
                join(u, name);
            }
        }
        for (Map.Entry<String, String> t : s.topics().entrySet()) {
            Channel ch = hub.channel(t.getKey());
            if (ch != null && ch.topic.isEmpty()) {
                ch.topic = t.getValue();
            }
        }
    }

    /** Adds a remote user to a channel, telling the channel's local members; nothing if it is there already. */
    private void join(RemoteUser u, String channel) {
        if (!Text.isValidChannel(channel)) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        Channel ch = hub.channelOrCreate(channel);
        if (ch.remote.add(u)) {
            u.channels.add(ch);
            ch.broadcast(null, Wire.join(u.prefix(), ch.name),
                    ch == hub.lobby() ? Wire.joined(u.nick()) : null);
        }
    }

    /** Takes a remote user out, and tells the local users who shared a channel with it. */
    private void quit(RemoteUser u, String reason) {
        Set<Client> peers = localCoMembers(u);
        for (Channel ch : u.channels) {
            ch.remote.remove(u);
            hub.removeIfEmpty(ch);
        }
        u.channels.clear();
        hub.removeRemote(u);
        Wire.Line irc = Wire.quit(u.prefix(), reason);
        Wire.Line plain = Wire.left(u.nick(), reason);
        for (Client c : peers) {
            c.send(c.isIrc() ? irc : plain);
        }
    }

    /** The remote user a prefix names, if {@code node} serves it. */
    private RemoteUser mine(String node, String prefix) {
        RemoteUser u = hub.remoteUser(ClusterEvent.nickOf(prefix));
        return u != null && u.node.equals(node) ? u : null;
    }

    private static Set<Client> localCoMembers(RemoteUser u) {
        Set<Client> peers = new HashSet<>();
        for (Channel ch : u.channels) {
            peers.addAll(ch.members);
        }
        return peers;
    }

    // ---- this node's side ----

    /**
     * Under {@link #lock}, so that no event of this node's users falls between the picture and its
     * place in the stream (users change the hub first and publish after).
     */
    private void publishState() {
        Map<Client, List<String>> users = new LinkedHashMap<>();
        for (Client c : hub.connected()) {
            if (c.isRegistered() && c.nick() != null) {
                users.put(c, new ArrayList<>());
            }
        }
        Map<String, String> topics = new LinkedHashMap<>();
        for (Channel ch : hub.channels()) {
            boolean local = false;
            for (Client m : ch.members) {
                List<String> names = users.get(m);
                if (names != null) {
                    names.add(ch.name);
                    local = true;
                }
            }
            if (local && !ch.topic.isEmpty()) {
                topics.put(ch.name, ch.topic);
            }
        }
        List<ClusterEvent.UserState> states = new ArrayList<>(users.size());
        for (Map.Entry<Client, List<String>> e : users.entrySet()) {
            Client c = e.getKey();
            states.add(new ClusterEvent.UserState(c.nick(), c.user(), c.host(), c.realName(), e.getValue()));
        }
        if (!publish(new ClusterEvent.State(states, topics))) {
            overflowed = true;
        }
    }

    /** Under {@link #lock}. */
    private void send(RedisClient c, Outgoing o) {
        c.send(o.command).whenComplete((reply, e) -> {
            if (e != null) {
                refused(c, "an event", e);
            } else {
                guarded(c, "an event", () -> o.id = streamId(reply.asString()));
            }
        });
    }

    /** {@code id} when it is a stream entry id ({@code ms-seq}). */
    private static String streamId(String id) {
        int dash = id == null ? -1 : id.indexOf('-');
        if (dash <= 0 || dash == id.length() - 1 || !id.chars().allMatch(ch -> ch == '-' || (ch >= '0' && ch <= '9'))
                || id.indexOf('-', dash + 1) >= 0 || id.length() > 41) {
            throw new IllegalStateException("not a stream entry id: " + id);
        }
        return id;
    }

    static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    /**
     * Leaves the cluster after the users' own goodbyes: waits (at most {@code patience}) until
     * Redis has every event this node published, takes the node out and closes the connections.
     */
    void leave(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done;
            synchronized (lock) {
                done = commands == null || outbox.stream().allMatch(o -> o.id != null);
            }
            if (done) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        RedisClient cmd = commandsNow();
        if (cmd != null) {
            try {
                cmd.send("EVALSHA", LEAVE_SCRIPT.sha(), 3, NODES, POS, SEQ, nodeId).get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.debug("node {} could not take itself out of the cluster: {}", nodeId, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    @Override
    public void close() {
        loop.execute(() -> closing = true);
        RedisClient cmd;
        synchronized (lock) {
            cmd = commands;
            commands = null;
        }
        if (cmd != null) {
            cmd.close();
        }
        loop.execute(() -> {
            if (reader != null) {
                reader.close();
            }
        });
        group.shutdownGracefully(Duration.ofSeconds(1)).join();
    }
}
