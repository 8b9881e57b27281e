package io.gatehouse.itests;

import static io.gatehouse.itests.ApiClient.json;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.gatehouse.itests.ApiClient.Auth;
import io.gatehouse.tools.postgres.ThrowawayPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two app containers as separate JVMs (bin/karaf server) sharing one real PostgreSQL and one JWT key directory,
 * started at the same moment (so both race to create the signing key):
 * <ul>
 * <li>a session logged out on one container is refused at once by the other;</li>
 * <li>a real click-through of the web UI in headless Chromium (Selenium): log in, create, edit and delete a record,
 * the admin's audit and security-event panels, log out. The UI is served from the repository's web/ui on the same
 * origin as the API, under the same strict CSP the gateway sends.</li>
 * </ul>
 */
public class WebUiIT {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static ThrowawayPostgres postgres;
    private static KarafProcess first;
    private static KarafProcess second;
    private static SameOriginFrontend frontend;
    private static WebDriver browser;
    private static String adminPassword;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        work = new File("target/webui-it/" + UUID.randomUUID()).getAbsoluteFile().toPath();
        Files.createDirectories(work);
        postgres = ThrowawayPostgres.start();
        var db = postgres.database();
        adminPassword = "ui-" + UUID.randomUUID();
        Path passwordFile = work.resolve("admin-password");
        Files.writeString(passwordFile, adminPassword + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path keys = work.resolve("secrets/jwt");

        first = KarafProcess.unpack("app-1", work);
        second = KarafProcess.unpack("app-2", work);
        for (KarafProcess k : List.of(first, second)) {
            k.configure("etc/org.ops4j.datasource-gatehouse.cfg",
                    Map.of("url", db.jdbcUrl(), "user", db.user(), "password", db.password()));
            k.configure("etc/io.gatehouse.app.cfg", Map.of("bootstrap.admin.passwordFile", passwordFile.toString(),
                    "jwt.keyDirectory", keys.toString()));
            k.bootFeatures("gatehouse-app");
        }
        first.start();
        second.start();
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> awaitHealthy(first));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> awaitHealthy(second));
        a.join();
        b.join();
        frontend = new SameOriginFrontend(Path.of(System.getProperty("gatehouse.itest.webui")).toAbsolutePath()
                .normalize(), first.baseUrl());
    }

    private static void awaitHealthy(KarafProcess k) {
        try {
            k.awaitHealthy(Duration.ofSeconds(300));
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @AfterClass
    public static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (frontend != null) {
            frontend.close();
        }
        for (KarafProcess k : new KarafProcess[] {first, second}) {
            if (k != null) {
                k.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    public void aLoggedOutSessionIsRefusedByTheOtherContainer() {
        ApiClient one = new ApiClient(first.baseUrl());
        ApiClient two = new ApiClient(second.baseUrl());
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
    public void browserClickThrough() {
        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get("http://localhost:" + frontend.port() + "/ui/index.html");

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
        browser.findElement(By.id("record-body")).sendKeys("first line");
        browser.findElement(By.id("save-record")).click();
        WebElement row = wait.until(d -> rowTitled(d, title));
        assertTrue("markup in user text stays text", row.findElements(By.cssSelector("b, script")).isEmpty());
        assertEquals(null, ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return window.pwned;"));

        row.findElement(By.cssSelector(".edit-record")).click();
        WebElement titleField = browser.findElement(By.id("record-title"));
        wait.until(ExpectedConditions.attributeToBe(titleField, "value", title));
        titleField.clear();
        String edited = "edited " + UUID.randomUUID();
        titleField.sendKeys(edited);
        browser.findElement(By.id("save-record")).click();
        WebElement editedRow = wait.until(d -> rowTitled(d, edited));
        wait.until(d -> rowTitled(d, title) == null);

        editedRow.findElement(By.cssSelector(".delete-record")).click();
        wait.until(d -> rowTitled(d, edited) == null);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Record deleted."));

        // the admin panels load (rows when the audit tables exist, otherwise the API's explanation)
        assertTrue(browser.findElement(By.id("admin-view")).isDisplayed());
        wait.until(d -> !d.findElements(By.cssSelector("#audit-table tbody tr")).isEmpty()
                || !d.findElement(By.id("audit-note")).getText().isEmpty());

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));

        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            assertTrue("no CSP violation: " + entry.getMessage(),
                    !entry.getMessage().contains("Content Security Policy"));
        }
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

    private static String sessionId(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        try {
            return ApiClient.JSON.readTree(payload).get("sid").textValue();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WebDriver chromium() {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new IllegalStateException("the browser test needs Debian's chromium and chromium-driver ("
                    + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install -y chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + work.resolve("chromium-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
