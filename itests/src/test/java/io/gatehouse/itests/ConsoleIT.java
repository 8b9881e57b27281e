package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
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

    private static final String ZONE_PID_FILE = "io.gatehouse.ratelimit.zone-consoleit.cfg";

    private static GatehouseDistribution karaf;
    private static ChromeDriver browser;
    private static final List<HttpServer> BACKENDS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void startDistribution() throws Exception {
        for (int i = 0; i < 3; i++) {
            BACKENDS.add(backend());
        }
        karaf = GatehouseDistribution.unpack("console-it")
                .user(ADMIN, ADMIN_PASSWORD, "admingroup")
                .user(VIEWER, VIEWER_PASSWORD, "viewergroup")
                .file("io.gatehouse.balancer.cfg", "strategy = least-conn\nbackends = "
                        + BACKENDS.stream().map(b -> backendId(b) + " max_fails=0").collect(Collectors.joining(", "))
                        + "\nhealth.enabled = true\nhealth.path = /health\nhealth.interval = 1s\n")
                .file(ZONE_PID_FILE, "name = consoleit\npaths = /consoleit-zone/**\nrate = 10r/s\nburst = 20\n")
                .bootFeatures("gatehouse-gateway", "gatehouse-console", "gatehouse-app")
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
        BACKENDS.forEach(b -> b.stop(0));
    }

    /** A real HTTP backend on a free loopback port: answers every path, /health included, with 200. */
    private static HttpServer backend() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            byte[] body = ("backend " + exchange.getLocalAddress().getPort() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }

    private static String backendId(HttpServer server) {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static String shell(String command) throws Exception {
        return karaf.shell(ADMIN, ADMIN_PASSWORD, command);
    }

    /** Waits until the page, kept live by its script, shows {@code expected} in an element. */
    private static void awaitText(WebDriver driver, By element, String expected) {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> element + " never showed '" + expected + "'")
                .until(d -> d.findElement(element).getText().contains(expected));
    }

    private static By backendCell(String id, String cell) {
        return By.cssSelector("#gh-backend-table tr[data-backend='" + id + "'] td." + cell);
    }

    private static String pageMessage(WebDriver driver) {
        return driver.findElement(By.id("gh-message")).getText();
    }

    private static String withCredentials(String user, String password, String path) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + karaf.httpPort() + path;
    }

    private static void openAs(WebDriver driver, String user, String password) {
        driver.get(withCredentials(user, password, PAGE));
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> !d.findElements(By.id("gh-console")).isEmpty());
    }

    /** Waits until the page's script has applied a live sample: proves the JS runs under the page's CSP. */
    private static void awaitLiveData(WebDriver driver) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
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
    public void adminSeesEveryBackendSwapsTheStrategyAndDrainsABackend() throws Exception {
        openAs(browser, ADMIN, ADMIN_PASSWORD);
        for (HttpServer b : BACKENDS) {
            awaitText(browser, backendCell(backendId(b), "id"), backendId(b));
        }
        String current = shell("balancer:strategy").trim();
        String other = current.contains("round-robin") ? "least-conn" : "round-robin";

        WebElement input = browser.findElement(By.id("gh-strategy-input"));
        input.clear();
        input.sendKeys(other);
        browser.findElement(By.id("gh-strategy-apply")).click();
        awaitText(browser, By.id("gh-message"), "Strategy is now " + other);
        assertTrue(shell("balancer:strategy"), shell("balancer:strategy").contains(other));
        awaitText(browser, By.id("gh-strategy-current"), other);

        String drained = backendId(BACKENDS.get(1));
        browser.findElement(By.cssSelector("#gh-backend-table tr[data-backend='" + drained + "'] button.gh-drain"))
                .click();
        awaitText(browser, By.id("gh-message"), "Backend " + drained + " is draining");
        awaitText(browser, backendCell(drained, "state"), "DRAINING");
        String backends = shell("balancer:backends");
        assertTrue(backends, backends.lines().anyMatch(l -> l.contains(drained) && l.contains("DRAINING")));

        browser.findElement(By.cssSelector("#gh-backend-table tr[data-backend='" + drained + "'] button.gh-enable"))
                .click();
        awaitText(browser, By.id("gh-message"), "Backend " + drained + " is enabled again");
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> !d.findElement(backendCell(drained, "state")).getText().contains("DRAINING"));
    }

    @Test
    public void badInputToEveryFormGetsAClearMessageAndChangesNothing() throws Exception {
        openAs(browser, ADMIN, ADMIN_PASSWORD);
        String strategy = shell("balancer:strategy").trim();
        String statesBefore = states();

        WebElement input = browser.findElement(By.id("gh-strategy-input"));
        input.clear();
        input.sendKeys("fastest");
        browser.findElement(By.id("gh-strategy-apply")).click();
        awaitText(browser, By.id("gh-message"), "Unknown strategy 'fastest'");
        assertEquals(strategy, shell("balancer:strategy").trim());

        WebElement id = browser.findElement(By.id("gh-backend-id"));
        id.sendKeys("10.9.9.9:1");
        browser.findElement(By.cssSelector("#gh-backend-form button[value='drain']")).click();
        awaitText(browser, By.id("gh-message"), "No backend '10.9.9.9:1'");
        assertTrue(pageMessage(browser), pageMessage(browser).contains(backendId(BACKENDS.get(0))));
        assertEquals(statesBefore, states());

        WebElement rate = browser.findElement(By.cssSelector("#gh-zone-table tr[data-zone='consoleit'] input[name='p.rate']"));
        rate.clear();
        rate.sendKeys("fast");
        browser.findElement(By.cssSelector("#gh-zone-table tr[data-zone='consoleit'] button")).click();
        awaitText(browser, By.id("gh-message"), "rate must be a positive number of requests");
        assertTrue(pageMessage(browser), pageMessage(browser).contains("'fast'"));
        assertTrue(pageMessage(browser), pageMessage(browser).contains("Zone consoleit is unchanged"));
        assertEquals("10r/s", browser.findElement(
                By.cssSelector("#gh-zone-table tr[data-zone='consoleit'] input[name='p.rate']")).getAttribute("value"));
        String config = shell("config:property-get --pid " + zonePid() + " rate");
        assertTrue(config, config.contains("10r/s"));

        if (browser.findElements(By.id("gh-scale-count")).isEmpty()) {
            // no supervisor in this container: the section says so, and the action is refused without one
            assertTrue(browser.findElement(By.id("gh-instances")).getText().contains("supervisor service is not running"));
            HttpResponse<String> r = post(ADMIN, ADMIN_PASSWORD,
                    Map.of("action", "scale", "count", "2", "csrf", csrfToken(ADMIN, ADMIN_PASSWORD)));
            assertEquals(503, r.statusCode());
            assertTrue(r.body(), message(r.body()).contains("supervisor is not running"));
        } else {
            WebElement count = browser.findElement(By.id("gh-scale-count"));
            count.clear();
            count.sendKeys("-1");
            browser.findElement(By.cssSelector("#gh-scale-form button")).click();
            awaitText(browser, By.id("gh-message"), "Instance count must be from 0 to");
            assertTrue(pageMessage(browser), pageMessage(browser).contains("was -1"));
        }
        assertEquals(statesBefore, states());
    }

    @Test
    public void aZoneIsEditedThroughConfigurationAdmin() throws Exception {
        openAs(browser, ADMIN, ADMIN_PASSWORD);
        WebElement burst = browser.findElement(By.cssSelector("#gh-zone-table tr[data-zone='consoleit'] input[name='p.burst']"));
        burst.clear();
        burst.sendKeys("25");
        browser.findElement(By.cssSelector("#gh-zone-table tr[data-zone='consoleit'] button")).click();
        awaitText(browser, By.id("gh-message"), "Zone consoleit updated");
        String config = shell("config:property-get --pid " + zonePid() + " burst");
        assertTrue(config, config.contains("25"));
    }

    /** The configuration id of the test's zone (zone-consoleit.cfg), as Config Admin lists it. */
    private static String zonePid() throws Exception {
        for (String line : shell("config:list '(service.factoryPid=io.gatehouse.ratelimit.zone)'").split("\n")) {
            if (line.trim().startsWith("Pid:") && line.contains("consoleit")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new AssertionError("no zone configuration named consoleit");
    }

    /** Every backend with its state, as {@code balancer:backends} lists them. */
    private static String states() throws Exception {
        return shell("balancer:backends").lines().filter(l -> l.contains("127.0.0.1:"))
                .map(l -> l.split("\\|"))
                .map(cols -> cols[0].trim() + "=" + cols[1].trim())
                .sorted().collect(Collectors.joining(", "));
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
        // the gateway's monitoring points present in this container: per-backend and per-zone series
        for (HttpServer b : BACKENDS) {
            for (String series : List.of("gatehouse_backend_requests_total", "gatehouse_backend_failures_total",
                    "gatehouse_backend_latency_count", "gatehouse_backend_active")) {
                assertTrue(series + " for " + backendId(b), metrics.named(series).stream()
                        .anyMatch(sample -> backendId(b).equals(sample.labels().get("backend"))));
            }
        }
        assertEquals("summary", metrics.types().get("gatehouse_backend_latency"));
        for (String series : List.of("gatehouse_ratelimit_hits_total", "gatehouse_ratelimit_passed_total")) {
            assertTrue(series + " for zone consoleit", metrics.named(series).stream()
                    .anyMatch(sample -> "consoleit".equals(sample.labels().get("zone"))));
        }
    }
}
