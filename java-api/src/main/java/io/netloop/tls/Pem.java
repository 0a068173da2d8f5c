package io.netloop.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM files (RFC 7468): certificates, and private keys in PKCS#8, plain or encrypted. Every
 * error names the file and says what was wrong with it.
 */
final class Pem {
    /** Key algorithms a PKCS#8 key may hold, tried in turn: the PKCS#8 header names an OID, not a JCA name. */
    private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "RSASSA-PSS", "Ed25519", "Ed448", "EdDSA", "DSA"};

    private Pem() {
    }

    /** One {@code -----BEGIN label-----} block, its base64 body decoded. */
    record Block(String label, byte[] der) {
    }

    static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) {
                return blocks;
            }
            int labelEnd = text.indexOf("-----", begin + 11);
            if (labelEnd < 0) {
                throw new IOException(file + ": unterminated PEM header at offset " + begin);
            }
            String label = text.substring(begin + 11, labelEnd);
            String footer = "-----END " + label + "-----";
            int end = text.indexOf(footer, labelEnd + 5);
            if (end < 0) {
                throw new IOException(file + ": no '" + footer + "' after the '" + label + "' block at offset " + begin);
            }
            String body = text.substring(labelEnd + 5, end);
            if (body.contains(":")) {
                // RFC 1421 headers (Proc-Type, DEK-Info): OpenSSL's legacy encrypted keys.
                throw new IOException(file + ": the '" + label + "' block is in OpenSSL's legacy encrypted format;"
                        + " convert it with: openssl pkcs8 -topk8 -in KEY -out KEY.pk8");
            }
            try {
                blocks.add(new Block(label, Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": the '" + label + "' block is not valid base64: " + e.getMessage());
            }
            at = end + footer.length();
        }
    }

    /** Every certificate of {@code file}, in file order (a chain: the leaf first). */
    static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (Block b : blocks(file)) {
            if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
                try {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                } catch (CertificateException e) {
                    throw new IOException(file + ": certificate #" + (certs.size() + 1) + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
        if (certs.isEmpty()) {
            throw new IOException(file + ": no '-----BEGIN CERTIFICATE-----' block");
        }
        return certs;
    }

    /**
     * The one private key of {@code file}: {@code PRIVATE KEY} (PKCS#8), or {@code ENCRYPTED PRIVATE
     * KEY} with {@code password}. PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY})
     * files are refused with the command that converts them.
     */
    static PrivateKey privateKey(Path file, char[] password) throws IOException {
        for (Block b : blocks(file)) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "ENCRYPTED PRIVATE KEY":
                    if (password == null) {
                        throw new IOException(file + ": the key is encrypted and no password was given");
                    }
                    return pkcs8(file, decrypt(file, b.der(), password));
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
                    throw new IOException(file + ": '" + b.label() + "' is not PKCS#8; convert it with:"
                            + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
                default:
                    // parameters (EC PARAMETERS) or certificates in the same file: skipped
            }
        }
        throw new IOException(file + ": no '-----BEGIN PRIVATE KEY-----' block");
    }

    private static byte[] decrypt(Path file, byte[] der, char[] password) throws IOException {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            SecretKeyFactory f = SecretKeyFactory.getInstance(info.getAlgName());
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot decrypt the key (wrong password, or an encryption the JDK lacks): " + e, e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException wrongAlgorithm) {
                // try the next
            }
        }
        throw new IOException(file + ": the PKCS#8 key is of an algorithm the JDK cannot read (tried "
                + String.join(", ", KEY_ALGORITHMS) + ")");
    }
}
