package io.gatehouse.app.internal;

import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.app.internal.security.AccessPolicy;
import io.gatehouse.app.internal.security.Caller;
import io.gatehouse.app.internal.security.LoginThrottle;
import io.gatehouse.app.internal.security.PasswordHasher;
import io.gatehouse.app.internal.security.SigningKeys;
import io.gatehouse.app.internal.security.TokenRejected;
import io.gatehouse.app.internal.security.TokenService;
import io.gatehouse.app.internal.store.SessionStore.LiveSession;
import io.gatehouse.app.internal.store.UserStore.UserRow;
import io.gatehouse.app.internal.web.ApiException;
import io.gatehouse.app.internal.web.RequestInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins, logouts and the authentication of every API request: bearer token or session cookie, the token's
 * session checked live in the database, CSRF on cookie-authenticated state changes, and RBAC decisions, each
 * failure recorded as a security event.
 */
@Component(service = AuthService.class, configurationPid = AppConfig.PID)
@Designate(ocd = AppConfig.class)
public class AuthService {

    /** What a successful login hands out. */
    public record Login(String token, String csrfToken, Instant expiresAt) {
    }

    /** The state derived from one valid configuration; replaced as a whole on reconfiguration. */
    private record State(AppSettings settings, TokenService tokens, PasswordHasher hasher, LoginThrottle throttle) {
    }

    public static final String GENERIC_LOGIN_FAILURE = "invalid user name or password";
    private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final AppDatabase database;
    private final Recorder recorder;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private volatile State state;

    @Activate
    public AuthService(AppConfig config, @Reference AppDatabase database, @Reference Recorder recorder) {
        this.database = database;
        this.recorder = recorder;
        this.state = build(config);
    }

    @Modified
    void modified(AppConfig config) {
        try {
            state = build(config);
            LOG.info("Application configuration updated");
        } catch (RuntimeException e) {
            LOG.error("Rejected the new {} configuration, keeping the previous one: {}", AppConfig.PID, e.getMessage());
        }
    }

    private State build(AppConfig config) {
        AppSettings s = AppSettings.of(config);
        State previous = state;
        PasswordHasher hasher = previous != null && previous.hasher().iterations() == s.passwordIterations()
                ? previous.hasher() : new PasswordHasher(s.passwordIterations());
        return new State(s, new TokenService(SigningKeys.open(s.keyDirectory()), s.issuer(), clock), hasher,
                new LoginThrottle(s.lockoutThreshold(), s.lockout(), s.maxLockout()));
    }

    public AppSettings settings() {
        return state.settings();
    }

    /** Checks the credentials; every failure is the same 401, whatever the reason. */
    public Login login(String username, char[] password, RequestInfo request) {
        State st = state;
        Optional<UserRow> found = database.users().findByUsername(username);
        Instant now = clock.instant();
        if (found.isEmpty()) {
            st.hasher().burn(password);
            throw failed(username, "unknown user", request);
        }
        UserRow user = found.get();
        if (user.lockedUntil() != null && user.lockedUntil().isAfter(now)) {
            st.hasher().burn(password);
            throw failed(username, "account locked until " + user.lockedUntil(), request);
        }
        if (!st.hasher().verify(password, user.passwordHash())) {
            int failures = database.users().recordFailure(user.id());
            Duration lock = st.throttle().lockFor(failures);
            if (!lock.isZero()) {
                database.users().lock(user.id(), now.plus(lock));
                recorder.security(SecurityEventType.ACCOUNT_LOCKED, username,
                        failures + " consecutive failed logins; locked for " + lock.getSeconds() + " s", request);
                recorder.audit(username, "auth.lockout", "user/" + username, "success", request);
            }
            throw failed(username, "wrong password (" + failures + " consecutive)", request);
        }
        String rehash = st.hasher().needsRehash(user.passwordHash()) ? st.hasher().hash(password) : null;
        database.users().loginSucceeded(user.id(), rehash);
        UUID sessionId = UUID.randomUUID();
        String csrf = randomToken();
        Instant expiresAt = now.plus(st.settings().tokenLifetime());
        database.sessions().create(sessionId, user.id(), sha256(csrf), expiresAt, request.clientAddress());
        recorder.audit(username, "auth.login", "session/" + sessionId, "success", request);
        return new Login(st.tokens().issue(username, sessionId, expiresAt), csrf, expiresAt);
    }

    private ApiException failed(String username, String reason, RequestInfo request) {
        recorder.security(SecurityEventType.FAILED_LOGIN, username, reason, request);
        recorder.audit(username, "auth.login", "user/" + username, "failure", request);
        return new ApiException(401, GENERIC_LOGIN_FAILURE);
    }

    public void logout(Caller caller, RequestInfo request) {
        database.sessions().revoke(caller.sessionId());
        recorder.audit(caller.username(), "auth.logout", "session/" + caller.sessionId(), "success", request);
    }

    /**
     * The authenticated caller of {@code request}: the bearer token when present (no CSRF token needed), else the
     * session cookie (then every state-changing method must carry the session's CSRF token in X-CSRF-Token).
     */
    public Caller authenticate(HttpServletRequest request) {
        RequestInfo info = RequestInfo.of(request);
        String authorization = request.getHeader("Authorization");
        String token = null;
        boolean viaCookie = false;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw rejectToken("Authorization header is not a bearer token", info);
            }
            token = authorization.substring(7).trim();
        } else {
            token = cookie(request, state.settings().cookieName());
            viaCookie = token != null;
        }
        if (token == null) {
            throw ApiException.unauthorized();
        }
        LiveSession session;
        try {
            TokenService.Claims claims = state.tokens().verify(token);
            session = database.sessions().findLive(claims.sessionId())
                    .filter(s -> s.username().equals(claims.username()))
                    .orElseThrow(() -> new TokenRejected("session " + claims.sessionId() + " revoked or expired"));
        } catch (TokenRejected e) {
            throw rejectToken(e.getMessage(), info);
        }
        Caller caller = new Caller(session.userId(), session.username(), session.roles(), session.id(), viaCookie);
        if (viaCookie && !SAFE_METHODS.contains(request.getMethod())) {
            String presented = request.getHeader("X-CSRF-Token");
            byte[] expected = session.csrfHash().getBytes(StandardCharsets.US_ASCII);
            byte[] actual = presented == null ? new byte[0] : sha256(presented).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, actual)) {
                recorder.security(SecurityEventType.CSRF_FAILURE, caller.username(),
                        (presented == null ? "missing" : "wrong") + " X-CSRF-Token on " + request.getMethod() + " "
                                + request.getRequestURI(), info);
                throw new ApiException(403, "missing or invalid CSRF token (X-CSRF-Token)");
            }
        }
        return caller;
    }

    private ApiException rejectToken(String reason, RequestInfo info) {
        recorder.security(SecurityEventType.INVALID_TOKEN, "", reason, info);
        return new ApiException(401, "invalid or expired token");
    }

    /** Answers 403 (and records the denial) unless {@code caller} may do {@code action}. */
    public void require(Caller caller, AccessPolicy.Action action, Long ownerId, String target, RequestInfo request) {
        if (!AccessPolicy.allows(caller, action, ownerId)) {
            recorder.security(SecurityEventType.ACCESS_DENIED, caller.username(),
                    action.name().toLowerCase(java.util.Locale.ROOT) + " on " + target, request);
            recorder.audit(caller.username(), action.name().toLowerCase(java.util.Locale.ROOT), target, "denied",
                    request);
            throw new ApiException(403, "forbidden: your roles do not allow this");
        }
    }

    public String hashPassword(char[] password) {
        return state.hasher().hash(password);
    }

    /** The Set-Cookie value carrying the token, or clearing it when {@code token} is null. */
    public String sessionCookie(String token, Instant expiresAt) {
        String name = state.settings().cookieName();
        long maxAge = token == null ? 0 : Math.max(0, Duration.between(clock.instant(), expiresAt).getSeconds());
        return name + "=" + (token == null ? "" : token) + "; Path=/; Max-Age=" + maxAge
                + "; HttpOnly; Secure; SameSite=Strict";
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (name.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
