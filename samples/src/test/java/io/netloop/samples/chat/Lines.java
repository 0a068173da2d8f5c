package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The lines one peer received, in order, filled by a pump thread (a process's stdout, a socket, a
 * file being tailed) and consumed by the test with bounded waits. Every failure names the peer and
 * says what was expected and what arrived.
 *
 * <p>A line is what came before an LF, without the LF and without a CR before it; whether the CR
 * was there is recorded, because the server must end its lines in CRLF. Bytes that are not UTF-8
 * are kept visible as {@code <<invalid UTF-8: hex>>} rather than silently replaced.
 */
final class Lines {
    /** How long any one expected line may take: generous, because a slow CI machine is not a failure. */
    static final Duration LIMIT = Duration.ofSeconds(20);

    private final String peer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> all = new ArrayList<>();
    private int next;            // index of the first line not consumed yet
    private int withoutCr;
    private int invalidUtf8;
    private boolean ended;
    private String endCause;
    private volatile java.util.function.Supplier<List<String>> alsoShow = List::of;

    Lines(String peer) {
        this.peer = peer;
    }

    String peer() {
        return peer;
    }

    /** Lines to add to every failure message, such as the peer program's stderr. */
    void alsoShowOnFailure(java.util.function.Supplier<List<String>> lines) {
        this.alsoShow = lines;
    }

    private String extra() {
        List<String> more = alsoShow.get();
        return more.isEmpty() ? "" : "; and also: " + quote(more);
    }

    /** Starts a daemon thread that splits {@code in} into lines until end of input. */
    static Lines pump(String peer, InputStream in) {
        Lines lines = new Lines(peer);
        Thread t = new Thread(() -> lines.pumpFrom(in), "lines-" + peer);
        t.setDaemon(true);
        t.start();
        return lines;
    }

    private void pumpFrom(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        String cause = null;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                feed(line, buf, n);
            }
        } catch (IOException e) {
            cause = e.toString();
        }
        if (line.size() > 0) {
            add(line.toByteArray(), line.size(), false);
        }
        end(cause);
    }

    /** Feeds raw bytes; complete lines become visible at once. Used by pumps and file tails. */
    void feed(ByteArrayOutputStream partial, byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                byte[] bytes = partial.toByteArray();
                boolean cr = bytes.length > 0 && bytes[bytes.length - 1] == '\r';
                add(bytes, cr ? bytes.length - 1 : bytes.length, cr);
                partial.reset();
            } else {
                partial.write(buf[i]);
            }
        }
    }

    private void add(byte[] bytes, int length, boolean crlf) {
        String text;
        boolean valid = true;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            valid = false;
            text = "<<invalid UTF-8: " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, length) + ">>";
        }
        lock.lock();
        try {
            all.add(text);
            if (!crlf) {
                withoutCr++;
            }
            if (!valid) {
                invalidUtf8++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** End of input; {@code cause} is null for a clean end, else what ended it (a reset). */
    void end(String cause) {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                endCause = cause;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #await} found: the matching line and the lines skipped on the way to it. */
    record Match(String line, List<String> skipped) {
    }

    /**
     * Consumes lines up to and including the first that matches; fails after {@link #LIMIT} or at
     * end of input, listing what arrived instead.
     */
    Match await(String what, Predicate<String> matches) {
        return await(what, matches, LIMIT);
    }

    Match await(String what, Predicate<String> matches, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            int from = next;
            while (true) {
                while (next < all.size()) {
                    String line = all.get(next++);
                    if (matches.test(line)) {
                        return new Match(line, List.copyOf(all.subList(from, next - 1)));
                    }
                }
                if (ended) {
                    return fail(peer + ": expected " + what + ", but the stream ended"
                            + (endCause == null ? "" : " (" + endCause + ")")
                            + "; lines since the last match: " + quote(all.subList(from, next)) + extra());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return fail(peer + ": expected " + what + " within " + limit.toSeconds()
                            + " s; lines since the last match: " + quote(all.subList(from, next)) + extra());
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(peer + ": interrupted waiting for " + what);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Consumes lines until each of {@code exact} has arrived, in any order (lines from different
     * senders have no order between them); the match's line is the last of them to arrive, and its
     * skipped lines are the others that arrived meanwhile.
     */
    Match awaitAll(java.util.Collection<String> exact) {
        java.util.Set<String> missing = new java.util.LinkedHashSet<>(exact);
        List<String> skipped = new ArrayList<>();
        String last = null;
        while (!missing.isEmpty()) {
            Match m = await("all of " + quote(List.copyOf(missing)), missing::contains);
            skipped.addAll(m.skipped());
            missing.remove(m.line());
            last = m.line();
        }
        return new Match(last, List.copyOf(skipped));
    }

    /** Consumes lines up to and including {@code exact}. */
    Match awaitLine(String exact) {
        return await(quote(exact), exact::equals);
    }

    /**
     * Consumes everything up to the end of input and returns it; fails if the stream has not
     * ended within {@link #LIMIT}.
     */
    List<String> awaitEnd() {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        lock.lock();
        try {
            int from = next;
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return fail(peer + ": expected the server to close the connection within " + LIMIT.toSeconds()
                            + " s; it is still open; lines since the last match: " + quote(all.subList(from, all.size())) + extra());
                }
                changed.awaitNanos(left);
            }
            next = all.size();
            return List.copyOf(all.subList(from, next));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(peer + ": interrupted waiting for the end of input");
        } finally {
            lock.unlock();
        }
    }

    /** Lines received so far that did not end in CRLF. */
    int linesWithoutCr() {
        lock.lock();
        try {
            return withoutCr;
        } finally {
            lock.unlock();
        }
    }

    int invalidUtf8Lines() {
        lock.lock();
        try {
            return invalidUtf8;
        } finally {
            lock.unlock();
        }
    }

    /** Every line received so far, consumed or not. */
    List<String> all() {
        lock.lock();
        try {
            return List.copyOf(all);
        } finally {
            lock.unlock();
        }
    }

    static String quote(String s) {
        return '"' + s + '"';
    }

    static String quote(List<String> lines) {
        if (lines.isEmpty()) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (String l : lines) {
            if (shown == 40) {
                b.append("\n    ... and ").append(lines.size() - shown).append(" more");
                break;
            }
            b.append("\n    ").append(quote(l.length() > 300 ? l.substring(0, 300) + "...(" + l.length() + " chars)" : l));
            shown++;
        }
        return b.toString();
    }
}
