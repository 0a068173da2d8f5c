package io.netloop.conformance;

import io.netloop.tls.ClientAuth;
import io.netloop.tls.KeyMaterial;
import io.netloop.tls.TlsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS tests' keys and certificates (test-only, made by {@code tls/make-certs.sh}), copied
 * out of the jar once so that they are files, as users' PEM files are:
 *
 * <ul>
 *   <li>{@code ca.pem}: the test CA every good certificate chains to;</li>
 *   <li>{@code server}: localhost, 127.0.0.1 and ::1 (EC P-256); {@code server-renewed}: the same
 *       names with another (RSA) key, for reloads; {@code other}: other.test, for SNI;</li>
 *   <li>{@code client}: a client certificate; {@code rogue}: localhost, signed by an untrusted CA;</li>
 *   <li>{@code server.p12} and {@code server-encrypted.key}: the server's key as PKCS#12 and as
 *       encrypted PKCS#8, password {@code changeit}.</li>
 * </ul>
 */
public final class TlsFixtures {
    private static final String[] FILES = {"ca.pem", "rogue-ca.pem", "server.pem", "server.key", "server-renewed.pem",
        "server-renewed.key", "other.pem", "other.key", "client.pem", "client.key", "rogue.pem", "rogue.key", "server.p12",
        "server-encrypted.key"};
    private static Path dir;

    private TlsFixtures() {
    }

    /** The directory holding the files above. */
    public static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("netloop-tls-fixtures");
                for (String f : FILES) {
                    try (InputStream in = TlsFixtures.class.getResourceAsStream("tls/" + f)) {
                        if (in == null) {
                            throw new IOException("missing test resource io/netloop/conformance/tls/" + f);
                        }
                        Files.copy(in, d.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                    d.resolve(f).toFile().deleteOnExit();
                }
                d.toFile().deleteOnExit();
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    /** {@code name.pem} and {@code name.key}. */
    public static KeyMaterial keys(String name) {
        try {
            return KeyMaterial.fromPem(file(name + ".pem"), file(name + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server presenting {@code server}, with a short handshake timeout so failing tests end soon. */
    public static TlsContext.Builder server() {
        return TlsContext.server(keys("server")).handshakeTimeout(Duration.ofSeconds(10));
    }

    /** A client trusting the test CA. */
    public static TlsContext.Builder client() {
        try {
            return TlsContext.client().trustPem(file("ca.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TlsContext build(TlsContext.Builder b) {
        try {
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server requiring client certificates from the test CA. */
    public static TlsContext.Builder serverWithClientAuth() {
        try {
            return server().clientAuth(ClientAuth.REQUIRED).trustPem(file("ca.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JDK {@link SSLContext} (for SSLSocket peers) with {@code keyName}'s keys, or none, trusting the test CA. */
    public static SSLContext jdkContext(String keyName) {
        try {
            KeyManagerFactory kmf = null;
            if (keyName != null) {
                KeyMaterial km = keys(keyName);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("k", km.privateKey(), new char[0], km.certificateChain().toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(file("ca.pem"))) {
                trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the JDK test context", e);
        }
    }
}
