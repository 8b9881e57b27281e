package io.gatehouse.app.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Validated {@link AppConfig}: every value checked, each error naming the property and the bad value, so a bad
 * configuration is refused as a whole and the previous one stays in force.
 */
public record AppSettings(Path keyDirectory, Duration tokenLifetime, String issuer, String adminPasswordFile,
        String adminUsername, int passwordIterations, int lockoutThreshold, Duration lockout, Duration maxLockout,
        String cookieName, int maxPageSize) {

    public static final int OWASP_PBKDF2_ITERATIONS = 600_000;
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{3,64}");

    public static AppSettings of(AppConfig c) {
        String dir = c.jwt_keyDirectory() == null ? "" : c.jwt_keyDirectory().trim();
        if (dir.isEmpty()) {
            dir = System.getProperty("karaf.data", "data") + "/gatehouse/jwt";
        }
        range("jwt.expiryMinutes", c.jwt_expiryMinutes(), 1, 1440);
        if (c.jwt_issuer() == null || c.jwt_issuer().isBlank()) {
            throw new IllegalArgumentException("jwt.issuer must not be empty");
        }
        if (c.password_iterations() < OWASP_PBKDF2_ITERATIONS) {
            throw new IllegalArgumentException("password.iterations must be at least " + OWASP_PBKDF2_ITERATIONS
                    + " (OWASP), was " + c.password_iterations());
        }
        range("password.iterations", c.password_iterations(), OWASP_PBKDF2_ITERATIONS, 10_000_000);
        range("login.lockoutThreshold", c.login_lockoutThreshold(), 1, 1000);
        range("login.lockoutSeconds", c.login_lockoutSeconds(), 1, 86_400);
        range("login.lockoutMaxSeconds", c.login_lockoutMaxSeconds(), c.login_lockoutSeconds(), 7 * 86_400);
        range("paging.maxSize", c.paging_maxSize(), 1, 1000);
        if (c.cookie_name() == null || !COOKIE_NAME.matcher(c.cookie_name()).matches()) {
            throw new IllegalArgumentException("cookie.name must match " + COOKIE_NAME + ", was '" + c.cookie_name() + "'");
        }
        if (c.bootstrap_admin_username() == null || !USERNAME.matcher(c.bootstrap_admin_username()).matches()) {
            throw new IllegalArgumentException("bootstrap.admin.username must match " + USERNAME + ", was '"
                    + c.bootstrap_admin_username() + "'");
        }
        return new AppSettings(Path.of(dir), Duration.ofMinutes(c.jwt_expiryMinutes()), c.jwt_issuer().trim(),
                c.bootstrap_admin_passwordFile() == null ? "" : c.bootstrap_admin_passwordFile().trim(),
                c.bootstrap_admin_username(), c.password_iterations(), c.login_lockoutThreshold(),
                Duration.ofSeconds(c.login_lockoutSeconds()), Duration.ofSeconds(c.login_lockoutMaxSeconds()),
                c.cookie_name(), c.paging_maxSize());
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
