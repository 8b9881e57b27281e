package io.gatehouse.persistence.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

/**
 * The SQL migrations of one owner, listed without Flyway's class-path scanning: from the owning bundle's entries
 * ({@link Bundle#findEntries}) when the loader belongs to a bundle, otherwise from a {@code file:} or {@code jar:}
 * class-path folder (unit tests, the benchmark).
 */
final class MigrationResources implements ResourceProvider {

    private final String location;
    private final Map<String, URL> byName;

    private MigrationResources(String location, Map<String, URL> byName) {
        this.location = location;
        this.byName = byName;
    }

    static MigrationResources of(ClassLoader loader, String location) {
        String folder = location.replaceAll("^classpath:", "").replaceAll("^/+|/+$", "");
        Map<String, URL> found = new TreeMap<>();
        if (loader instanceof BundleReference reference && reference.getBundle() != null) {
            Enumeration<URL> entries = reference.getBundle().findEntries(folder, "*.sql", false);
            for (URL url : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
                found.put(fileName(url.getPath()), url);
            }
        } else {
            try {
                for (URL root : Collections.list(loader.getResources(folder))) {
                    listFolder(root, folder, found);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not list migrations in " + folder, e);
            }
        }
        return new MigrationResources(folder, found);
    }

    private static void listFolder(URL root, String folder, Map<String, URL> found) throws IOException {
        switch (root.getProtocol()) {
            case "file" -> {
                try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        if (p.getFileName().toString().endsWith(".sql")) {
                            found.put(p.getFileName().toString(), p.toUri().toURL());
                        }
                    }
                } catch (URISyntaxException e) {
                    throw new IOException("bad migration folder URL " + root, e);
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                try (JarFile jar = new JarFile(connection.getJarFileURL().getFile())) {
                    String prefix = folder + "/";
                    jar.stream().map(e -> e.getName())
                            .filter(n -> n.startsWith(prefix) && n.endsWith(".sql") && n.indexOf('/', prefix.length()) < 0)
                            .forEach(n -> found.put(fileName(n), urlIn(root, n.substring(prefix.length()))));
                }
            }
            default -> throw new IOException("cannot list migrations at " + root + " (protocol " + root.getProtocol() + ")");
        }
    }

    private static URL urlIn(URL folder, String name) {
        try {
            return new URL(folder.toExternalForm().replaceAll("/?$", "/") + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The migration file names found, sorted. */
    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public LoadableResource getResource(String name) {
        URL url = byName.get(fileName(name));
        return url == null ? null : new UrlResource(location, fileName(name), url);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> result = new ArrayList<>();
        byName.forEach((name, url) -> {
            if (name.startsWith(prefix) && Stream.of(suffixes).anyMatch(name::endsWith)) {
                result.add(new UrlResource(location, name, url));
            }
        });
        return result;
    }

    /** One migration script, read from its URL each time Flyway asks. */
    static final class UrlResource extends LoadableResource {
        private final String location;
        private final String name;
        private final URL url;

        UrlResource(String location, String name, URL url) {
            this.location = location;
            this.name = name;
            this.url = url;
        }

        @Override
        public Reader read() {
            try {
                return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read migration " + url, e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return location + "/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return url.toExternalForm();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
