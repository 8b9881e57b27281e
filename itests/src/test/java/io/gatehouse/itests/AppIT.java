package io.gatehouse.itests;

import static io.gatehouse.itests.ApiClient.json;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.itests.ApiClient.Auth;
import io.gatehouse.itests.ApiClient.Reply;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.sql.DataSource;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The application behind the real gateway, against a real PostgreSQL: login, CRUD and logout per role, RBAC denials,
 * token attacks, CSRF, validation, XSS and SQL injection attempts, revocation, lockout, health and metrics.
 * <p>
 * One container runs both roles ({@code gatehouse-gateway} and {@code gatehouse-app}): every request goes over real
 * HTTPS (HTTP/2, the listener's generated certificate trusted by loading it) through the listener, its filter chain
 * (security headers, hardening, access control, the shipped rate-limit zones) and the balancer, whose only backend
 * is the container's own app port. The test plays a trusted proxy in front of many clients: each request names its
 * own client address in 10.0.0.0/8 (X-Forwarded-For, 127.0.0.1 is the listener's trusted proxy), so the shipped
 * per-client zones (login 5/min, API 100/min) stay in force unchanged without refusing the test's many logins;
 * {@link #theGatewayRateLimitsLoginsPerClientInFrontOfTheApp()} shows they are.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AppIT {

    private static final String PASSWORD = "correct-horse-battery-staple";

    @Inject
    @Filter(value = "(osgi.jndi.service.name=jdbc/gatehouse)", timeout = 120_000)
    private DataSource dataSource;

    @Inject
    @Filter(timeout = 60_000)
    private MetricRegistry registry;

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    /** Through the gateway; each request from the next client address. */
    private static ApiClient api;
    /** Logged in once per container: every login costs a 600000-iteration PBKDF2. */
    private static Auth admin;
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @Configuration
    public Option[] config() throws IOException {
        Path dir = new File("target/app-it/" + UUID.randomUUID()).getAbsoluteFile().toPath();
        Files.createDirectories(dir);
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String adminPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path passwordFile = dir.resolve("admin-password");
        Files.writeString(passwordFile, adminPassword + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        String cfg = "etc/io.gatehouse.app.cfg";
        int http = GatehouseOptions.freePort();
        int https = GatehouseOptions.freePort();
        String listener = "etc/io.gatehouse.listener.cfg";
        List<Option> options = new ArrayList<>(List.of(GatehouseOptions.configuredDatabase()));
        options.add(features(GatehouseOptions.featuresRepository(), "gatehouse-gateway", "gatehouse-app"));
        options.add(editConfigurationFilePut(cfg, "bootstrap.admin.passwordFile", passwordFile.toString()));
        options.add(editConfigurationFilePut(cfg, "jwt.keyDirectory", dir.resolve("jwt").toString()));
        // the gateway's balancer sends everything to this container's own app port; no active health checks: on a
        // loaded machine a probe that times out three times would take the only backend out (BalancerIT tests them)
        options.add(editConfigurationFilePut("etc/io.gatehouse.balancer.cfg", "backends", "127.0.0.1:" + http));
        options.add(editConfigurationFilePut("etc/io.gatehouse.balancer.cfg", "health.enabled", "false"));
        options.add(editConfigurationFilePut(listener, "https.port", String.valueOf(https)));
        options.add(editConfigurationFilePut(listener, "http.port", "-1"));
        options.add(editConfigurationFilePut(listener, "trusted.proxies", "127.0.0.1/32"));
        options.add(GatehouseOptions.port("https", https));
        options.add(systemProperty("gatehouse.itest.admin.password").value(adminPassword));
        options.add(systemProperty("gatehouse.itest.jwt.dir").value(dir.resolve("jwt").toString()));
        return GatehouseOptions.gatehouse(http, options.toArray(new Option[0]));
    }

    /** The next client behind the test's trusted proxy: 10.1.0.1, 10.1.0.2, ... */
    private static String nextClient() {
        int n = CLIENTS.incrementAndGet();
        return "10." + (1 + (n >>> 16 & 0x7f)) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff);
    }

    @Before
    public void ready() throws Exception {
        if (api == null) {
            ListenerCertificate certificate = ListenerCertificate.await(Path.of(System.getProperty("karaf.etc")),
                    Duration.ofSeconds(120));
            api = ApiClient.throughGateway("https://127.0.0.1:" + GatehouseOptions.port("https"),
                    certificate.sslContext(), AppIT::nextClient);
        }
        awaitTrue("the app answers /health 200 through the gateway", Duration.ofSeconds(120), () -> {
            try {
                return api.get("/health", Auth.NONE).status() == 200;
            } catch (UncheckedIOException | AssertionError notYet) {
                return false; // the listener is not up yet, or answers 502/503 without every header yet
            }
        });
        if (admin != null) {
            return;
        }
        admin = api.login("admin", System.getProperty("gatehouse.itest.admin.password"));
        for (String[] user : new String[][] {{"editor1", "editor"}, {"editor2", "editor"}, {"viewer1", "viewer"}}) {
            Reply r = api.send("POST", "/api/admin/users",
                    json("username", user[0], "password", PASSWORD, "roles", List.of(user[1])), admin);
            assertTrue(r.toString(), r.status() == 201 || r.status() == 409);
        }
    }

    // ---------------------------------------------------------------- flows per role

    @Test
    public void adminLogsInManagesRecordsAndLogsOut() {
        Reply me = api.get("/api/me", admin);
        assertEquals(me.toString(), 200, me.status());
        assertEquals("admin", me.json().get("username").textValue());
        assertEquals("admin", me.json().get("roles").get(0).textValue());

        Auth editor = api.login("editor1", PASSWORD);
        long editorsRecord = create(editor, "written by editor1", "body");
        Reply put = api.send("PUT", "/api/records/" + editorsRecord, json("title", "admin edited", "body", "b2"), admin);
        assertEquals(put.toString(), 200, put.status());
        assertEquals("admin edited", put.json().get("title").textValue());
        assertEquals("editor1", put.json().get("owner").textValue());
        assertEquals(204, api.send("DELETE", "/api/records/" + editorsRecord, null, admin).status());
        assertEquals(404, api.get("/api/records/" + editorsRecord, admin).status());

        Auth session = api.login("admin", System.getProperty("gatehouse.itest.admin.password"));
        Reply logout = api.send("POST", "/api/auth/logout", null, session);
        assertEquals(logout.toString(), 204, logout.status());
        assertTrue(logout.header("Set-Cookie").contains("Max-Age=0"));
        assertEquals(401, api.get("/api/me", session).status());
    }

    @Test
    public void editorCreatesReadsUpdatesAndDeletesItsOwnRecords() {
        Auth editor = api.login("editor1", PASSWORD);
        Reply created = api.send("POST", "/api/records", json("title", "first", "body", "hello"), editor);
        assertEquals(created.toString(), 201, created.status());
        long id = created.json().get("id").asLong();
        assertTrue(created.header("Location"), created.header("Location").endsWith("/api/records/" + id));
        assertEquals("first", api.get("/api/records/" + id, editor).json().get("title").textValue());
        Reply updated = api.send("PUT", "/api/records/" + id, json("title", "second", "body", "changed"), editor);
        assertEquals(updated.toString(), 200, updated.status());
        assertEquals("changed", api.get("/api/records/" + id, editor).json().get("body").textValue());
        Reply list = api.get("/api/records?page=0&size=5", editor);
        assertEquals(list.toString(), 200, list.status());
        assertTrue(list.json().get("items").size() <= 5);
        assertTrue(list.json().get("total").asLong() >= 1);
        assertEquals(204, api.send("DELETE", "/api/records/" + id, null, editor).status());
        assertEquals(404, api.get("/api/records/" + id, editor).status());
        assertEquals(204, api.send("POST", "/api/auth/logout", null, editor).status());
        assertEquals(401, api.get("/api/records", editor).status());
    }

    @Test
    public void viewerReadsRecords() {
        long id = create(api.login("editor1", PASSWORD), "for viewers", "");
        Auth viewer = api.login("viewer1", PASSWORD);
        assertEquals(200, api.get("/api/records", viewer).status());
        Reply one = api.get("/api/records/" + id, viewer);
        assertEquals(one.toString(), 200, one.status());
        assertEquals("for viewers", one.json().get("title").textValue());
        Reply me = api.get("/api/me", viewer);
        assertEquals("viewer", me.json().get("roles").get(0).textValue());
        assertEquals(204, api.send("POST", "/api/auth/logout", null, viewer).status());
    }

    // ---------------------------------------------------------------- RBAC

    @Test
    public void everyForbiddenActionIs403AndASecurityEvent() {
        Auth viewer = api.login("viewer1", PASSWORD);
        Auth editor1 = api.login("editor1", PASSWORD);
        Auth editor2 = api.login("editor2", PASSWORD);
        long ofEditor1 = create(editor1, "owned by editor1", "");
        long ofAdmin = create(admin, "owned by admin", "");

        record Attempt(String who, Auth auth, String method, String path, String body) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("viewer1", viewer, "POST", "/api/records", json("title", "nope")),
                new Attempt("viewer1", viewer, "PUT", "/api/records/" + ofEditor1, json("title", "nope")),
                new Attempt("viewer1", viewer, "DELETE", "/api/records/" + ofEditor1, null),
                new Attempt("editor2", editor2, "PUT", "/api/records/" + ofEditor1, json("title", "nope")),
                new Attempt("editor2", editor2, "DELETE", "/api/records/" + ofEditor1, null),
                new Attempt("editor1", editor1, "PUT", "/api/records/" + ofAdmin, json("title", "nope")),
                new Attempt("editor1", editor1, "DELETE", "/api/records/" + ofAdmin, null),
                new Attempt("editor1", editor1, "POST", "/api/admin/users",
                        json("username", "sneaky", "password", PASSWORD, "roles", List.of("admin"))),
                new Attempt("viewer1", viewer, "GET", "/api/admin/users", null),
                new Attempt("viewer1", viewer, "GET", "/api/admin/audit", null),
                new Attempt("editor1", editor1, "GET", "/api/admin/security-events", null),
                new Attempt("viewer1", viewer, "DELETE", "/api/admin/sessions/" + UUID.randomUUID(), null));
        for (Attempt a : attempts) {
            long before = securityEvents("ACCESS_DENIED", a.who());
            Reply r = api.send(a.method(), a.path(), a.body(), a.auth());
            assertEquals(a + " -> " + r, 403, r.status());
            assertTrue(r.header("Content-Type").startsWith("application/json"));
            expectSecurityEvent("ACCESS_DENIED", a.who(), before, a.toString());
        }
        assertEquals("owned by editor1", api.get("/api/records/" + ofEditor1, admin).json().get("title").textValue());
        assertEquals(401, api.login401("sneaky", PASSWORD));
        securityEventsWereChecked();
    }

    // ---------------------------------------------------------------- tokens

    @Test
    public void everyTokenAttackIs401() throws Exception {
        Auth editor = api.login("editor1", PASSWORD);
        SignedJWT genuine = SignedJWT.parse(editor.token());
        JWTClaimsSet claims = genuine.getJWTClaimsSet();
        ECKey ours = (ECKey) JWK.parse(Files.readString(Path.of(System.getProperty("gatehouse.itest.jwt.dir"),
                "signing.jwk")));

        List<String> attacks = new ArrayList<>();
        attacks.add(new PlainJWT(claims).serialize());
        String[] parts = editor.token().split("\\.");
        String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"kid\":\"" + ours.getKeyID() + "\"}").getBytes(StandardCharsets.UTF_8));
        attacks.add(noneHeader + "." + parts[1] + "." + parts[2]);
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger").generate();
        attacks.add(sign(stranger, "stranger", claims));
        attacks.add(sign(stranger, ours.getKeyID(), claims));
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"editor1\"", "\"admin\"");
        attacks.add(parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        attacks.add(sign(ours, ours.getKeyID(), new JWTClaimsSet.Builder(claims)
                .expirationTime(Date.from(Instant.now().minusSeconds(5))).build()));
        attacks.add(sign(ours, ours.getKeyID(), new JWTClaimsSet.Builder(claims)
                .claim("sid", UUID.randomUUID().toString()).build()));
        attacks.add("not-a-token");

        for (String token : attacks) {
            long before = securityEvents("INVALID_TOKEN", null);
            Reply r = api.get("/api/me", Auth.NONE.withToken(token));
            assertEquals(token + " -> " + r, 401, r.status());
            expectSecurityEvent("INVALID_TOKEN", null, before, token);
        }
        // a token signed with the real key for a live session is accepted: the key, not luck, decides
        assertEquals(200, api.get("/api/me", Auth.NONE.withToken(sign(ours, ours.getKeyID(), claims))).status());
        assertEquals(200, api.get("/api/me", editor).status());
        securityEventsWereChecked();
    }

    @Test
    public void revokedSessionsAreRefusedAtOnceByTheDatabaseBackedCheck() throws Exception {
        Auth editor = api.login("editor1", PASSWORD);
        String sid = SignedJWT.parse(editor.token()).getJWTClaimsSet().getStringClaim("sid");
        JsonNode sessions = api.get("/api/admin/sessions", admin).json();
        boolean listed = false;
        for (JsonNode s : sessions) {
            listed |= sid.equals(s.get("id").textValue());
        }
        assertTrue("the session is listed: " + sessions, listed);
        assertEquals(400, api.send("DELETE", "/api/admin/sessions/not-a-uuid", null, admin).status());
        assertEquals(204, api.send("DELETE", "/api/admin/sessions/" + sid, null, admin).status());
        assertEquals(401, api.get("/api/me", editor).status());
        assertEquals(404, api.send("DELETE", "/api/admin/sessions/" + sid, null, admin).status());
        assertTrue(query("SELECT revoked_at IS NOT NULL FROM user_sessions WHERE id = ?::uuid", sid));
    }

    // ---------------------------------------------------------------- CSRF

    @Test
    public void cookieRequestsNeedTheCsrfToken() {
        Reply login = api.send("POST", "/api/auth/login", json("username", "editor1", "password", PASSWORD), Auth.NONE);
        String cookie = login.header("Set-Cookie");
        assertTrue(cookie, cookie.startsWith("gatehouse_session=") && cookie.contains("HttpOnly")
                && cookie.contains("Secure") && cookie.contains("SameSite=Strict"));
        Auth viaCookie = new Auth(login.json().get("token").textValue(), null, true);
        String csrf = login.json().get("csrfToken").textValue();

        assertEquals(200, api.get("/api/me", viaCookie).status());
        long before = securityEvents("CSRF_FAILURE", "editor1");
        Reply missing = api.send("POST", "/api/records", json("title", "csrf?"), viaCookie);
        assertEquals(missing.toString(), 403, missing.status());
        Reply wrong = api.send("POST", "/api/records", json("title", "csrf?"), viaCookie.withCsrf("forged"));
        assertEquals(403, wrong.status());
        expectSecurityEvent("CSRF_FAILURE", "editor1", before + 1, "a missing and a wrong CSRF token");
        Reply right = api.send("POST", "/api/records", json("title", "csrf ok"), viaCookie.withCsrf(csrf));
        assertEquals(right.toString(), 201, right.status());
        long id = right.json().get("id").asLong();
        assertEquals(403, api.send("DELETE", "/api/records/" + id, null, viaCookie).status());
        Reply bearer = api.send("DELETE", "/api/records/" + id, null, viaCookie.bearer());
        assertEquals("bearer requests need no CSRF token", 204, bearer.status());
        securityEventsWereChecked();
    }

    // ---------------------------------------------------------------- validation, XSS, injection

    @Test
    public void invalidInputIs400WithFieldErrors() {
        Auth editor = api.login("editor1", PASSWORD);
        String[][] cases = {
            {"{\"body\":\"no title\"}", "title"},
            {"{\"title\":42}", "title"},
            {"{\"title\":\"" + "x".repeat(201) + "\"}", "title"},
            {"{\"title\":\"ok\",\"body\":[1]}", "body"},
            {"{\"title\":\"ok\",\"owner\":\"admin\"}", "owner"},
        };
        for (String[] c : cases) {
            Reply r = api.send("POST", "/api/records", c[0], editor);
            assertEquals(c[0] + " -> " + r, 400, r.status());
            assertEquals(c[1], r.json().get("fields").get(0).get("field").textValue());
        }
        for (String malformed : new String[] {"{", "{\"title\":}", "[1,2", "{\"title\":\"a\",\"title\":\"b\"}", ""}) {
            Reply r = api.send("POST", "/api/records", malformed, editor);
            assertEquals("'" + malformed + "' -> " + r, 400, r.status());
            assertTrue(r.json().get("error").textValue().startsWith("malformed JSON"));
        }
        Reply wrongType = api.send("POST", "/api/records", "title=x", editor, "application/x-www-form-urlencoded");
        assertEquals(wrongType.toString(), 415, wrongType.status());
        assertTrue(wrongType.header("Content-Type").startsWith("application/json"));
        for (String q : new String[] {"page=-1", "size=0", "size=1000", "page=abc", "size=1.5"}) {
            Reply r = api.get("/api/records?" + q, editor);
            assertEquals(q + " -> " + r, 400, r.status());
            assertNotNull(r.json().get("fields"));
        }
        Reply user = api.send("POST", "/api/admin/users", json("username", "x", "password", "short", "roles",
                List.of("root"), "admin", true), admin);
        assertEquals(user.toString(), 400, user.status());
        assertEquals(4, user.json().get("fields").size());
        Reply login = api.send("POST", "/api/auth/login", json("username", "editor1"), Auth.NONE);
        assertEquals(400, login.status());
        assertEquals(404, api.get("/api/nothing-here", editor).status());
    }

    @Test
    public void aScriptTagComesBackAsInertJsonText() {
        Auth editor = api.login("editor1", PASSWORD);
        String script = "<script>alert(document.cookie)</script><img src=x onerror=alert(1)>";
        long id = create(editor, script, script);
        Reply r = api.get("/api/records/" + id, editor);
        assertEquals("application/json;charset=utf-8", r.header("Content-Type").toLowerCase().replace(" ", ""));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertFalse(r.body(), r.body().contains("<script>"));
        assertTrue(r.body(), r.body().contains("\\u003Cscript\\u003E") || r.body().contains("\\u003cscript\\u003e"));
        assertEquals(script, r.json().get("title").textValue());
        assertEquals(script, r.json().get("body").textValue());
    }

    @Test
    public void sqlInjectionInEveryParameterChangesNothing() throws Exception {
        Auth editor = api.login("editor1", PASSWORD);
        String victim = "victim" + Long.toHexString(System.nanoTime());
        assertEquals(201, api.send("POST", "/api/admin/users",
                json("username", victim, "password", PASSWORD, "roles", List.of("viewer")), admin).status());
        long records = count("records");
        long users = count("users");
        long sessions = count("user_sessions");
        String[] payloads = {"' OR '1'='1", "1 OR 1=1", "1; DROP TABLE records; --", "0) UNION SELECT * FROM users --",
            "'; UPDATE users SET password_hash = '' --"};
        for (String p : payloads) {
            String enc = URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20");
            assertEquals(401, api.login401(p, p));
            assertEquals(401, api.login401(victim, p));
            assertEquals(400, api.get("/api/records/" + enc, editor).status());
            assertEquals(400, api.send("PUT", "/api/records/" + enc, json("title", "x"), editor).status());
            assertEquals(400, api.send("DELETE", "/api/records/" + enc, null, editor).status());
            assertEquals(400, api.get("/api/records?page=" + enc, editor).status());
            assertEquals(400, api.get("/api/records?size=" + enc, editor).status());
            assertEquals(400, api.send("DELETE", "/api/admin/sessions/" + enc, null, admin).status());
            assertEquals(400, api.send("POST", "/api/admin/users",
                    json("username", p, "password", PASSWORD, "roles", List.of("viewer")), admin).status());
        }
        // stored as text, exactly
        long id = create(editor, payloads[2], payloads[4]);
        assertEquals(payloads[2], api.get("/api/records/" + id, editor).json().get("title").textValue());
        assertEquals(records + 1, count("records"));
        assertEquals(users, count("users"));
        assertEquals("only the editor's own logins add sessions", sessions, count("user_sessions"));
        assertEquals(200, api.get("/api/me", api.login("editor1", PASSWORD)).status());
    }

    // ---------------------------------------------------------------- audit trail

    @Test
    public void adminSeesTheAuditTrailAndSecurityEvents() {
        long id = create(api.login("editor1", PASSWORD), "audited " + System.nanoTime(), "");
        assertEquals(403, api.send("POST", "/api/records", json("title", "x"), api.login("viewer1", PASSWORD)).status());
        awaitTrue("record.create of record/" + id + " in GET /api/admin/audit", Duration.ofSeconds(30), () -> {
            Reply r = api.get("/api/admin/audit?limit=1000", admin);
            assertEquals(r.toString(), 200, r.status());
            for (JsonNode item : r.json().get("items")) {
                if ("record.create".equals(item.get("action").textValue())
                        && ("record/" + id).equals(item.get("target").textValue())
                        && "editor1".equals(item.get("actor").textValue())
                        && "success".equals(item.get("outcome").textValue())) {
                    return true;
                }
            }
            return false;
        });
        awaitTrue("viewer1's ACCESS_DENIED in GET /api/admin/security-events", Duration.ofSeconds(30), () -> {
            Reply r = api.get("/api/admin/security-events?limit=1000", admin);
            assertEquals(r.toString(), 200, r.status());
            for (JsonNode item : r.json().get("items")) {
                if ("ACCESS_DENIED".equals(item.get("type").textValue())
                        && "viewer1".equals(item.get("subject").textValue())) {
                    return true;
                }
            }
            return false;
        });
        assertEquals(400, api.get("/api/admin/audit?limit=0", admin).status());
        assertEquals(400, api.get("/api/admin/security-events?limit=abc", admin).status());
    }

    // ---------------------------------------------------------------- the gateway in front

    @Test
    public void theGatewayRateLimitsLoginsPerClientInFrontOfTheApp() throws Exception {
        String client = "10.250.0.1";
        String name = "nobody" + Long.toHexString(System.nanoTime());
        long before = securityEvents("RATE_LIMITED", client);
        // six logins of one client at once: the shipped login zone (5r/m, burst 4) admits five, whatever their order.
        // Over HTTP/1.1: on HTTP/2 the listener answers a POST refused before its body was read with 429 and then
        // RST_STREAM(CANCEL), and the JDK client may report the reset instead of the 429.
        ApiClient oneClient = api.overHttp11().from(client);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Reply> replies = new ArrayList<>();
        try {
            List<Callable<Reply>> logins = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String password = "wrong-password-" + i;
                logins.add(() -> oneClient.send("POST", "/api/auth/login",
                        json("username", name, "password", password), Auth.NONE));
            }
            for (Future<Reply> f : pool.invokeAll(logins)) {
                replies.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Reply> limited = replies.stream().filter(r -> r.status() == 429).toList();
        assertEquals("one of six logins is limited: " + replies, 1, limited.size());
        assertEquals("five reached the app and were refused there: " + replies, 5,
                replies.stream().filter(r -> r.status() == 401).count());
        Reply refused = limited.get(0);
        assertTrue(refused.header("Retry-After"), Integer.parseInt(refused.header("Retry-After")) > 0);
        assertTrue(refused.header("Content-Type").startsWith("application/json"));
        expectSecurityEvent("RATE_LIMITED", client, before, "the limited login of " + client);
        Reply other = api.from("10.250.0.2").send("POST", "/api/auth/login",
                json("username", name, "password", "wrong-password"), Auth.NONE);
        assertEquals("another client still reaches the app: " + other, 401, other.status());
        securityEventsWereChecked();
    }

    @Test
    public void answersThroughTheGatewayCarryItsSecurityHeadersAndARequestId() {
        // ApiClient checks every answer of this class for the headers; here their values on each kind of answer
        List<Reply> replies = List.of(
                api.get("/api/me", admin),
                api.get("/api/me", Auth.NONE),
                api.get("/api/nothing-here", admin),
                api.from("203.0.113.9").get("/api/admin/users", admin));
        assertEquals(List.of(200, 401, 404, 403), replies.stream().map(Reply::status).toList());
        assertEquals("Bearer realm=\"gatehouse\"", replies.get(1).header("WWW-Authenticate"));
        assertTrue("the gateway's access control refuses the admin API to a public address: " + replies.get(3),
                replies.get(3).header("Content-Type").startsWith("application/json"));
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Reply r : replies) {
            assertTrue(r.header("Strict-Transport-Security"), r.header("Strict-Transport-Security").startsWith("max-age="));
            assertEquals("DENY", r.header("X-Frame-Options"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
            assertEquals("same-origin", r.header("Cross-Origin-Opener-Policy"));
            assertFalse(r.header("Content-Security-Policy"), r.header("Content-Security-Policy").contains("unsafe-inline"));
            assertTrue(r.header("X-Request-Id"), r.header("X-Request-Id").matches("[0-9a-f]{32}"));
            ids.add(r.header("X-Request-Id"));
        }
        assertEquals("one request id per request", replies.size(), ids.size());
    }

    // ---------------------------------------------------------------- lockout, health, metrics

    @Test
    public void repeatedFailuresLockTheAccount() {
        String name = "lockme" + Long.toHexString(System.nanoTime());
        assertEquals(201, api.send("POST", "/api/admin/users",
                json("username", name, "password", PASSWORD, "roles", List.of("viewer")), admin).status());
        Reply unknown = api.send("POST", "/api/auth/login", json("username", "nobody-" + name, "password", "x"), Auth.NONE);
        Reply wrong = null;
        for (int i = 0; i < 5; i++) {
            wrong = api.send("POST", "/api/auth/login", json("username", name, "password", "wrong" + i), Auth.NONE);
            assertEquals(401, wrong.status());
        }
        assertEquals("one generic message", unknown.body(), wrong.body());
        Reply locked = api.send("POST", "/api/auth/login", json("username", name, "password", PASSWORD), Auth.NONE);
        assertEquals("the right password is refused while locked", 401, locked.status());
        assertEquals(unknown.body(), locked.body());
        expectSecurityEvent("ACCOUNT_LOCKED", name, 0, "the locked account");
        expectSecurityEvent("FAILED_LOGIN", name, 4, "five failed logins");
        securityEventsWereChecked();
    }

    /**
     * {@code /health} is 200 only while every resource of the API is served: with one of them taken away (its component
     * disabled, as while it is still being added at start), the container says it is starting and its path is 404.
     */
    @Test
    public void healthWaitsForEveryResourceOfTheApi() throws Exception {
        Bundle app = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "io.gatehouse.app".equals(b.getSymbolicName())).findFirst().orElseThrow();
        ComponentDescriptionDTO me = scr.getComponentDescriptionDTO(app, "io.gatehouse.app.internal.web.MeResource");
        assertNotNull("the MeResource component", me);
        scr.disableComponent(me);
        try {
            awaitTrue("/health 503 with the API starting", Duration.ofSeconds(30), () -> {
                Reply health = api.get("/health", Auth.NONE);
                return health.status() == 503 && "starting".equals(health.json().get("api").textValue())
                        && "up".equals(health.json().get("db").textValue());
            });
            assertEquals(404, api.get("/api/me", admin).status());
        } finally {
            scr.enableComponent(me);
        }
        awaitTrue("/health 200 again", Duration.ofSeconds(30), () -> api.get("/health", Auth.NONE).status() == 200);
        assertEquals(200, api.get("/api/me", admin).status());
    }

    @Test
    public void healthAndMetrics() {
        Reply health = api.get("/health", Auth.NONE);
        assertEquals(200, health.status());
        assertEquals("UP", health.json().get("status").textValue());
        assertEquals("up", health.json().get("db").textValue());
        assertEquals("up", health.json().get("api").textValue());
        api.get("/api/records", admin);
        assertTrue(registry.getCounters().keySet().stream()
                .anyMatch(n -> n.startsWith("gatehouse.app.requests{route=\"/api/records\",method=\"GET\",status=\"200\"")));
        assertTrue(registry.getTimers().keySet().stream().anyMatch(n -> n.startsWith("gatehouse.app.latency{")));
        assertTrue(registry.getTimers().keySet().stream().anyMatch(n -> n.startsWith("gatehouse.app.db.query{")));
        assertTrue(registry.getGauges().containsKey("gatehouse.app.sessions.active"));
    }

    // ---------------------------------------------------------------- helpers

    private long create(Auth auth, String title, String body) {
        Reply r = api.send("POST", "/api/records", json("title", title, "body", body), auth);
        assertEquals(r.toString(), 201, r.status());
        return r.json().get("id").asLong();
    }

    private static String sign(ECKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private long count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean query(String sql, String parameter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Whether the audit bundle's security_events table exists. */
    private boolean auditInstalled() {
        try {
            return query("SELECT to_regclass(?) IS NOT NULL", "security_events");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private void expectSecurityEvent(String type, String subject, long before, String what) {
        awaitTrue("a " + type + " security event for " + what, Duration.ofSeconds(30),
                () -> securityEvents(type, subject) > before);
    }

    /** The security-event checks need the audit feature's security_events table: its absence is a failure. */
    private void securityEventsWereChecked() {
        assertTrue("security_events does not exist: gatehouse-audit is not installed", auditInstalled());
    }

    /** Security events of {@code type} (for {@code subject} when given) stored by the audit bundle; 0 without it. */
    private long securityEvents(String type, String subject) {
        securityEventsWereChecked();
        String sql = "SELECT count(*) FROM security_events WHERE type = ?" + (subject == null ? "" : " AND subject = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, type);
            if (subject != null) {
                ps.setString(2, subject);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot read security_events: " + e.getMessage(), e));
        }
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
