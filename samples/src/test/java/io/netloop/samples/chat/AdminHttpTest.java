package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin port ({@link AdminHttp}): {@code /metrics} read by the JDK's HTTP client, by a raw
 * socket and by Prometheus' own Python parser, checked against the traffic of real {@code nc}
 * users; {@code /loops}; and requests that are wrong in each way the port refuses, answered with
 * their status and a close while two chat users keep talking.
 */
class AdminHttpTest {
    /** Every LoopMetrics value, as the scrape names and types it. */
    static final Map<String, String> LOOP_FAMILIES = new LinkedHashMap<>();

    static {
        for (String counter : List.of("netloop_connections_accepted_total", "netloop_connections_connected_total",
                "netloop_connections_closed_total", "netloop_bytes_read_bytes_total", "netloop_bytes_written_bytes_total",
                "netloop_datagrams_received_total", "netloop_datagrams_sent_total", "netloop_tasks_total",
                "netloop_wakeups_total", "netloop_iterations_total", "netloop_io_events_total",
                "netloop_wait_time_seconds_total", "netloop_run_time_seconds_total")) {
            LOOP_FAMILIES.put(counter, "counter");
        }
        LOOP_FAMILIES.put("netloop_connections_open", "gauge");
        LOOP_FAMILIES.put("netloop_write_pending_bytes", "gauge");
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Lines.LIMIT).build();

    @EachBackend
    void metricsCountTheUsersAndTheirTraffic(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withAdminPort(0))) {
            int n = 3;
            List<NcUser> users = new ArrayList<>();
            long sent = 0;
            for (int i = 0; i < n; i++) {
                users.add(chat.join("user" + i, i));
                sent += ("user" + i + "\n").length();
            }
            for (int i = 0; i < n; i++) {
                users.get(i).send("hello from user" + i);
                sent += ("hello from user" + i + "\n").length();
            }
            for (int i = 0; i < n; i++) {
                List<String> heard = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        heard.add("<user" + j + "> hello from user" + j);
                    }
                }
                users.get(i).awaitAll(heard);
            }

            HttpResponse<String> r = get(chat, "/metrics");
            assertEquals(200, r.statusCode(), r::body);
            assertEquals(PrometheusText.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElse(null));
            assertEquals("text/plain; version=0.0.4; charset=utf-8", PrometheusText.CONTENT_TYPE);
            PrometheusScrape first = PrometheusScrape.parse(r.body());
            assertEveryLoopHasEveryFamily(chat, first);
            assertTrue(first.sum("netloop_connections_open") >= n, () -> "the users' connections are open: " + r.body());
            long sentBytes = sent;
            assertTrue(first.sum("netloop_bytes_read_bytes_total") >= sentBytes,
                    () -> "at least the " + sentBytes + " bytes the users sent were read: " + r.body());
            assertTrue(first.sum("netloop_bytes_written_bytes_total") > 0, r::body);
            assertTrue(first.sum("netloop_connections_accepted_total") >= n, r::body);
            assertTrue(first.sum("netloop_run_time_seconds_total") > 0, r::body);
            assertEquals(n, first.single("netloop_chat_users"));
            assertEquals(n, first.single("netloop_chat_connections"));
            assertEquals(1, first.single("netloop_chat_channels"), "#lobby only");
            assertFalse(first.families.containsKey("netloop_chat_remote_users"), "not a cluster's node");

            String request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: raw-socket\r\n\r\n";
            RawHttp.Response raw = RawHttp.exchange(backend + "/raw-scrape", chat.server.adminAddress(), request);
            assertEquals("HTTP/1.1 200 OK", raw.statusLine());
            assertEquals(PrometheusText.CONTENT_TYPE, raw.header("Content-Type"));
            assertEquals("close", raw.header("Connection"));
            PrometheusScrape second = PrometheusScrape.parse(raw.bodyText());
            assertEveryLoopHasEveryFamily(chat, second);
            assertCountersDidNotGoDown(first, second);
            assertTrue(second.sum("netloop_bytes_read_bytes_total") >= first.sum("netloop_bytes_read_bytes_total") + request.length(),
                    () -> "the raw request's bytes were read since the first scrape: " + raw.bodyText());

            RawHttp.Response head = headRequest(chat, "/metrics");
            assertEquals(200, head.status());
            assertTrue(Integer.parseInt(head.header("Content-Length")) > 1000, head::toString);
        }
    }

    @EachBackend
    void loopsReportsEveryLoopsLoad(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withAdminPort(0))) {
            chat.join("alice", 0);
            HttpResponse<String> r = get(chat, "/loops");
            assertEquals(200, r.statusCode(), r::body);
            assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
            assertLoadLines(chat, List.of(r.body().split("\n")), "");

            RawHttp.Response head = headRequest(chat, "/loops");
            assertEquals(200, head.status());
        }
    }

    /**
     * The load report's lines, as /loops, STATS w and /stats show them after {@code prefix}: one a
     * loop, naming each of the server's loops once, then the group's.
     */
    static void assertLoadLines(ChatFixture chat, List<String> lines, String prefix) {
        List<String> loops = chat.server.loopNames();
        assertEquals(loops.size() + 1, lines.size(), () -> "a line a loop and one for all: " + Lines.quote(lines));
        String figures = ": load [0-9]+\\.[0-9]%, [0-9]+ connections?, [0-9]+ bytes pending, in [0-9]+ B/s, out [0-9]+ B/s, "
                + "[0-9]+ tasks/s, [0-9]+ wakeups/s";
        Set<String> named = new TreeSet<>();
        for (int i = 0; i < loops.size(); i++) {
            String l = lines.get(i);
            String loop = loops.get(i);
            assertTrue(Pattern.matches(Pattern.quote(prefix + loop + " (" + chat.backend + ")") + figures, l),
                    () -> "the line of " + loop + ": " + Lines.quote(l));
            named.add(loop);
        }
        assertEquals(new TreeSet<>(loops), named, "every loop of the group is named");
        String all = lines.get(loops.size());
        assertTrue(Pattern.matches(Pattern.quote(prefix + "all " + loops.size() + " loops (" + chat.backend + ")") + figures, all),
                () -> "the group's line: " + Lines.quote(all));
    }

    @EachBackend
    void wrongRequestsGetTheirStatusAndACloseWhileTheChatGoesOn(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withAdminPort(0))) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            InetSocketAddress admin = chat.server.adminAddress();
            // Two clients that never finish a request: one silent, one stopping mid-head.
            RawHttp silent = chat.own(RawHttp.connect(backend + "/silent", admin));
            RawHttp partial = chat.own(RawHttp.connect(backend + "/partial", admin));
            partial.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // Read at once, in the background: the server resets a client that keeps the connection open
            // long after its answer, which could otherwise come before the test got round to reading.
            CompletableFuture<RawHttp.Response> silentAnswer = readInBackground(silent);
            CompletableFuture<RawHttp.Response> partialAnswer = readInBackground(partial);

            Map<String, Integer> cases = new LinkedHashMap<>();
            cases.put("hello\r\n\r\n", 400);
            cases.put("\u0000\u0001\u0002\u00ff\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/1.1\r\n\r\n", 400); // HTTP/1.1 without Host
            cases.put("GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/1.1\r\nHost : a\r\n\r\n", 400);
            cases.put("GET  /metrics HTTP/1.1\r\nHost: a\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/1.1\rHost: a\r\n\r\n", 400);
            cases.put("GET metrics HTTP/1.1\r\nHost: a\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/1\r\nHost: a\r\n\r\n", 400);
            cases.put("GET /metrics HTTP/2.0\r\nHost: a\r\n\r\n", 505);
            cases.put("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", 404);
            cases.put("GET /metrics/ HTTP/1.1\r\nHost: a\r\n\r\n", 404);
            cases.put("POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 405);
            cases.put("DELETE /loops HTTP/1.1\r\nHost: a\r\n\r\n", 405);
            cases.put("GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(AdminHttp.MAX_HEAD) + "\r\n\r\n", 431);
            cases.put("G".repeat(AdminHttp.MAX_HEAD + 100), 431);
            // Valid, less usual forms: HTTP/1.0 needs no Host, LF alone ends lines, a query and the absolute form are fine.
            cases.put("GET /metrics HTTP/1.0\r\n\r\n", 200);
            cases.put("GET /metrics HTTP/1.1\nHost: a\n\n", 200);
            cases.put("GET http://127.0.0.1/metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 200);

            int said = 0;
            for (Map.Entry<String, Integer> c : cases.entrySet()) {
                String shown = c.getKey().length() > 60 ? c.getKey().substring(0, 60) + "..." : c.getKey();
                String label = backend + "/" + shown.replace("\r", "\\r").replace("\n", "\\n");
                RawHttp.Response r = RawHttp.exchange(label, admin, c.getKey());
                assertEquals(c.getValue(), r.status(), () -> label + ": " + r.statusLine() + " " + r.bodyText());
                assertEquals("close", r.header("Connection"), label);
                if (r.status() == 405) {
                    assertEquals("GET, HEAD", r.header("Allow"), label);
                }
                alice.send("still here " + said);
                bob.awaitLine("<alice> still here " + said);
                said++;
            }

            RawHttp.Response timedOut = silentAnswer.get(2 * Lines.LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("HTTP/1.1 408 Request Timeout", timedOut.statusLine());
            assertEquals(408, partialAnswer.get(2 * Lines.LIMIT.toSeconds(), TimeUnit.SECONDS).status());
            bob.send("and so am I");
            alice.awaitLine("<bob> and so am I");
            assertEquals(200, get(chat, "/metrics").statusCode(), "the admin port still answers");
        }
    }

    @EachBackend
    void aClientThatFloodsAfterItsRequestIsResetBeforeItsAnswer(String backend) throws Exception {
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withAdminPort(0))) {
            NcUser alice = chat.join("alice", 0);
            NcUser bob = chat.join("bob", 1);
            // /loops answers a second later; 1 MiB after the request is far past what is read and dropped.
            byte[] flood = new byte[1024 * 1024];
            java.util.Arrays.fill(flood, (byte) 'x');
            byte[] received;
            try (RawHttp flooder = RawHttp.connect(backend + "/flooder", chat.server.adminAddress())) {
                flooder.send("GET /loops HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                try {
                    flooder.send(flood);
                } catch (IOException resetWhileSending) {
                    // the server may reset the connection before the last of the flood is sent
                }
                try {
                    received = flooder.readToEnd();
                } catch (java.net.SocketException reset) {
                    received = new byte[0];
                }
            }
            String got = new String(received, StandardCharsets.ISO_8859_1);
            assertFalse(got.startsWith("HTTP/1.1 200"), () -> "a flooding client is reset, not answered: " + got);
            alice.send("still chatting");
            bob.awaitLine("<alice> still chatting");
            assertEquals(200, get(chat, "/metrics").statusCode(), "the admin port still answers");
        }
    }

    @EachBackend
    void prometheusClientParsesTheScrape(String backend) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(IrcClient.PYTHON)) && PeerProcess.runs(List.of(IrcClient.PYTHON, "-c",
                        "import prometheus_client.parser; print('prometheus_client ok')"), "prometheus_client ok"),
                "python3-prometheus-client (for " + IrcClient.PYTHON + ") not installed; ci/install-deps.sh installs it");
        try (ChatFixture chat = ChatFixture.start(backend, c -> c.withAdminPort(0))) {
            chat.join("alice", 0);
            String body = get(chat, "/metrics").body();
            // One line a sample: family, type, sample name, labels (sorted, k=v joined by ,), value.
            String script = """
                    import sys
                    from prometheus_client.parser import text_string_to_metric_families
                    for f in text_string_to_metric_families(sys.stdin.read()):
                        for s in f.samples:
                            labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
                            print("\\t".join([f.name, f.type, s.name, labels, repr(float(s.value))]))
                    """;
            Process p = new ProcessBuilder(IrcClient.PYTHON, "-c", script).redirectErrorStream(true).start();
            p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(Lines.LIMIT.toSeconds(), TimeUnit.SECONDS), "python exits");
            assertEquals(0, p.exitValue(), () -> "prometheus_client parses the scrape: " + out + "\nscrape:\n" + body);

            Map<String, List<String[]>> byFamily = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] f = line.split("\t", -1);
                assertEquals(5, f.length, () -> "a sample line: " + line);
                byFamily.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f);
            }
            for (Map.Entry<String, String> e : LOOP_FAMILIES.entrySet()) {
                boolean counter = e.getValue().equals("counter");
                // prometheus_client names a counter's family without _total, its samples with it.
                String family = counter ? e.getKey().substring(0, e.getKey().length() - "_total".length()) : e.getKey();
                List<String[]> samples = byFamily.get(family);
                assertTrue(samples != null, () -> family + " is parsed as a family: " + out);
                Set<String> loops = new TreeSet<>();
                for (String[] s : samples) {
                    assertEquals(e.getValue(), s[1], () -> family + "'s type");
                    assertEquals(e.getKey(), s[2], () -> family + "'s sample name");
                    assertTrue(s[3].startsWith("backend=" + backend + ",loop="), () -> family + "'s labels: " + s[3]);
                    loops.add(s[3].substring(s[3].indexOf(",loop=") + ",loop=".length()));
                }
                assertEquals(new TreeSet<>(chat.server.loopNames()), loops, () -> family + ": one sample a loop");
            }
            assertEquals("1.0", byFamily.get("netloop_chat_users").get(0)[4], out);
        }
    }

    @Test
    void aClusterNodeCountsTheOtherNodesUsers() throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(2, c -> c.withAdminPort(0))) {
            cluster.join(0, "alice");
            cluster.join(0, "carol");
            InetSocketAddress a = cluster.nodes.get(0).adminAddress();
            InetSocketAddress b = cluster.nodes.get(1).adminAddress();
            Eventually.equal(2.0, () -> scrape(b).single("netloop_chat_remote_users"), "node 1 counts node 0's users");
            PrometheusScrape onB = scrape(b);
            assertEquals(0, onB.single("netloop_chat_users"));
            assertEquals(1, onB.single("netloop_chat_cluster_connected"));
            PrometheusScrape onA = scrape(a);
            assertEquals(2, onA.single("netloop_chat_users"));
            assertEquals(0, onA.single("netloop_chat_remote_users"));
            assertTrue(onA.single("netloop_chat_cluster_queued_events") >= 0);
        }
    }

    private static CompletableFuture<RawHttp.Response> readInBackground(RawHttp client) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.readResponse();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "read " + client.label);
            t.setDaemon(true);
            t.start();
        });
    }

    private static PrometheusScrape scrape(InetSocketAddress admin) {
        try {
            return PrometheusScrape.parse(RawHttp.exchange("scrape " + admin, admin,
                    "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").bodyText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(ChatFixture chat, String path) throws IOException, InterruptedException {
        InetSocketAddress admin = chat.server.adminAddress();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path))
                .timeout(Lines.LIMIT).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static RawHttp.Response headRequest(ChatFixture chat, String path) throws IOException {
        try (RawHttp c = RawHttp.connect(chat.backend + "/HEAD " + path, chat.server.adminAddress())) {
            c.send(("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return c.readResponse(false);
        }
    }

    private static void assertEveryLoopHasEveryFamily(ChatFixture chat, PrometheusScrape s) {
        Set<String> loops = new TreeSet<>(chat.server.loopNames());
        for (Map.Entry<String, String> e : LOOP_FAMILIES.entrySet()) {
            PrometheusScrape.Family f = s.family(e.getKey());
            assertEquals(e.getValue(), f.type(), () -> e.getKey() + "'s TYPE");
            assertTrue(f.help() != null && !f.help().isBlank(), () -> e.getKey() + " has a HELP");
            Set<String> seen = new TreeSet<>();
            for (PrometheusScrape.Sample sample : f.samples()) {
                assertEquals(Set.of("loop", "backend"), sample.labels().keySet(), () -> e.getKey() + "'s labels");
                assertEquals(chat.backend, sample.labels().get("backend"), () -> e.getKey() + "'s backend label");
                seen.add(sample.labels().get("loop"));
            }
            assertEquals(loops, seen, () -> e.getKey() + ": one sample a loop of the group");
            assertEquals(loops.size(), f.samples().size(), () -> e.getKey() + ": one sample a loop of the group");
        }
    }

    private static void assertCountersDidNotGoDown(PrometheusScrape before, PrometheusScrape after) {
        for (PrometheusScrape.Family f : before.families.values()) {
            if (!f.type().equals("counter")) {
                continue;
            }
            for (PrometheusScrape.Sample s : f.samples()) {
                double later = after.family(f.name).samples().stream().filter(x -> x.labels().equals(s.labels()))
                        .mapToDouble(PrometheusScrape.Sample::value).findFirst().orElseThrow();
                assertTrue(later >= s.value(), () -> f.name + s.labels() + " went down: " + s.value() + " -> " + later);
            }
        }
    }
}
