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
import org.openqa.selenium.WebDriverException;
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
    private static io.gatehouse.tools.postgres.ThrowawayPostgres postgres;
    private static ChromeDriver browser;
    private static final List<HttpServer> BACKENDS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void startDistribution() throws Exception {
        for (int i = 0; i < 3; i++) {
            BACKENDS.add(backend());
        }
        // its own PostgreSQL, not the JVM's shared one: this container's audit rows stay out of other tests' tables,
        // and the metrics test may stop it to see the app count a database outage as errors
        postgres = io.gatehouse.tools.postgres.ThrowawayPostgres.start();
        var db = postgres.database();
        karaf = GatehouseDistribution.unpack("console-it")
                .user(ADMIN, ADMIN_PASSWORD, "admingroup")
                .user(VIEWER, VIEWER_PASSWORD, "viewergroup")
                .file("io.gatehouse.balancer.cfg", "strategy = least-conn\nbackends = "
                        + BACKENDS.stream().map(b -> backendId(b) + " max_fails=0").collect(Collectors.joining(", "))
                        + "\nhealth.enabled = true\nhealth.path = /health\nhealth.interval = 1s\n")
                .file(ZONE_PID_FILE, "name = consoleit\npaths = /consoleit-zone/**\nrate = 10r/s\nburst = 20\n"
                        + "nodelay = true\n")
                // the app gets a real PostgreSQL, so its monitoring points (queries, sessions) are live
                .config("org.ops4j.datasource-gatehouse.cfg", "url", db.jdbcUrl())
                .config("org.ops4j.datasource-gatehouse.cfg", "user", db.user())
                .config("org.ops4j.datasource-gatehouse.cfg", "password", db.password())
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
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * A real HTTP backend on a free loopback port: answers every path, /health included, with 200; under
     * {@code /consoleit-load/} it takes a moment ({@code slow}) or drops the connection without answering
     * ({@code broken}).
     */
    private static HttpServer backend() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/consoleit-load/broken")) {
                exchange.close(); // no response: the connection just ends
                return;
            }
            if (path.startsWith("/consoleit-load/slow")) {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("backend " + exchange.getLocalAddress().getPort() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
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
                .until(d -> {
                    String text = textOrNull(d, element);
                    return text != null && text.contains(expected);
                });
    }

    /**
     * The element's text, or null when the page's script replaced the element between finding and reading it
     * (Chromium reports that as a stale element or as a node that no longer belongs to the document).
     */
    private static String textOrNull(WebDriver driver, By element) {
        try {
            return driver.findElement(element).getText();
        } catch (StaleElementReferenceException e) {
            return null;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return null;
            }
            throw e;
        }
    }

    private static By backendCell(String id, String cell) {
        return By.cssSelector("#gh-backend-table tr[data-backend='" + id + "'] td." + cell);
    }

    private static String pageMessage(WebDriver driver) {
        return new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(d -> textOrNull(d, By.id("gh-message")));
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

    /** The page's live figures, read from its DOM in one script call. */
    private static Map<String, Object> liveFigures(ChromeDriver driver) {
        @SuppressWarnings("unchecked")
        Map<String, Object> figures = (Map<String, Object>) driver.executeScript(
                "var t = function (id) { var e = document.getElementById(id); return e ? e.textContent : null; };"
                + "var cells = function (c) { var out = []; var tds = document.querySelectorAll("
                + "'#gh-backend-table tr[data-backend] td.' + c);"
                + " for (var i = 0; i < tds.length; i++) { out.push(tds[i].textContent); } return out.join(' '); };"
                + "var hits = document.querySelector(\"#gh-zone-table tr[data-zone='consoleit'] "
                + ".gh-counter[data-counter='hits'] b\");"
                + "return { rps: t('gh-live-rps'), errors: t('gh-live-errors'), p50: t('gh-live-p50'),"
                + " p99: t('gh-live-p99'), active: t('gh-live-active'), requests: t('gh-live-requests'),"
                + " backendRequests: cells('requests'), backendActive: cells('active'), backendRate: cells('rate'),"
                + " backendErrors: cells('errors'), zoneHits: hits ? hits.textContent : '0',"
                + " chart: document.getElementById('gh-chart-rps').toDataURL() };");
        return figures;
    }

    /** A figure shown on the page as a number; the page shows a dash while it is unknown. */
    private static double number(Object text) {
        String s = String.valueOf(text).trim();
        return s.matches("-?[0-9]+(\\.[0-9]+)?") ? Double.parseDouble(s) : Double.NaN;
    }

    /** The sum of a column of numbers shown in the backend table. */
    private static double sum(Object cells) {
        double total = 0;
        for (String cell : String.valueOf(cells).trim().split("\\s+")) {
            double n = number(cell);
            total += Double.isNaN(n) ? 0 : n;
        }
        return total;
    }

    /**
     * Bounded load through the gateway's HTTPS listener while the page is open: slow requests (the backends take a
     * moment), requests the backends drop (upstream failures, 502 from the gateway) and requests past the consoleit
     * zone's limit. Every live figure on the page must move away from what it showed before the load.
     */
    @Test
    public void liveNumbersMoveUnderLoadThroughTheGateway() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(karaf.gatewayTls(Duration.ofSeconds(60)))
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI probe = URI.create("https://127.0.0.1:" + karaf.httpsPort() + "/consoleit-load/probe");
        // the listener starts asynchronously after its feature: wait until it proxies to a backend
        long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "no answer";
        while (true) {
            try {
                HttpResponse<String> r = https.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().startsWith("backend ")) {
                    break;
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            assertTrue("the gateway never proxied " + probe + ": " + last, System.nanoTime() < ready);
            Thread.sleep(250);
        }

        ChromeDriver driver = HeadlessChromium.start();
        java.util.concurrent.ExecutorService load = Executors.newFixedThreadPool(6);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Map<Integer, java.util.concurrent.atomic.AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            openAs(driver, ADMIN, ADMIN_PASSWORD);
            awaitLiveData(driver);
            Map<String, Object> before = liveFigures(driver);

            // bounded: at most 45 s or 6,000 requests, whichever comes first, and it stops as soon as the page moved
            long end = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 6; t++) {
                boolean zone = t == 0; // one client goes past the consoleit zone's rate (10r/s, burst 20)
                load.submit(() -> {
                    while (!stop.get() && System.nanoTime() < end && sent.get() < 6000) {
                        int n = sent.incrementAndGet();
                        String path = zone ? "/consoleit-zone/x"
                                : n % 10 == 0 ? "/consoleit-load/broken" : "/consoleit-load/slow";
                        try {
                            HttpResponse<Void> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                                    + karaf.httpsPort() + path)).timeout(Duration.ofSeconds(20)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            statuses.computeIfAbsent(r.statusCode(), k -> new java.util.concurrent.atomic.AtomicInteger())
                                    .incrementAndGet();
                        } catch (java.io.IOException e) {
                            statuses.computeIfAbsent(-1, k -> new java.util.concurrent.atomic.AtomicInteger())
                                    .incrementAndGet();
                        }
                        if (zone) {
                            // paced at about 50 requests/s: well past the zone's 10r/s, gentle on a shared machine
                            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                        }
                    }
                    return null;
                });
            }
            load.shutdown();

            // what must be seen moving, each at least once while the load runs
            Map<String, java.util.function.BiPredicate<Map<String, Object>, Map<String, Object>>> checks =
                    new LinkedHashMap<>();
            checks.put("requests counted", (b, now) -> number(now.get("requests")) > number(b.get("requests")));
            checks.put("request rate", (b, now) -> number(now.get("rps")) > 0);
            checks.put("errors/s (5xx)", (b, now) -> number(now.get("errors")) > 0);
            checks.put("latency p50", (b, now) -> number(now.get("p50")) > 0 && !now.get("p50").equals(b.get("p50")));
            checks.put("latency p99", (b, now) -> number(now.get("p99")) > 0 && !now.get("p99").equals(b.get("p99")));
            checks.put("in flight", (b, now) -> number(now.get("active")) > 0);
            checks.put("backend requests", (b, now) -> sum(now.get("backendRequests")) > sum(b.get("backendRequests")));
            checks.put("backend requests/s", (b, now) -> sum(now.get("backendRate")) > 0);
            checks.put("backend active", (b, now) -> sum(now.get("backendActive")) > 0);
            checks.put("backend errors/s", (b, now) -> sum(now.get("backendErrors")) > 0);
            checks.put("zone hits", (b, now) -> number(now.get("zoneHits")) > number(b.get("zoneHits")));
            checks.put("request-rate chart", (b, now) -> !now.get("chart").equals(b.get("chart")));
            java.util.Set<String> moved = new java.util.TreeSet<>();
            Map<String, Object> now = before;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (moved.size() < checks.size() && System.nanoTime() < deadline) {
                now = liveFigures(driver);
                for (var check : checks.entrySet()) {
                    if (check.getValue().test(before, now)) {
                        moved.add(check.getKey());
                    }
                }
                Thread.sleep(200);
            }
            Map<String, Object> shown = new LinkedHashMap<>(now);
            shown.remove("chart");
            Map<String, Object> was = new LinkedHashMap<>(before);
            was.remove("chart");
            java.util.Set<String> still = new java.util.TreeSet<>(checks.keySet());
            still.removeAll(moved);
            assertTrue("under load these figures never moved on the page: " + still + "; before " + was + ", last "
                    + shown + "; responses by status " + statuses, still.isEmpty());
        } finally {
            stop.set(true);
            load.shutdownNow();
            assertTrue("the load stops by itself", load.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
            driver.quit();
        }
        assertTrue("backends answered through the gateway: " + statuses, statuses.containsKey(200));
        assertTrue("the gateway answered 502 for dropped connections: " + statuses, statuses.containsKey(502));
        assertTrue("the zone refused some with 429: " + statuses, statuses.containsKey(429));

        // and the same traffic at /metrics, through the strict parser
        PrometheusText metrics = scrape();
        assertTrue(total(metrics, "gatehouse_gateway_requests_total", "status", "2xx") > 0);
        assertTrue(total(metrics, "gatehouse_gateway_requests_total", "status", "5xx") > 0);
        assertTrue(total(metrics, "gatehouse_gateway_errors_total", null, null) > 0);
        assertTrue(total(metrics, "gatehouse_gateway_upstream_errors_total", null, null) > 0);
        assertTrue(total(metrics, "gatehouse_gateway_latency_count", null, null) > 0);
        assertTrue(total(metrics, "gatehouse_ratelimit_hits_total", "zone", "consoleit") > 0);
        assertTrue(total(metrics, "gatehouse_backend_failures_total", null, null) > 0);
        // per route: everything here was proxied, so route="proxy" (a bounded label, never the request's path)
        assertEquals("counter", metrics.types().get("gatehouse_gateway_route_requests_total"));
        assertEquals("summary", metrics.types().get("gatehouse_gateway_route_latency"));
        assertEquals("counter", metrics.types().get("gatehouse_gateway_route_errors_total"));
        assertTrue(total(metrics, "gatehouse_gateway_route_requests_total", "route", "proxy") > 0);
        assertTrue(metrics.named("gatehouse_gateway_route_requests_total").stream().anyMatch(sample ->
                "proxy".equals(sample.labels().get("route")) && "5xx".equals(sample.labels().get("status"))
                        && sample.value() > 0));
        assertTrue(total(metrics, "gatehouse_gateway_route_latency_count", "route", "proxy") > 0);
        assertTrue(total(metrics, "gatehouse_gateway_route_errors_total", "route", "proxy") > 0);
        assertTrue("no route label carries a request path", metrics.samples().stream()
                .map(sample -> sample.labels().get("route"))
                .noneMatch(route -> route != null && route.startsWith("/consoleit")));
    }

    private static double total(PrometheusText metrics, String name, String label, String value) {
        return metrics.named(name).stream().filter(s -> label == null || value.equals(s.labels().get(label)))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    private static PrometheusText scrape() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(karaf.url("/metrics"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return PrometheusText.parse(r.body());
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
            awaitText(browser, By.id("gh-message"), "Instance count must be from 1 to");
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
        String list = shell("config:list '(service.factoryPid=io.gatehouse.ratelimit.zone)'");
        for (String line : list.split("\n")) {
            if (line.trim().startsWith("Pid:") && line.contains("consoleit")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new AssertionError("no zone configuration named consoleit in:\n" + list);
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

    /**
     * Every monitoring point of the gateway and app containers at /metrics, through a strict Prometheus text
     * parser, with its stable name, type and labels (the supervisor's are in ConsolePlatformIT, where one runs).
     * Ends by stopping the app's database (nothing else here needs it) to see a real 5xx counted.
     */
    @Test
    public void metricsParseStrictlyAndCarryEveryMonitoringPoint() throws Exception {
        // the app (same container here) answers once its database is migrated; one failed login queries the database
        karaf.await("/health", null, null, 200, Duration.ofSeconds(120));
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/auth/login")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"nobody\",\"password\":\"wrong\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(login.body(), 401, login.statusCode());

        PrometheusText metrics = scrape();
        Map<String, String> types = metrics.types();
        // gateway: request rate (by status class), response times, error rates, active connections
        assertEquals("counter", types.get("gatehouse_gateway_requests_total"));
        for (String status : List.of("1xx", "2xx", "3xx", "4xx", "5xx")) {
            assertTrue("requests with status " + status, metrics.named("gatehouse_gateway_requests_total").stream()
                    .anyMatch(sample -> status.equals(sample.labels().get("status"))));
        }
        assertEquals("summary", types.get("gatehouse_gateway_latency"));
        assertFalse(metrics.named("gatehouse_gateway_latency_count").isEmpty());
        assertEquals("counter", types.get("gatehouse_gateway_errors_total"));
        assertEquals("counter", types.get("gatehouse_gateway_upstream_errors_total"));
        assertEquals("gauge", types.get("gatehouse_gateway_connections_active"));
        // per backend: requests, failures, response times, requests in flight, eligibility
        for (HttpServer b : BACKENDS) {
            for (String series : List.of("gatehouse_backend_requests_total", "gatehouse_backend_failures_total",
                    "gatehouse_backend_latency_count", "gatehouse_backend_active", "gatehouse_backend_up",
                    "gatehouse_backend_latency_ewma_seconds")) {
                assertTrue(series + " for " + backendId(b), metrics.named(series).stream()
                        .anyMatch(sample -> backendId(b).equals(sample.labels().get("backend"))));
            }
        }
        assertEquals("summary", types.get("gatehouse_backend_latency"));
        assertEquals("gauge", types.get("gatehouse_backend_active"));
        assertFalse(metrics.named("gatehouse_balancer_selections_total").isEmpty());
        // rate-limit hits per zone
        for (String series : List.of("gatehouse_ratelimit_hits_total", "gatehouse_ratelimit_passed_total",
                "gatehouse_ratelimit_delayed_total", "gatehouse_ratelimit_keys")) {
            assertTrue(series + " for zone consoleit", metrics.named(series).stream()
                    .anyMatch(sample -> "consoleit".equals(sample.labels().get("zone"))));
        }
        // app: response times and requests per route, database query times, active sessions
        assertTrue("app requests by route, method and status", metrics.named("gatehouse_app_requests_total").stream()
                .anyMatch(sample -> "/api/auth/login".equals(sample.labels().get("route"))
                        && "POST".equals(sample.labels().get("method")) && "401".equals(sample.labels().get("status"))));
        assertEquals("summary", types.get("gatehouse_app_latency"));
        assertTrue("app response times by route", metrics.named("gatehouse_app_latency_count").stream()
                .anyMatch(sample -> "/api/auth/login".equals(sample.labels().get("route"))));
        assertEquals("summary", types.get("gatehouse_app_db_query"));
        assertTrue("database query times by query", metrics.named("gatehouse_app_db_query_count").stream()
                .anyMatch(sample -> sample.labels().containsKey("query") && sample.value() > 0));
        assertEquals("gauge", types.get("gatehouse_app_sessions_active"));
        assertFalse(metrics.named("gatehouse_app_sessions_active").isEmpty());
        // every container
        for (String series : List.of("gatehouse_process_memory_heap_used_bytes", "gatehouse_process_uptime_seconds",
                "gatehouse_process_cpu_seconds")) {
            assertFalse(series, metrics.named(series).isEmpty());
        }

        // the app's error rate: with its database gone, a login fails with 503 and is counted as an error of its route
        postgres.close();
        postgres = null;
        HttpResponse<String> failed = HTTP.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/auth/login")))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"nobody\",\"password\":\"wrong\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(failed.body(), 503, failed.statusCode());
        PrometheusText after = scrape();
        assertEquals("counter", after.types().get("gatehouse_app_errors_total"));
        assertTrue("app errors by route and method", after.named("gatehouse_app_errors_total").stream()
                .anyMatch(sample -> "/api/auth/login".equals(sample.labels().get("route"))
                        && "POST".equals(sample.labels().get("method")) && sample.value() >= 1));
    }
}
