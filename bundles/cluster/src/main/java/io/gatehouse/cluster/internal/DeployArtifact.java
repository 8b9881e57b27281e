package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * What {@code cluster:deploy} rolls out: a feature of the containers' features repository (by name), or a bundle
 * (by URL). A bundle is fetched once, by the gateway, into {@code <runtime>/deploy/}, so every container installs the
 * same bytes from a local {@code file:} URL whatever the original scheme ({@code mvn:}, {@code http:}, {@code file:}).
 */
record DeployArtifact(String feature, String symbolicName, String version, String fileUrl, String source) {

    private static final Pattern FEATURE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    boolean isFeature() {
        return feature != null;
    }

    String describe() {
        return isFeature() ? "feature " + feature : "bundle " + symbolicName + " " + version + " (" + source + ")";
    }

    static DeployArtifact resolve(String what, Path deployFolder) throws OperationException {
        String value = what == null ? "" : what.trim();
        if (value.isEmpty()) {
            throw new OperationException("deploy needs a feature name or a bundle URL, was empty");
        }
        if (FEATURE.matcher(value).matches()) {
            return new DeployArtifact(value, null, null, null, value);
        }
        URL url;
        try {
            url = new URL(value);
        } catch (MalformedURLException e) {
            throw new OperationException("'" + value + "' is neither a feature name nor a bundle URL: " + e.getMessage());
        }
        try {
            Files.createDirectories(deployFolder);
            Path download = Files.createTempFile(deployFolder, "download-", ".jar");
            try (InputStream in = url.openStream()) {
                Files.copy(in, download, StandardCopyOption.REPLACE_EXISTING);
            }
            Manifest manifest;
            try (JarInputStream jar = new JarInputStream(Files.newInputStream(download))) {
                manifest = jar.getManifest();
            }
            String bsn = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null || bsn.isBlank()) {
                Files.deleteIfExists(download);
                throw new OperationException("'" + value + "' is not an OSGi bundle (no Bundle-SymbolicName in its manifest)");
            }
            bsn = bsn.split(";")[0].trim();
            String version = manifest.getMainAttributes().getValue("Bundle-Version");
            version = version == null ? "0.0.0" : version.trim();
            Path target = deployFolder.resolve(bsn + "-" + version + ".jar");
            Files.move(download, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new DeployArtifact(null, bsn, version, target.toUri().toString(), value);
        } catch (IOException e) {
            throw new OperationException("cannot read the bundle at '" + value + "': " + e.getMessage(), e);
        }
    }
}
