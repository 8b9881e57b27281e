package io.gatehouse.itests.thirdparty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.ops4j.pax.tinybundles.TinyBundles;

/** Builds, in the test driver, the jar of a strategy bundle that compiles against the Gatehouse SPI only. */
public final class ThirdPartyStrategyBundle {

    public static final String SYMBOLIC_NAME = "com.example.gatehouse.last-candidate-strategy";

    private ThirdPartyStrategyBundle() {
    }

    public static Path build(Path target) {
        try (InputStream jar = TinyBundles.bundle()
                .addClass(LastCandidateStrategy.class)
                .activator(LastCandidateActivator.class)
                .setHeader("Bundle-ManifestVersion", "2")
                .symbolicName(SYMBOLIC_NAME)
                .setHeader("Bundle-Version", "1.0.0")
                .setHeader("Import-Package", "io.gatehouse.api.balancer;version=\"[1.0,2)\","
                        + "io.gatehouse.api.http;version=\"[1.0,2)\",org.osgi.framework;version=\"[1.8,2)\"")
                .build(TinyBundles.rawBuilder())) {
            Files.createDirectories(target.getParent());
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
            return target.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the third-party strategy bundle", e);
        }
    }
}
