package io.gatehouse.app.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Gatehouse application (PID {@code io.gatehouse.app}). */
@ObjectClassDefinition(name = "Gatehouse application",
        description = "Authentication, sessions, tokens and paging of the Gatehouse REST API")
public @interface AppConfig {

    String PID = "io.gatehouse.app";

    @AttributeDefinition(name = "JWT key directory", description = "Holds signing.jwk (the ES256 private key, "
            + "mode 0600, generated on first start) and <kid>.public.jwk verification keys. Shared by every app "
            + "container. Empty: ${karaf.data}/gatehouse/jwt")
    String jwt_keyDirectory() default "";

    @AttributeDefinition(name = "Token lifetime (minutes)", description = "Access token and session lifetime, 1-1440")
    int jwt_expiryMinutes() default 15;

    @AttributeDefinition(name = "Token issuer")
    String jwt_issuer() default "gatehouse";

    @AttributeDefinition(name = "Bootstrap admin password file", description = "When no admin exists, the first "
            + "start creates the admin user with the password read from this file. Empty: no bootstrap")
    String bootstrap_admin_passwordFile() default "";

    @AttributeDefinition(name = "Bootstrap admin user name")
    String bootstrap_admin_username() default "admin";

    @AttributeDefinition(name = "PBKDF2 iterations", description = "PBKDF2-HMAC-SHA256 iterations for new "
            + "hashes; at least OWASP's 600000")
    int password_iterations() default 600_000;

    @AttributeDefinition(name = "Failures before lockout", description = "Consecutive failed logins that lock an account")
    int login_lockoutThreshold() default 5;

    @AttributeDefinition(name = "First lockout (seconds)", description = "Doubles with every further failure")
    int login_lockoutSeconds() default 30;

    @AttributeDefinition(name = "Longest lockout (seconds)")
    int login_lockoutMaxSeconds() default 3600;

    @AttributeDefinition(name = "Session cookie name")
    String cookie_name() default "gatehouse_session";

    @AttributeDefinition(name = "Largest page size", description = "Upper bound of the size parameter of paged lists")
    int paging_maxSize() default 100;
}
