package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.gatehouse.itests.ApiClient.Auth;
import io.gatehouse.itests.ApiClient.Reply;
import io.gatehouse.tools.postgres.ThrowawayPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two app containers as separate JVMs (bin/karaf server) sharing one real PostgreSQL and one JWT key directory,
 * started at the same moment (so both race to create the signing key); the first also runs the gateway role, whose
 * HTTPS listener serves web/ui and balances /api round-robin over both containers:
 * <ul>
 * <li>a session logged out on one container is refused at once by the other (each addressed directly);</li>
 * <li>a real click-through of the web UI in headless Chromium (Selenium) through the gateway over HTTPS, the
 * listener's generated certificate trusted by its public key: log in, create, edit and delete a record whose title is
 * markup (it renders as text), the admin's audit trail and security events, log out, with no CSP violation.</li>
 * </ul>
 */
public class WebUiIT {

    private static ThrowawayPostgres postgres;
    private static GatehouseDistribution first;
    private static GatehouseDistribution second;
    private static Thread stopOnExit;
    private static ListenerCertificate certificate;
    private static String gateway;
    private static WebDriver browser;
    private static String adminPassword;

    @BeforeClass
    public static void start() throws Exception {
        Path work = Path.of("target/webui-it/" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(work);
        postgres = ThrowawayPostgres.start();
        var db = postgres.database();
        adminPassword = "ui-" + UUID.randomUUID();
        Path passwordFile = work.resolve("admin-password");
        Files.writeString(passwordFile, adminPassword + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path keys = work.resolve("secrets/jwt");

        first = GatehouseDistribution.unpack("webui-app-1");
        second = GatehouseDistribution.unpack("webui-app-2");
        stopOnExit = new Thread(WebUiIT::stopContainers, "webui-it-stop");
        // a test JVM that exits without reaching stop() must not leave the containers running
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        for (GatehouseDistribution app : List.of(first, second)) {
            app.config("org.ops4j.datasource-gatehouse.cfg", "url", db.jdbcUrl())
                    .config("org.ops4j.datasource-gatehouse.cfg", "user", db.user())
                    .config("org.ops4j.datasource-gatehouse.cfg", "password", db.password())
                    .config("io.gatehouse.app.cfg", "bootstrap.admin.passwordFile", passwordFile.toString())
                    .config("io.gatehouse.app.cfg", "jwt.keyDirectory", keys.toString())
                    .bootFeatures("gatehouse-app");
        }
        // no active health checks: on a loaded machine probes that time out would take the containers out of the
        // balancer, which is not what this test is about (BalancerIT tests them)
        first.file("io.gatehouse.balancer.cfg", "strategy = round-robin\nbackends = 127.0.0.1:" + first.httpPort()
                        + ", 127.0.0.1:" + second.httpPort() + "\nhealth.enabled = false\n")
                .bootFeatures("gatehouse-gateway");
        first.start();
        second.start();
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> awaitHealthy(first));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> awaitHealthy(second));
        a.join();
        b.join();
        certificate = ListenerCertificate.await(first.home().resolve("etc"), Duration.ofSeconds(120));
        gateway = "https://localhost:" + first.httpsPort();
        ApiClient api = ApiClient.throughGateway(gateway, certificate.sslContext(), null);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                if (api.get("/health", Auth.NONE).status() == 200) {
                    break;
                }
            } catch (UncheckedIOException | AssertionError notYet) {
                // the listener is still starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway does not answer /health 200 at " + gateway + "\n" + first.log());
            }
            Thread.sleep(500);
        }
    }

    private static void awaitHealthy(GatehouseDistribution app) {
        try {
            app.await("/health", null, null, 200, Duration.ofSeconds(300));
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @AfterClass
    public static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        stopContainers();
        if (stopOnExit != null) {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static synchronized void stopContainers() {
        for (GatehouseDistribution app : new GatehouseDistribution[] {first, second}) {
            if (app != null) {
                try {
                    app.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + app.home() + ": " + e);
                }
            }
        }
        first = null;
        second = null;
    }

    @Test
    public void aLoggedOutSessionIsRefusedByTheOtherContainer() {
        ApiClient one = new ApiClient(first.url(""));
        ApiClient two = new ApiClient(second.url(""));
        Auth session = one.login("admin", adminPassword);
        assertEquals("a token of one container is valid on the other", 200, two.get("/api/me", session).status());
        assertEquals(204, one.send("POST", "/api/auth/logout", null, session).status());
        assertEquals(401, two.get("/api/me", session).status());
        assertEquals(401, one.get("/api/me", session).status());

        // and an admin revocation on the second container ends a session made on the first
        Auth other = one.login("admin", adminPassword);
        Auth revoker = two.login("admin", adminPassword);
        String sid = sessionId(other.token());
        assertEquals(204, two.send("DELETE", "/api/admin/sessions/" + sid, null, revoker).status());
        assertEquals(401, one.get("/api/me", other).status());
    }

    @Test
    public void theGatewayServesTheUiUnderAStrictPolicy() {
        ApiClient api = ApiClient.throughGateway(gateway, certificate.sslContext(), null);
        for (String file : List.of("/ui/index.html", "/ui/app.js", "/ui/app.css")) {
            Reply r = api.get(file, Auth.NONE); // ApiClient checks the gateway's headers on every answer
            assertEquals(file + " -> " + r, 200, r.status());
            String csp = r.header("Content-Security-Policy");
            assertFalse(csp, csp.contains("unsafe-inline") || csp.contains("unsafe-eval"));
        }
        assertTrue(api.get("/ui/index.html", Auth.NONE).header("Content-Type").startsWith("text/html"));
    }

    @Test
    public void browserClickThroughTheGateway() throws IOException {
        browser = HeadlessChromium.start("--ignore-certificate-errors-spki-list=" + certificate.spkiSha256());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        // the UI re-renders the records table after every change: an element found a moment ago may be replaced
        wait.ignoring(StaleElementReferenceException.class);
        browser.get(gateway + "/ui/index.html");

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("wrong password");
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "invalid user name or password"));

        browser.findElement(By.id("password")).sendKeys(adminPassword);
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("records-view")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("current-user"), "admin"));

        String title = "<b>bold?</b> <script>window.pwned=1</script> " + UUID.randomUUID();
        browser.findElement(By.id("record-title")).sendKeys(title);
        browser.findElement(By.id("record-body")).sendKeys("<img src=x onerror=window.pwned=2>");
        browser.findElement(By.id("save-record")).click();
        List<String> created = wait.until(d -> {
            WebElement row = rowTitled(d, title);
            return row == null ? null : List.of(row.getAttribute("data-id"),
                    row.findElement(By.cssSelector("td.body")).getText(),
                    String.valueOf(row.findElements(By.cssSelector("b, script, img")).size()));
        });
        String id = created.get(0);
        assertEquals("<img src=x onerror=window.pwned=2>", created.get(1));
        assertEquals("markup in user text stays text", "0", created.get(2));
        assertEquals(null, ((JavascriptExecutor) browser).executeScript("return window.pwned;"));

        clickInRow(wait, title, ".edit-record");
        WebElement titleField = browser.findElement(By.id("record-title"));
        wait.until(ExpectedConditions.attributeToBe(titleField, "value", title));
        titleField.clear();
        String edited = "edited " + UUID.randomUUID();
        titleField.sendKeys(edited);
        browser.findElement(By.id("save-record")).click();
        wait.until(d -> rowTitled(d, edited) != null);
        wait.until(d -> rowTitled(d, title) == null);

        clickInRow(wait, edited, ".delete-record");
        wait.until(d -> rowTitled(d, edited) == null);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Record deleted."));

        // the admin sees the record's trail and the failed login (audit rows are written asynchronously: refresh)
        assertTrue(browser.findElement(By.id("admin-view")).isDisplayed());
        WebDriverWait adminPanels = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofSeconds(2));
        adminPanels.ignoring(StaleElementReferenceException.class);
        adminPanels.until(d -> {
            if (!(hasRow(d, "audit-table", "record.create", "record/" + id)
                    && hasRow(d, "audit-table", "record.update", "record/" + id)
                    && hasRow(d, "audit-table", "record.delete", "record/" + id)
                    && hasRow(d, "security-table", "FAILED_LOGIN", "admin"))) {
                d.findElement(By.id("refresh-admin")).click();
                return false;
            }
            return true;
        });
        assertEquals("", browser.findElement(By.id("audit-note")).getText());
        assertEquals("", browser.findElement(By.id("security-note")).getText());

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));

        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            assertFalse("no CSP violation: " + entry.getMessage(), entry.getMessage().contains("Content Security Policy"));
        }
    }

    /** Clicks the button {@code selector} in the row titled {@code title}, finding the row afresh if it was replaced. */
    private static void clickInRow(WebDriverWait wait, String title, String selector) {
        wait.until(d -> {
            WebElement row = rowTitled(d, title);
            if (row == null) {
                return false;
            }
            row.findElement(By.cssSelector(selector)).click();
            return true;
        });
    }

    private static WebElement rowTitled(WebDriver d, String title) {
        for (WebElement row : d.findElements(By.cssSelector("#records-table tbody tr"))) {
            List<WebElement> cells = row.findElements(By.cssSelector("td.title"));
            if (!cells.isEmpty() && cells.get(0).getText().equals(title)) {
                return row;
            }
        }
        return null;
    }

    /** Whether a row of {@code table} has cells with exactly these texts. */
    private static boolean hasRow(WebDriver d, String table, String... texts) {
        for (WebElement row : d.findElements(By.cssSelector("#" + table + " tbody tr"))) {
            List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
            if (cells.containsAll(List.of(texts))) {
                return true;
            }
        }
        return false;
    }

    private static String sessionId(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        try {
            return ApiClient.JSON.readTree(payload).get("sid").textValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
