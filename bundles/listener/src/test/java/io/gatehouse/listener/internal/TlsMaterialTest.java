package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    @TempDir
    Path dir;

    @Test
    void selfSignedIsGeneratedOnceWithARandomPassword() throws Exception {
        ListenerConfig config = Configs.config(Map.of());
        TlsMaterial first = TlsMaterial.load(config, dir);
        TlsMaterial second = TlsMaterial.load(config, dir);
        assertEquals(first.password(), second.password());
        assertTrue(first.password().length() >= 24);
        assertEquals(first.keyStore().getCertificate("gatehouse"), second.keyStore().getCertificate("gatehouse"));
        assertTrue(Files.readString(dir.resolve(TlsMaterial.GENERATED_PASSWORD)).contains(first.password()));
    }

    @Test
    void invalidKeystoreIsRefusedNamingTheFile() throws Exception {
        Path garbage = Files.writeString(dir.resolve("broken.p12"), "not a keystore");
        ListenerConfig config = Configs.config(Map.of("tls_keystore", garbage.toString(), "tls_keystore_password", "x"));
        TlsMaterial.TlsException e = assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.load(config, dir));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
    }

    @Test
    void missingPemIsRefusedNamingTheFile() {
        Path missing = dir.resolve("nope.crt");
        ListenerConfig config = Configs.config(Map.of("tls_certificate", missing.toString(),
                "tls_private_key", dir.resolve("nope.key").toString()));
        TlsMaterial.TlsException e = assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.load(config, dir));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void halfAPemPairIsRefused() {
        ListenerConfig config = Configs.config(Map.of("tls_certificate", "/x.crt"));
        assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.load(config, dir));
    }
}
