package io.gatehouse.tools.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;

/**
 * A real PostgreSQL server from the binaries on Maven Central, holding the Gatehouse database.
 * <p>
 * The first start initialises the data directory, gives the superuser and the {@code gatehouse} role generated
 * passwords (stored mode 0600 beside the data) and switches every TCP connection to password authentication, so
 * nothing connects with trust once the server is set up.
 */
public final class GatehouseDatabase implements AutoCloseable {

    public static final String DATABASE = "gatehouse";
    public static final String USER = "gatehouse";

    private final EmbeddedPostgres postgres;
    private final int port;
    private final String password;

    private GatehouseDatabase(EmbeddedPostgres postgres, int port, String password) {
        this.postgres = postgres;
        this.port = port;
        this.password = password;
    }

    /**
     * Starts the server on 127.0.0.1:{@code port} with its data in {@code dataDir}, creating and securing it on the
     * first start.
     *
     * @param secretsDir where the generated passwords live ({@code db-password}, {@code db-superuser-password})
     */
    public static GatehouseDatabase start(Path dataDir, int port, Path secretsDir) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("database port must be 1-65535, was " + port);
        }
        Files.createDirectories(secretsDir);
        boolean fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
        String superPassword = secret(secretsDir.resolve("db-superuser-password"));
        String password = secret(secretsDir.resolve("db-password"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                // the launcher starts postgres with -F (fsync off); a later -c wins: every commit reaches the disk
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        if (!fresh) {
            builder.setConnectConfig("password", superPassword);
        }
        EmbeddedPostgres postgres = builder.start();
        if (fresh) {
            secure(postgres, dataDir, superPassword, password);
        }
        return new GatehouseDatabase(postgres, port, password);
    }

    private static void secure(EmbeddedPostgres postgres, Path dataDir, String superPassword, String password)
            throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            // identifiers cannot be bound parameters; the passwords are generated base64url text, quoted by format()
            s.execute(quoteFormat(c, "ALTER ROLE postgres PASSWORD %L", superPassword));
            s.execute(quoteFormat(c, "CREATE ROLE " + USER + " LOGIN PASSWORD %L", password));
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            Files.writeString(dataDir.resolve("pg_hba.conf"),
                    "# Gatehouse: password authentication only\n"
                            + "local all all scram-sha-256\n"
                            + "host all all 127.0.0.1/32 scram-sha-256\n"
                            + "host all all ::1/128 scram-sha-256\n",
                    StandardCharsets.UTF_8);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("could not set up the gatehouse database: " + e.getMessage(), e);
        }
    }

    private static String quoteFormat(Connection c, String template, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT format(?, ?)")) {
            ps.setString(1, template);
            ps.setString(2, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Reads a generated secret, creating it (mode 0600) the first time. */
    static String secret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
        return value;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** A new connection as the {@code gatehouse} role. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL on port " + port, e);
        }
    }
}
