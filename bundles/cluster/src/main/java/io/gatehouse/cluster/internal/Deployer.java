package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The rolling deploy: on each app container in turn, drained, the bundle is installed or updated (or the feature
 * installed) through the container's own Karaf shell; it must then be ACTIVE and the container must answer its health
 * checks before it is re-admitted. When it fails, that container is rolled back to what it ran before, re-admitted,
 * and the rollout stops there.
 */
final class Deployer {

    private static final long POLL_MILLIS = 1000;

    private final Path runtime;
    private final PlatformLayout platform;
    private final GracefulCycle cycle;
    private final long timeoutMillis;

    Deployer(Path runtime, PlatformLayout platform, GracefulCycle cycle, long timeoutMillis) {
        this.runtime = runtime;
        this.platform = platform;
        this.cycle = cycle;
        this.timeoutMillis = timeoutMillis;
    }

    Path folder() {
        return runtime.resolve("deploy");
    }

    void deploy(List<AppContainer> targets, DeployArtifact artifact, String checkPath, Consumer<String> out)
            throws OperationException {
        requireAdminPassword();
        String[] paths = checkPath == null || checkPath.isBlank() ? new String[] {"/health"}
                : new String[] {"/health", checkPath};
        int done = 0;
        for (AppContainer c : targets) {
            if (!c.busy.compareAndSet(false, true)) {
                throw new OperationException(c.name + " is busy with another operation; deployed to " + done + " of "
                        + targets.size());
            }
            try {
                c.mark(AppContainer.State.DEPLOYING);
                KarafShell shell = new KarafShell(platform, c.name);
                cycle.run(c, out, () -> {
                    if (artifact.isFeature()) {
                        deployFeature(c, shell, artifact, paths, out);
                    } else {
                        deployBundle(c, shell, artifact, paths, out);
                    }
                });
                done++;
            } catch (OperationException e) {
                throw new OperationException(e.getMessage() + "; rollout stopped: " + done + " of " + targets.size()
                        + " container(s) run " + artifact.describe(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationException("interrupted while deploying to " + c.name, e);
            } catch (Exception e) {
                throw new OperationException("deploy to " + c.name + " failed: " + e.getMessage()
                        + "; rollout stopped", e);
            } finally {
                c.busy.set(false);
            }
        }
        out.accept("deployed " + artifact.describe() + " to " + done + " app container(s)");
    }

    private void deployBundle(AppContainer c, KarafShell shell, DeployArtifact a, String[] paths, Consumer<String> out)
            throws Exception {
        Optional<KarafShell.BundleRow> before;
        try {
            before = shell.bundle(a.symbolicName());
        } catch (OperationException e) {
            throw new OperationException(c.name + ": cannot reach its Karaf shell (" + e.getMessage()
                    + "); nothing was changed on it", e);
        }
        String key = c.name + "/" + a.symbolicName();
        String previousUrl = before.isPresent() ? record().getProperty(key, before.get().location()) : null;
        long id;
        String failure = null;
        if (before.isPresent()) {
            id = before.get().id();
            try {
                shell.update(id, a.fileUrl());
                startIfNeeded(shell, id);
            } catch (OperationException e) {
                failure = "update failed: " + shortened(e.getMessage());
            }
        } else {
            try {
                id = shell.install(a.fileUrl());
            } catch (OperationException e) {
                throw new OperationException(c.name + ": install of " + a.describe() + " failed: "
                        + shortened(e.getMessage()) + "; nothing was changed on it", e);
            }
            try {
                shell.start(id);
            } catch (OperationException e) {
                failure = "start failed: " + shortened(e.getMessage());
            }
        }
        if (failure == null) {
            failure = verify(c, shell, id, a.version(), paths);
        }
        if (failure == null) {
            remember(key, a.fileUrl());
            out.accept(c.name + ": " + a.symbolicName() + " " + a.version() + " active and healthy");
            return;
        }
        // roll back this container to what it ran before
        String rolledBack;
        if (before.isPresent()) {
            shell.update(id, previousUrl);
            startIfNeeded(shell, id);
            String again = verify(c, shell, id, before.get().version(), new String[] {"/health"});
            rolledBack = "rolled back to " + a.symbolicName() + " " + before.get().version()
                    + (again == null ? "" : " (which is not healthy either: " + again + ")");
        } else {
            shell.uninstall(id);
            rolledBack = "rolled back (uninstalled " + a.symbolicName() + ")";
        }
        out.accept(c.name + ": " + a.symbolicName() + " " + a.version() + " failed its health check: " + failure + "; "
                + rolledBack);
        throw new OperationException(c.name + ": " + a.symbolicName() + " " + a.version() + " failed its health check ("
                + failure + "); " + rolledBack);
    }

    /** Karaf's error text on one line, without its "Error executing command" prefix. */
    static String shortened(String message) {
        return message.replace("Error executing command: ", "").replaceAll("\\s*\\n\\s*", " ").trim();
    }

    private static void startIfNeeded(KarafShell shell, long id) throws Exception {
        Optional<KarafShell.BundleRow> row = shell.bundle(id);
        if (row.isPresent() && !"Active".equalsIgnoreCase(row.get().state())) {
            shell.start(id);
        }
    }

    /** @return null when the bundle runs the version, ACTIVE, and every path answers 2xx in time; else why not */
    private String verify(AppContainer c, KarafShell shell, long id, String version, String[] paths) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String last = "";
        while (true) {
            Optional<KarafShell.BundleRow> row = shell.bundle(id);
            if (row.isEmpty()) {
                return "the bundle disappeared";
            }
            boolean active = "Active".equalsIgnoreCase(row.get().state()) && row.get().version().equals(version);
            last = "bundle " + row.get().version() + " " + row.get().state();
            if (active) {
                String failing = null;
                for (String path : paths) {
                    if (!HealthProbe.passes(c.httpPort(), path)) {
                        failing = path;
                    }
                }
                if (failing == null) {
                    return null;
                }
                last = "GET " + failing + " did not answer 2xx";
            }
            if (System.currentTimeMillis() >= deadline) {
                return last + " after " + timeoutMillis / 1000 + " s";
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private void deployFeature(AppContainer c, KarafShell shell, DeployArtifact a, String[] paths, Consumer<String> out)
            throws Exception {
        if (shell.featureInstalled(a.feature())) {
            out.accept(c.name + ": feature " + a.feature() + " is already installed");
            return;
        }
        String failure = null;
        try {
            shell.installFeature(a.feature());
        } catch (OperationException e) {
            failure = "install failed: " + shortened(e.getMessage());
        }
        if (failure == null && !HealthProbe.await(c.httpPort(), timeoutMillis, () -> c.process().isPresent(), paths)) {
            failure = "the container is not healthy after " + timeoutMillis / 1000 + " s";
        }
        if (failure == null) {
            out.accept(c.name + ": feature " + a.feature() + " installed, healthy");
            return;
        }
        try {
            shell.uninstallFeature(a.feature());
        } catch (OperationException e) {
            // not installed at all: nothing to roll back
        }
        out.accept(c.name + ": feature " + a.feature() + " failed its health check: " + failure + "; uninstalled again");
        throw new OperationException(c.name + ": feature " + a.feature() + " failed its health check (" + failure
                + "); rolled back (uninstalled)");
    }

    private void requireAdminPassword() throws OperationException {
        Path file = runtime.resolve("admin-password");
        if (!Files.isReadable(file)) {
            throw new OperationException("cluster:deploy logs in to the app containers' shells as admin with the "
                    + "password in " + file + ", which cannot be read: restore that file");
        }
    }

    /** Which file each container's deployed bundle came from, so a rollback knows the previous version. */
    private Properties record() throws IOException {
        Properties p = new Properties();
        Path file = folder().resolve("deployed.properties");
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    private void remember(String key, String url) throws IOException {
        Properties p = record();
        p.setProperty(key, url);
        Files.createDirectories(folder());
        try (Writer w = Files.newBufferedWriter(folder().resolve("deployed.properties"), StandardCharsets.UTF_8)) {
            p.store(w, "bundle files deployed by cluster:deploy, per app container");
        }
    }
}
