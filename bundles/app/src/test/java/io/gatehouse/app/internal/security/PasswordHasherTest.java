package io.gatehouse.app.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.app.internal.AppSettings;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    // a low count keeps the unit test fast; the configured default is checked separately
    private final PasswordHasher hasher = new PasswordHasher(1000);

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = hasher.hash("correct horse battery".toCharArray());
        assertTrue(hasher.verify("correct horse battery".toCharArray(), hash));
        assertFalse(hasher.verify("correct horse batterY".toCharArray(), hash));
        assertFalse(hasher.verify("".toCharArray(), hash));
    }

    @Test
    void saltsEveryHash() {
        String a = hasher.hash("same".toCharArray());
        String b = hasher.hash("same".toCharArray());
        assertNotEquals(a, b);
        assertNotEquals(a.split("\\$")[2], b.split("\\$")[2]);
    }

    @Test
    void storesAlgorithmAndIterations() {
        String[] parts = hasher.hash("x".toCharArray()).split("\\$");
        assertEquals(4, parts.length);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("1000", parts[1]);
    }

    @Test
    void verifiesWithTheStoredIterationCountAndAsksForRehash() {
        String old = hasher.hash("pw".toCharArray());
        PasswordHasher stronger = new PasswordHasher(2000);
        assertTrue(stronger.verify("pw".toCharArray(), old));
        assertTrue(stronger.needsRehash(old));
        assertFalse(stronger.needsRehash(stronger.hash("pw".toCharArray())));
    }

    @Test
    void rejectsUnreadableHashes() {
        for (String bad : new String[] {null, "", "plain", "md5$1$a$b", "pbkdf2-sha256$x$a$b", "pbkdf2-sha256$10$!!$b",
            "pbkdf2-sha256$0$AAAA$AAAA"}) {
            assertFalse(hasher.verify("pw".toCharArray(), bad), String.valueOf(bad));
        }
    }

    @Test
    void defaultIsOwaspCount() {
        assertEquals(600_000, AppSettings.OWASP_PBKDF2_ITERATIONS);
        PasswordHasher owasp = new PasswordHasher(AppSettings.OWASP_PBKDF2_ITERATIONS);
        String hash = owasp.hash("a long passphrase".toCharArray());
        assertTrue(hash.startsWith("pbkdf2-sha256$600000$"));
        assertTrue(owasp.verify("a long passphrase".toCharArray(), hash));
    }
}
