package io.gatehouse.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.url;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.gatehouse.tools.postgres.ThrowawayPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.options.UrlReference;

/**
 * The options every Gatehouse integration test starts from: the real Gatehouse distribution, every listener on
 * 127.0.0.1 on a free port (passed to the test inside the container as a system property), and the build's local
 * Maven repository.
 * <p>
 * Runs in the test driver JVM; read ports inside the container with {@link #port(String)}.
 */
public final class GatehouseOptions {

    /** System property prefix under which the driver passes ports into the container. */
    public static final String PORT_PREFIX = "gatehouse.itest.port.";

    private GatehouseOptions() {
    }

    /**
     * The features repository this build produced. The build passes the reactor's file (so `mvn verify` tests what it
     * just built without installing it); from an IDE, the installed artifact.
     */
    public static UrlReference featuresRepository() {
        String built = System.getProperty("gatehouse.itest.features");
        if (built != null && new File(built).isFile()) {
            return url(new File(built).toURI().toString());
        }
        return maven().groupId("io.gatehouse").artifactId("gatehouse-features").classifier("features").type("xml")
                .versionAsInProject();
    }

    /** The distribution this build produced (see {@link #featuresRepository()}). */
    private static String distribution() {
        String built = System.getProperty("gatehouse.itest.distribution");
        if (built != null && new File(built).isFile()) {
            return new File(built).toURI().toString();
        }
        MavenArtifactUrlReference installed = maven().groupId("io.gatehouse").artifactId("gatehouse").type("tar.gz")
                .versionAsInProject();
        return installed.getURL();
    }

    /** The base options plus {@code extra}. */
    public static Option[] gatehouse(Option... extra) {
        return gatehouse(freePort(), extra);
    }

    /**
     * The base options plus {@code extra}, with the container's HTTP port (pax-web: the app, /health) set to
     * {@code http}: for a test that names that port in another configuration before the boot, such as a balancer
     * backend pointing at the container itself.
     */
    public static Option[] gatehouse(int http, Option... extra) {
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(distribution()).name("Gatehouse")
                        .unpackDirectory(new File("target/exam")).useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(http)),
                systemProperty(PORT_PREFIX + "http").value(String.valueOf(http))));
        String localRepository = System.getProperty("gatehouse.itest.localRepository");
        if (localRepository != null) {
            options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository", localRepository));
        }
        options.addAll(Arrays.asList(extra));
        return options.toArray(new Option[0]);
    }

    /** Passes a fresh free port into the container under {@code name}; returns the option and records the port. */
    public static Option port(String name, int port) {
        return systemProperty(PORT_PREFIX + name).value(String.valueOf(port));
    }

    /** Inside the container: the port the driver chose for {@code name}. */
    public static int port(String name) {
        String value = System.getProperty(PORT_PREFIX + name);
        if (value == null) {
            throw new IllegalStateException("no port named '" + name + "' was passed into the container");
        }
        return Integer.parseInt(value);
    }

    /**
     * Starts (once per driver JVM) a throwaway PostgreSQL and returns options that pass its JDBC URL, user and
     * password into the container as {@code gatehouse.itest.db.*} system properties.
     */
    public static Option[] database() {
        try {
            var db = ThrowawayPostgres.shared().database();
            return new Option[] {
                systemProperty("gatehouse.itest.db.url").value(db.jdbcUrl()),
                systemProperty("gatehouse.itest.db.user").value(db.user()),
                systemProperty("gatehouse.itest.db.password").value(db.password()),
            };
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the test PostgreSQL", e);
        }
    }

    /**
     * Points the container's Gatehouse DataSource ({@code etc/org.ops4j.datasource-gatehouse.cfg}) at a database:
     * what {@code ./platform} does for a real container.
     */
    public static Option[] datasource(String url, String user, String password) {
        String cfg = "etc/org.ops4j.datasource-gatehouse.cfg";
        return new Option[] {
            editConfigurationFilePut(cfg, "url", url),
            editConfigurationFilePut(cfg, "user", user),
            editConfigurationFilePut(cfg, "password", password),
        };
    }

    /** {@link #database()} plus the container's DataSource configured for that throwaway PostgreSQL. */
    public static Option[] configuredDatabase() {
        try {
            var db = ThrowawayPostgres.shared().database();
            List<Option> options = new ArrayList<>(Arrays.asList(database()));
            options.addAll(Arrays.asList(datasource(db.jdbcUrl(), db.user(), db.password())));
            return options.toArray(new Option[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the test PostgreSQL", e);
        }
    }

    public static int freePort() {
        try {
            return ThrowawayPostgres.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
