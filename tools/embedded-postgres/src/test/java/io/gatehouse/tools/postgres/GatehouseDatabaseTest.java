package io.gatehouse.tools.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatehouseDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void firstStartSecuresTheServerAndDataSurvivesARestart() throws Exception {
        int port = ThrowawayPostgres.freePort();
        try (GatehouseDatabase db = GatehouseDatabase.start(dir.resolve("data"), port, dir.resolve("secrets"))) {
            try (Connection c = db.connect()) {
                try (ResultSet rs = c.createStatement().executeQuery("SHOW fsync")) {
                    rs.next();
                    assertEquals("on", rs.getString(1), "commits must be durable");
                }
                c.createStatement().execute("CREATE TABLE kept (v text)");
                c.createStatement().execute("INSERT INTO kept VALUES ('survives')");
            }
            assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(db.jdbcUrl(), GatehouseDatabase.USER, "wrong-password"),
                    "a wrong password must be refused");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("secrets/db-password"))));
        try (GatehouseDatabase db = GatehouseDatabase.start(dir.resolve("data"), port, dir.resolve("secrets"));
                Connection c = db.connect();
                ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
            assertTrue(rs.next());
            assertEquals("survives", rs.getString(1));
        }
    }

    @Test
    void rejectsABadPort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatehouseDatabase.start(dir.resolve("data"), 70000, dir.resolve("secrets")));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
    }
}
