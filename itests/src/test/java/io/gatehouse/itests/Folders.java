package io.gatehouse.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The tests' work folders: created per test class or browser, deleted with everything in them when done. */
final class Folders {

    private Folders() {
    }

    /** Deletes {@code folder} and everything in it, deepest first; what cannot be deleted stays. */
    static void delete(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
