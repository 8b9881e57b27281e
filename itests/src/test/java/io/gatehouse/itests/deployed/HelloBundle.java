package io.gatehouse.itests.deployed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.ops4j.pax.tinybundles.TinyBundles;

/** Builds, in the test driver, one version of the hello bundle. */
public final class HelloBundle {

    public static final String SYMBOLIC_NAME = "com.example.gatehouse.hello";

    private HelloBundle() {
    }

    public static Path build(Path folder, String version, boolean broken) {
        try (InputStream jar = TinyBundles.bundle()
                .addClass(HelloActivator.class)
                .addClass(HelloResource.class)
                .activator(HelloActivator.class)
                .setHeader("Bundle-ManifestVersion", "2")
                .symbolicName(SYMBOLIC_NAME)
                .setHeader("Bundle-Version", version)
                .setHeader("X-Hello-Broken", Boolean.toString(broken))
                .setHeader("Import-Package", "javax.ws.rs;version=\"[2.1,3)\","
                        + "org.osgi.framework;version=\"[1.8,2)\"")
                .build(TinyBundles.rawBuilder())) {
            Path target = folder.resolve("hello-" + version + ".jar");
            Files.createDirectories(folder);
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
            return target.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the hello bundle " + version, e);
        }
    }
}
