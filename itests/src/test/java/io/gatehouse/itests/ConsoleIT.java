package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Gatehouse web console driven from headless Chromium against the real distribution, started as its own process
 * with an admin and a viewer user: login, every section, live data under a strict CSP, actions and their refusals,
 * and /metrics read by a strict Prometheus text parser.
 */
public class ConsoleIT {

    private static final String ADMIN = "gadmin";
    private static final String VIEWER = "gview";
    private static final String ADMIN_PASSWORD = UUID.randomUUID().toString();
    private static final String VIEWER_PASSWORD = UUID.randomUUID().toString();
    private static final String PAGE = "/system/console/gatehouse";

    private static GatehouseDistribution karaf;
    private static ChromeDriver browser;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void startDistribution() throws Exception {
        karaf = GatehouseDistribution.unpack("console-it")
                .user(ADMIN, ADMIN_PASSWORD, "admingroup")
                .user(VIEWER, VIEWER_PASSWORD, "viewergroup")
                .bootFeatures("gatehouse-console", "gatehouse-app")
                .start();
        karaf.await(PAGE, ADMIN, ADMIN_PASSWORD, 200, Duration.ofSeconds(180));
        browser = HeadlessChromium.start();
    }

    @AfterClass
    public static void stopDistribution() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (karaf != null) {
            karaf.close();
        }
    }

    private static String withCredentials(String user, String password, String path) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + karaf.httpPort() + path;
    }

    private static void openAs(WebDriver driver, String user, String password) {
        driver.get(withCredentials(user, password, PAGE));
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(d -> !d.findElements(By.id("gh-console")).isEmpty());
    }

    /** Waits until the page's script has applied a live sample: proves the JS runs under the page's CSP. */
    private static void awaitLiveData(WebDriver driver) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .withMessage(() -> "live data never arrived: " + driver.findElement(By.id("gh-updated")).getText())
                .until(d -> d.findElement(By.id("gh-updated")).getText().matches(".*\\d{1,2}:\\d{2}:\\d{2}.*"));
    }

    private static HttpResponse<String> get(String path, String user, String password) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(karaf.url(path)))
                .header("Authorization", GatehouseDistribution.basic(user, password)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String user, String password, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(karaf.url(PAGE)))
                .header("Authorization", GatehouseDistribution.basic(user, password))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String csrfToken(String user, String password) throws Exception {
        Matcher m = Pattern.compile("data-csrf='([^']+)'").matcher(get(PAGE, user, password).body());
        assertTrue("the page carries a CSRF token", m.find());
        return m.group(1);
    }

    static String message(String html) {
        Matcher m = Pattern.compile("<div id='gh-message'[^>]*>([^<]*)</div>").matcher(html);
        return m.find() ? m.group(1) : null;
    }

    @Test
    public void adminLogsInAndSeesEverySection() {
        openAs(browser, ADMIN, ADMIN_PASSWORD);
        assertEquals(ADMIN, browser.findElement(By.id("gh-user")).getText());
        for (String section : List.of("gh-charts", "gh-backends", "gh-strategy", "gh-zones", "gh-instances",
                "gh-audit")) {
            WebElement element = browser.findElement(By.id(section));
            assertTrue(section + " is shown", element.isDisplayed());
            assertFalse(section + " has content", element.getText().isBlank());
        }
        for (String chart : List.of("gh-chart-rps", "gh-chart-latency", "gh-chart-errors")) {
            assertEquals("canvas", browser.findElement(By.id(chart)).getTagName());
        }
        awaitLiveData(browser);
    }

    @Test
    public void pagesCarryAStrictContentSecurityPolicyAndNoInlineScriptOfTheirOwn() throws Exception {
        HttpResponse<String> page = get(PAGE, ADMIN, ADMIN_PASSWORD);
        assertEquals(200, page.statusCode());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp, csp.contains("default-src 'none'"));
        assertTrue(csp, csp.contains("script-src 'self'"));
        assertFalse(csp, csp.contains("unsafe-inline"));
        assertFalse(csp, csp.contains("unsafe-eval"));
        String own = page.body().substring(page.body().indexOf("<div id='gh-console'"));
        assertFalse("no inline script in the Gatehouse page", own.matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"));
        assertFalse("no inline style attribute in the Gatehouse page", own.contains(" style="));
        assertFalse("no inline event handler", own.matches("(?s).*\\son[a-z]+=.*"));
        HttpResponse<String> js = get(PAGE + "/res/gatehouse.js", ADMIN, ADMIN_PASSWORD);
        assertEquals(200, js.statusCode());
        assertFalse("works offline: no external URL in the script", js.body().matches("(?s).*https?://.*"));
        HttpResponse<String> css = get(PAGE + "/res/gatehouse.css", ADMIN, ADMIN_PASSWORD);
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    }

    @Test
    public void viewerMayLookButNotChangeAnything() throws Exception {
        ChromeDriver viewer = HeadlessChromium.start();
        try {
            openAs(viewer, VIEWER, VIEWER_PASSWORD);
            assertEquals(VIEWER, viewer.findElement(By.id("gh-user")).getText());
            awaitLiveData(viewer);
            for (WebElement button : viewer.findElements(By.cssSelector("#gh-console form button"))) {
                assertFalse("a viewer's buttons are disabled", button.isEnabled());
            }
        } finally {
            viewer.quit();
        }
        String token = csrfToken(VIEWER, VIEWER_PASSWORD);
        for (Map<String, String> action : List.of(
                Map.of("action", "strategy", "strategy", "round-robin"),
                Map.of("action", "drain", "id", "127.0.0.1:1"),
                Map.of("action", "enable", "id", "127.0.0.1:1"),
                Map.of("action", "scale", "count", "2"),
                Map.of("action", "restart", "instance", "app-1"),
                Map.of("action", "zone", "pid", "x", "p.rate", "5r/s"))) {
            Map<String, String> form = new LinkedHashMap<>(action);
            form.put("csrf", token);
            HttpResponse<String> r = post(VIEWER, VIEWER_PASSWORD, form);
            assertEquals(action + ": " + r.body(), 403, r.statusCode());
            assertTrue(r.body(), message(r.body()).contains("may look but not change anything"));
        }
        assertEquals("a viewer cannot open the rest of the web console", 403,
                get("/system/console/bundles", VIEWER, VIEWER_PASSWORD).statusCode());
        assertEquals(200, get("/system/console/bundles", ADMIN, ADMIN_PASSWORD).statusCode());
        assertEquals(401, get(PAGE, VIEWER, "wrong-" + VIEWER_PASSWORD).statusCode());
    }

    @Test
    public void aPostWithoutTheFormTokenChangesNothing() throws Exception {
        HttpResponse<String> r = post(ADMIN, ADMIN_PASSWORD, Map.of("action", "scale", "count", "1"));
        assertEquals(403, r.statusCode());
        assertTrue(r.body(), message(r.body()).contains("security token is missing or stale"));
        r = post(ADMIN, ADMIN_PASSWORD, Map.of("action", "scale", "count", "1", "csrf", "forged"));
        assertEquals(403, r.statusCode());
        String viewerToken = csrfToken(VIEWER, VIEWER_PASSWORD);
        r = post(ADMIN, ADMIN_PASSWORD, Map.of("action", "scale", "count", "1", "csrf", viewerToken));
        assertEquals("another user's token is refused", 403, r.statusCode());
    }

    @Test
    public void liveDataEndpointAnswersJson() throws Exception {
        HttpResponse<String> r = get(PAGE + "/data.json", VIEWER, VIEWER_PASSWORD);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(r.body(), r.body().startsWith("{\"time\":"));
        assertTrue(r.body(), r.body().contains("\"series\":[["));
    }

    @Test
    public void theApplicationLogIsJsonAndRecordsConsoleActions() throws Exception {
        post(ADMIN, ADMIN_PASSWORD, Map.of("action", "no-such-action", "csrf", csrfToken(ADMIN, ADMIN_PASSWORD)));
        java.nio.file.Path log = karaf.home().resolve("data/log/karaf.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = java.nio.file.Files.readAllLines(log);
            if (lines.stream().anyMatch(l -> l.contains("console action no-such-action"))) {
                break;
            }
            Thread.sleep(200);
        }
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            assertTrue("a JSON object per line: " + line, line.startsWith("{\"time\":\"") && line.endsWith("}"));
        }
        assertTrue("the console's actions are logged", lines.stream().anyMatch(l -> l.contains("console action no-such-action")
                && l.contains("\"logger\":\"io.gatehouse.console.internal.ConsoleAudit\"")));
    }

    @Test
    public void metricsParseStrictly() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(karaf.url("/metrics"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        PrometheusText metrics = PrometheusText.parse(r.body());
        Function<String, Boolean> has = name -> !metrics.named(name).isEmpty();
        assertTrue(r.body(), has.apply("gatehouse_process_memory_heap_used_bytes"));
        assertNotNull(metrics.types().get("gatehouse_process_uptime_seconds"));
    }
}
