package io.gatehouse.app.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void generatesAPrivateKeyWithOwnerOnlyMode() throws Exception {
        SigningKeys keys = SigningKeys.open(dir.resolve("jwt"));
        Path file = dir.resolve("jwt").resolve(SigningKeys.SIGNING_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(keys.signingKey().isPrivate());
        assertTrue(Files.exists(dir.resolve("jwt").resolve(keys.signingKey().getKeyID() + ".public.jwk")));
        // a second start reads the same key
        assertEquals(keys.signingKey().getKeyID(), SigningKeys.open(dir.resolve("jwt")).signingKey().getKeyID());
    }

    @Test
    void containersStartingAtOnceAgreeOnOneKey() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> kids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<String> open = () -> {
                go.await();
                return SigningKeys.open(dir).signingKey().getKeyID();
            };
            kids.add(pool.submit(open));
        }
        go.countDown();
        String first = kids.get(0).get();
        for (Future<String> kid : kids) {
            assertEquals(first, kid.get());
        }
        pool.shutdown();
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void tightensAKeyFileReadableByOthers() throws Exception {
        SigningKeys.open(dir);
        Path file = dir.resolve(SigningKeys.SIGNING_FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SigningKeys.open(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
