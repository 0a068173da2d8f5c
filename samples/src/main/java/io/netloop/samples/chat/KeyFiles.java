package io.netloop.samples.chat;

import io.netloop.EventLoop;
import io.netloop.Timer;
import io.netloop.tls.KeyMaterial;
import io.netloop.tls.TlsContext;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat server's TLS keys as files, PEM (a certificate chain and its PKCS#8 key) or PKCS#12,
 * and the check that reloads them when they change, for certificates renewed while the server runs
 * (certbot, a cron job). Every {@code keyCheckInterval} a timer on one of the server's loops
 * compares each file's identity, modification time and size with what they were when the keys
 * were last read; on a difference it reads them again and hands them to {@link TlsContext#reload}:
 * connections made after that get the new certificate, open ones keep theirs. Keys that cannot be
 * used (a half-written file, a key that does not belong to the certificate) are refused with a
 * warning and the current ones stay; the next change is tried again.
 *
 * <pre>{@code
 * KeyFiles files = KeyFiles.of(config);            // null when config has no TLS keys
 * TlsContext tls = TlsContext.server(files.load()).build();
 * files.watch(group.loops().get(0), tls, config.keyCheckInterval());
 * }</pre>
 */
final class KeyFiles {
    private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);

    /** What a check compares: the file's identity (replaced by a rename), modification time and size; all null when unreadable. */
    private record Stamp(Object fileKey, FileTime modified, long size) {
        static final Stamp MISSING = new Stamp(null, null, -1);
    }

    private final Path certificate;
    private final Path privateKey;
    private final Path keystore;
    private final char[] password;
    private final List<Path> files;
    private final AtomicInteger reloads = new AtomicInteger();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile boolean stopped;
    private volatile Timer timer;
    /** The stamps when the files were last read: set by {@link #load}, then the watching loop's only (the timer publishes it). */
    private List<Stamp> lastRead;

    private KeyFiles(Path certificate, Path privateKey, Path keystore, char[] password) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.keystore = keystore;
        this.password = password;
        this.files = keystore != null ? List.of(keystore) : List.of(certificate, privateKey);
    }

    /** The key files of {@code config}, or {@code null} when it serves no TLS. */
    static KeyFiles of(ChatConfig config) {
        if (config.certificate() != null) {
            return new KeyFiles(config.certificate(), config.privateKey(), null, null);
        }
        if (config.keystore() != null) {
            return new KeyFiles(null, null, config.keystore(), config.keystorePassword().toCharArray());
        }
        return null;
    }

    /**
     * Reads the keys, and remembers the files' stamps as they were before reading, so that a
     * write racing with the read is seen by the next check.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    KeyMaterial load() throws IOException {
        List<Stamp> stamps = stamps();
        KeyMaterial keys = read();
        lastRead = stamps;
        return keys;
    }

    /** Checks the files every {@code interval} on {@code loop} and reloads {@code context}'s keys when they changed. */
    void watch(EventLoop loop, TlsContext context, Duration interval) {
        schedule(loop, context, interval);
    }

    /** Ends the checks. Any thread. */
    void stop() {
        stopped = true;
        Timer t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    /** Successful reloads so far. */
    int reloads() {
        return reloads.get();
    }

    /** Changes whose keys could not be used (the old keys stayed in force) so far. */
    int refusals() {
        return refusals.get();
    }

    /** The files, for messages: {@code cert.pem and key.pem}, or {@code server.p12}. */
    String describe() {
        return keystore != null ? keystore.toString() : certificate + " and " + privateKey;
    }

    private void schedule(EventLoop loop, TlsContext context, Duration interval) {
        if (stopped) {
            return;
        }
        try {
            timer = loop.schedule(() -> check(loop, context, interval), interval);
        } catch (RejectedExecutionException loopEnded) {
            // the server is shutting down
        }
    }

    /**
     * On the loop: a few stat calls each time, and when something changed, reading a few
     * kilobytes and building the new keys. That blocks this loop's connections for milliseconds,
     * once per renewal: a thread of its own would cost more than it saves.
     */
    private void check(EventLoop loop, TlsContext context, Duration interval) {
        if (stopped) {
            return;
        }
        List<Stamp> now = stamps();
        if (!now.equals(lastRead)) {
            lastRead = now; // tried once per change: a broken file is reported once, not every interval
            try {
                KeyMaterial keys = read();
                context.reload(keys);
                reloads.incrementAndGet();
                log.info("TLS keys reloaded from {}: new connections get {}", describe(), keys);
            } catch (IOException | RuntimeException e) {
                refusals.incrementAndGet();
                log.warn("TLS key files {} changed but cannot be used; the current keys stay in force: {}", describe(), e.getMessage());
            }
        }
        schedule(loop, context, interval);
    }

    private List<Stamp> stamps() {
        List<Stamp> stamps = new ArrayList<>(files.size());
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class); // follows symlinks, as certbot's live/ are
                stamps.add(new Stamp(a.fileKey(), a.lastModifiedTime(), a.size()));
            } catch (IOException e) {
                stamps.add(Stamp.MISSING);
            }
        }
        return stamps;
    }

    private KeyMaterial read() throws IOException {
        for (Path f : files) {
            requireReadable(f);
        }
        // KeyMaterial refuses a key that is not the certificate's, such as a renewal caught between
        // writing the new certificate and its key.
        return keystore != null ? KeyMaterial.fromPkcs12(keystore, password) : KeyMaterial.fromPem(certificate, privateKey);
    }

    /** A missing or unreadable file said in words: the JDK's exceptions carry only the path. */
    private static void requireReadable(Path f) throws IOException {
        if (!Files.exists(f)) {
            throw new NoSuchFileException(f.toString(), null, "no such file");
        }
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + ": not a regular file");
        }
        if (!Files.isReadable(f)) {
            throw new AccessDeniedException(f.toString(), null, "not readable (permission denied)");
        }
    }
}
