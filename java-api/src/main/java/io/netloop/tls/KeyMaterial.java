package io.netloop.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A private key and its certificate chain: what a TLS server presents (and a client, for client
 * authentication). Immutable.
 *
 * <pre>{@code
 * // The files certbot (Let's Encrypt) or openssl write:
 * KeyMaterial km = KeyMaterial.fromPem(Path.of("fullchain.pem"), Path.of("privkey.pem"));
 * // Or a PKCS#12 keystore:
 * KeyMaterial km = KeyMaterial.fromPkcs12(Path.of("server.p12"), "changeit".toCharArray());
 * }</pre>
 */
public final class KeyMaterial {
    private final PrivateKey key;
    private final List<X509Certificate> chain;

    private KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf certificate");
        }
        if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && chain.get(0).getPublicKey().getAlgorithm().startsWith("Ed"))) {
            throw new IllegalArgumentException("the private key (" + key.getAlgorithm() + ") does not belong to the leaf certificate "
                    + chain.get(0).getSubjectX500Principal() + " (" + chain.get(0).getPublicKey().getAlgorithm() + " key)");
        }
        this.key = key;
        this.chain = chain;
    }

    /** A key and its chain, the leaf certificate first. */
    public static KeyMaterial of(PrivateKey key, X509Certificate... chain) {
        return new KeyMaterial(Objects.requireNonNull(key, "key"), List.of(chain));
    }

    /**
     * Reads a PEM certificate chain (leaf first, then intermediates: a "fullchain") and an
     * unencrypted PKCS#8 PEM key ({@code -----BEGIN PRIVATE KEY-----}).
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey) throws IOException {
        return fromPem(certificateChain, privateKey, null);
    }

    /** As {@link #fromPem(Path, Path)}, with the password of an {@code ENCRYPTED PRIVATE KEY}. */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey, char[] keyPassword) throws IOException {
        List<X509Certificate> chain = Pem.certificates(certificateChain);
        PrivateKey key = Pem.privateKey(privateKey, keyPassword);
        try {
            return new KeyMaterial(key, List.copyOf(chain));
        } catch (IllegalArgumentException e) {
            throw new IOException(privateKey + " and " + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** The first key entry of a PKCS#12 file whose store and key share {@code password}. */
    public static KeyMaterial fromPkcs12(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return fromKeyStore(store, null, password);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot read the PKCS#12 keystore: " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new IOException(file + ": wrong password for the PKCS#12 keystore", e);
            }
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new IOException(file + ": cannot read the PKCS#12 keystore: " + e.getMessage(), e);
        }
    }

    /**
     * The key entry {@code alias} of a loaded keystore ({@code null}: the first key entry).
     *
     * @throws IOException when there is no such key entry or the password does not open it
     */
    public static KeyMaterial fromKeyStore(KeyStore store, String alias, char[] keyPassword) throws IOException {
        try {
            String chosen = alias;
            if (chosen == null) {
                for (String a : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(a)) {
                        chosen = a;
                        break;
                    }
                }
                if (chosen == null) {
                    throw new IOException("the keystore holds no private key entry");
                }
            }
            Key key = store.getKey(chosen, keyPassword);
            if (!(key instanceof PrivateKey pk)) {
                throw new IOException("keystore entry '" + chosen + "' is not a private key");
            }
            Certificate[] certs = store.getCertificateChain(chosen);
            if (certs == null) {
                throw new IOException("keystore entry '" + chosen + "' has no certificate chain");
            }
            return new KeyMaterial(pk, List.copyOf(Arrays.asList(Arrays.copyOf(certs, certs.length, X509Certificate[].class))));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keystore entry " + (alias == null ? "" : "'" + alias + "' ") + ": " + e.getMessage(), e);
        }
    }

    public PrivateKey privateKey() {
        return key;
    }

    /** The chain, leaf first. */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** This key and chain as a one-entry in-memory keystore, for the JDK's key managers. */
    KeyStore toKeyStore(String alias, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(alias, key, password, chain.toArray(new X509Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory keystore", e);
        }
    }

    @Override
    public String toString() {
        X509Certificate leaf = chain.get(0);
        return "KeyMaterial[" + leaf.getSubjectX500Principal().getName() + ", " + key.getAlgorithm()
                + " key, serial " + leaf.getSerialNumber().toString(16) + ", chain of " + chain.size() + "]";
    }
}
