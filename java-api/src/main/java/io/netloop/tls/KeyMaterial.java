package io.netloop.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
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
        requireMatchingKey(key, chain.get(0));
        this.key = key;
        this.chain = chain;
    }

    /**
     * Signs with the key and verifies with the leaf certificate: a key of another certificate (a
     * renewal that wrote the new certificate before its key, a wrong file) is refused here rather
     * than failing every handshake later.
     */
    private static void requireMatchingKey(PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        String mismatch = "the private key does not belong to the leaf certificate " + leaf.getSubjectX500Principal().getName()
                + " (serial " + leaf.getSerialNumber().toString(16) + ")";
        if (algorithm == null) {
            if (!leaf.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
                throw new IllegalArgumentException(mismatch);
            }
            return;
        }
        try {
            byte[] challenge = "netloop: does this key belong to this certificate?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
                signer.setParameter(pss);
                verifier.setParameter(pss);
            }
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(mismatch + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key and its chain, the leaf certificate first.
     *
     * @param key   the private key of the leaf certificate
     * @param chain the leaf certificate, then the intermediates that lead to a trusted authority;
     *              the root itself may be left out
     * @return the key material, its key checked against the leaf certificate
     * @throws IllegalArgumentException when {@code chain} is empty or the key does not belong to the
     *         leaf certificate
     */
    public static KeyMaterial of(PrivateKey key, X509Certificate... chain) {
        return new KeyMaterial(Objects.requireNonNull(key, "key"), List.of(chain));
    }

    /**
     * Reads a PEM certificate chain (leaf first, then intermediates: a "fullchain") and an
     * unencrypted PKCS#8 PEM key ({@code -----BEGIN PRIVATE KEY-----}). PKCS#1 and SEC1 keys
     * ({@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}) are refused with the {@code openssl}
     * command that converts them.
     *
     * @param certificateChain a PEM file of {@code CERTIFICATE} blocks, the leaf first
     * @param privateKey       a PEM file with the leaf's key
     * @return the key material, its key checked against the leaf certificate
     * @throws IOException naming the file and what is wrong with it, including a key that does not
     *         belong to the leaf certificate
     */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey) throws IOException {
        return fromPem(certificateChain, privateKey, null);
    }

    /**
     * As {@link #fromPem(Path, Path)}, with the password of an {@code ENCRYPTED PRIVATE KEY}.
     *
     * @param certificateChain a PEM file of {@code CERTIFICATE} blocks, the leaf first
     * @param privateKey       a PEM file with the leaf's key, PKCS#8, plain or encrypted
     * @param keyPassword      the key's password; {@code null} when the key is not encrypted
     * @return the key material, its key checked against the leaf certificate
     * @throws IOException naming the file and what is wrong with it: no key, a wrong password, an
     *         encryption the JDK lacks, or a key that does not belong to the leaf certificate
     */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey, char[] keyPassword) throws IOException {
        List<X509Certificate> chain = Pem.certificates(certificateChain);
        PrivateKey key = Pem.privateKey(privateKey, keyPassword);
        try {
            return new KeyMaterial(key, List.copyOf(chain));
        } catch (IllegalArgumentException e) {
            throw new IOException(privateKey + " and " + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first key entry of a PKCS#12 file whose store and key share {@code password}.
     *
     * @param file     a PKCS#12 keystore ({@code .p12}, {@code .pfx})
     * @param password the password of the store and of its key entry
     * @return the key material of the first key entry
     * @throws IOException naming the file: unreadable, a wrong password, no key entry, or a key that
     *         does not belong to its certificate
     */
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
     * @param store       a loaded keystore of any type
     * @param alias       the entry's alias, or {@code null} for the first key entry
     * @param keyPassword the password of the key entry
     * @return the entry's key and certificate chain
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
        } catch (IllegalArgumentException e) {
            throw new IOException("keystore entry " + (alias == null ? "" : "'" + alias + "' ") + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keystore entry " + (alias == null ? "" : "'" + alias + "' ") + ": " + e.getMessage(), e);
        }
    }

    /**
     * The private key.
     *
     * @return the key that belongs to the leaf of {@link #certificateChain()}
     */
    public PrivateKey privateKey() {
        return key;
    }

    /**
     * The chain, leaf first.
     *
     * @return an immutable, non-empty list: the leaf certificate, then its intermediates
     */
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
