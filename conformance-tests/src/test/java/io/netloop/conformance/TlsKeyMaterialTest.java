package io.netloop.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netloop.tls.ClientAuth;
import io.netloop.tls.KeyMaterial;
import io.netloop.tls.TlsContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys from PEM and PKCS#12 files, and the errors a bad file gives: each names the file and what is wrong. */
class TlsKeyMaterialTest {

    @TempDir
    Path tmp;

    @Test
    void pem_chain_and_pkcs8_key() throws IOException {
        KeyMaterial km = KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("server.key"));
        assertEquals(2, km.certificateChain().size(), "leaf and CA");
        assertEquals("CN=server", km.certificateChain().get(0).getSubjectX500Principal().getName());
        assertEquals("EC", km.privateKey().getAlgorithm());
        assertEquals("RSA", TlsFixtures.keys("server-renewed").privateKey().getAlgorithm());
    }

    @Test
    void encrypted_pkcs8_key_with_its_password() throws IOException {
        KeyMaterial km = KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("server-encrypted.key"), "changeit".toCharArray());
        assertEquals(TlsFixtures.keys("server").privateKey(), km.privateKey());
        IOException noPassword = assertThrows(IOException.class,
                () -> KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("server-encrypted.key")));
        assertTrue(noPassword.getMessage().contains("encrypted and no password"), noPassword.getMessage());
        IOException wrong = assertThrows(IOException.class,
                () -> KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("server-encrypted.key"), "wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains("cannot decrypt"), wrong.getMessage());
    }

    @Test
    void pkcs12_keystore() throws IOException {
        KeyMaterial km = KeyMaterial.fromPkcs12(TlsFixtures.file("server.p12"), "changeit".toCharArray());
        assertEquals(TlsFixtures.keys("server").privateKey(), km.privateKey());
        assertEquals(TlsFixtures.keys("server").certificateChain(), km.certificateChain());
        IOException wrong = assertThrows(IOException.class,
                () -> KeyMaterial.fromPkcs12(TlsFixtures.file("server.p12"), "wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains("server.p12"), wrong.getMessage());
    }

    @Test
    void bad_files_are_refused_with_the_file_and_the_reason() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.pem"), "nothing here\n");
        IOException noCert = assertThrows(IOException.class, () -> KeyMaterial.fromPem(empty, TlsFixtures.file("server.key")));
        assertTrue(noCert.getMessage().contains("empty.pem") && noCert.getMessage().contains("CERTIFICATE"), noCert.getMessage());

        IOException noKey = assertThrows(IOException.class, () -> KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("server.pem")));
        assertTrue(noKey.getMessage().contains("PRIVATE KEY"), noKey.getMessage());

        Path pkcs1 = Files.writeString(tmp.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IOException legacy = assertThrows(IOException.class, () -> KeyMaterial.fromPem(TlsFixtures.file("server.pem"), pkcs1));
        assertTrue(legacy.getMessage().contains("openssl pkcs8 -topk8"), "says how to convert: " + legacy.getMessage());

        Path broken = Files.writeString(tmp.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        IOException badBase64 = assertThrows(IOException.class, () -> KeyMaterial.fromPem(broken, TlsFixtures.file("server.key")));
        assertTrue(badBase64.getMessage().contains("broken.pem"), badBase64.getMessage());

        IOException mismatch = assertThrows(IOException.class,
                () -> KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("server-renewed.key")));
        assertTrue(mismatch.getMessage().contains("does not belong"), mismatch.getMessage());
        // Same algorithm, another certificate's key: found by signing and verifying, not by the algorithm's name.
        IOException otherKey = assertThrows(IOException.class,
                () -> KeyMaterial.fromPem(TlsFixtures.file("server.pem"), TlsFixtures.file("other.key")));
        assertTrue(otherKey.getMessage().contains("does not belong"), otherKey.getMessage());

        assertThrows(java.nio.file.NoSuchFileException.class, () -> KeyMaterial.fromPem(tmp.resolve("missing.pem"), TlsFixtures.file("server.key")));
    }

    @Test
    void contexts_refuse_settings_that_cannot_work() {
        IllegalArgumentException noTrust = assertThrows(IllegalArgumentException.class,
                () -> TlsContext.server(TlsFixtures.keys("server")).clientAuth(ClientAuth.REQUIRED).build());
        assertTrue(noTrust.getMessage().contains("trust"), noTrust.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlsContext.client().protocols("TLSv9").build());
        assertThrows(IllegalArgumentException.class, () -> TlsContext.server(TlsFixtures.keys("server")).serverName("bad name!", TlsFixtures.keys("other")));
        assertThrows(IllegalStateException.class, () -> TlsContext.client().serverName("a.test", TlsFixtures.keys("other")));
    }
}
