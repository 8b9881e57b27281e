package io.gatehouse.cluster.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An app container's own Karaf shell, reached over SSH as admin through {@code ./platform __exec}: the same
 * {@code bundle:} and {@code feature:} commands an operator would type, so a deploy changes the container exactly as
 * its shell would, and sees the bundle's real state.
 */
final class KarafShell {

    /** One row of {@code bundle:list}. */
    record BundleRow(long id, String symbolicName, String version, String state, String location) {
    }

    /** What may appear in a command argument: no space, quote or gogo operator (; | & $ { } ( ) < >). */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9:/._%+=~@,-]+");
    private static final Pattern BUNDLE_ID = Pattern.compile("Bundle IDs?:\\s*(\\d+)");

    private final PlatformLayout platform;
    private final String container;

    KarafShell(PlatformLayout platform, String container) {
        this.platform = platform;
        this.container = container;
    }

    static String safe(String argument) throws OperationException {
        if (!SAFE.matcher(argument).matches()) {
            throw new OperationException("'" + argument + "' cannot be passed to a Karaf shell command safely "
                    + "(allowed: letters, digits and : / . _ % + = ~ @ , -)");
        }
        return argument;
    }

    private String run(String command) throws OperationException {
        return platform.exec(container, command);
    }

    List<BundleRow> bundles() throws OperationException {
        List<String[]> names = rows(run("bundle:list -s -t 0 --no-format"), 5);
        List<String[]> locations = rows(run("bundle:list -l -t 0 --no-format"), 5);
        List<BundleRow> out = new ArrayList<>();
        for (String[] n : names) {
            String location = locations.stream().filter(l -> l[0].equals(n[0])).map(l -> l[4]).findFirst().orElse("");
            out.add(new BundleRow(Long.parseLong(n[0]), n[4], n[3], n[1], location));
        }
        return out;
    }

    /** Tab-separated rows whose first cell is a number (the header and notes are skipped). */
    static List<String[]> rows(String output, int cells) {
        List<String[]> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] c = line.split("\t");
            if (c.length >= cells && c[0].trim().matches("\\d+")) {
                for (int i = 0; i < c.length; i++) {
                    c[i] = c[i].trim();
                }
                rows.add(c);
            }
        }
        return rows;
    }

    Optional<BundleRow> bundle(String symbolicName) throws OperationException {
        return bundles().stream().filter(b -> b.symbolicName().equals(symbolicName))
                .max(java.util.Comparator.comparingLong(BundleRow::id));
    }

    Optional<BundleRow> bundle(long id) throws OperationException {
        return bundles().stream().filter(b -> b.id() == id).findFirst();
    }

    long install(String url) throws OperationException {
        String out = run("bundle:install " + safe(url));
        Matcher m = BUNDLE_ID.matcher(out);
        if (!m.find()) {
            throw new OperationException("bundle:install " + url + " on " + container + " printed no bundle id: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    void update(long id, String url) throws OperationException {
        run("bundle:update " + id + " " + safe(url));
    }

    void start(long id) throws OperationException {
        run("bundle:start " + id);
    }

    void uninstall(long id) throws OperationException {
        run("bundle:uninstall " + id);
    }

    boolean featureInstalled(String name) throws OperationException {
        for (String line : run("feature:list -i --no-format").split("\n")) {
            if (line.split("\t")[0].trim().equals(name)) {
                return true;
            }
        }
        return false;
    }

    void installFeature(String name) throws OperationException {
        run("feature:install " + safe(name));
    }

    void uninstallFeature(String name) throws OperationException {
        run("feature:uninstall " + safe(name));
    }
}
