package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's Instances section against a real supervised platform: {@code ./platform start} with one app
 * container and PostgreSQL on private ports, the gateway's supervisor adopting it. The page shows what
 * {@code cluster:instances} shows; Restart on a row restarts that container (its restart count goes up); Scale to 2
 * starts a second one that serves; bad counts change nothing; the supervisor's monitoring points are at /metrics.
 * The gateway also keeps the audit trail in the platform's PostgreSQL: each operation's outcome is audited there.
 */
public class ConsolePlatformIT {

    private static final String PAGE = "/system/console/gatehouse";
    /** The gateway role without the public listener, for a ./platform that cannot move it off 8443 and 8080. */
    private static final String GATEWAY_FEATURES =
            "gatehouse-balancer gatehouse-strategies gatehouse-security gatehouse-ratelimit gatehouse-cluster gatehouse-console";

    /** What the gateway needs to keep an audit trail in the platform's database. */
    private static final String AUDIT_FEATURES = "gatehouse-persistence gatehouse-audit";

    private static Path work;
    private static PlatformScript platform;
    private static String password;
    private static ChromeDriver browser;
    /** Whether the gateway runs the public listener (on free ports). */
    private static boolean listener;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void startPlatform() throws Exception {
        work = Files.createTempDirectory("gatehouse-console-platform-it");
        // ports for two app containers, one started: the second is for the scale action
        platform = new PlatformScript(work.resolve("runtime")).freePorts(2);
        platform.env.put("GATEHOUSE_APP_INSTANCES", "1");
        listener = Files.readString(platform.root.resolve("platform")).contains("LISTENER_HTTPS_PORT");
        // the gateway's role as platform.conf ships it (without the public listener when this ./platform cannot
        // move it off its default ports), plus the audit trail in the platform's PostgreSQL, where the console
        // audits its actions and their outcomes
        String gatewayFeatures = listener ? shippedGatewayFeatures() : GATEWAY_FEATURES;
        platform.env.put("GATEHOUSE_GATEWAY_FEATURES", gatewayFeatures.contains("gatehouse-audit") ? gatewayFeatures
                : gatewayFeatures + " " + AUDIT_FEATURES);
        platform.env.put("GATEHOUSE_WATCHDOG", "off");
        platform.env.put("GATEHOUSE_START_TIMEOUT", "300");
        boolean started = false;
        try {
            PlatformScript.Result start = platform.run(420, "start");
            assertEquals("start failed: " + start, 0, start.exitCode);
            started = true;
        } finally {
            if (!started) {
                stopPlatform();
            }
        }
        password = Files.readString(platform.runtime.resolve("admin-password"), StandardCharsets.UTF_8).trim();
        awaitInstances("app-1 running", rows -> "running".equals(cell(rows, "app-1", "State")), Duration.ofSeconds(120));
        browser = HeadlessChromium.start();
    }

    @AfterClass
    public static void stopPlatform() throws Exception {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        try {
            if (platform != null) {
                platform.run(120, "stop");
            }
        } finally {
            if (platform != null) {
                platform.killLeftovers();
            }
            if (work != null) {
                Folders.delete(work);
            }
        }
    }

    /** GATEWAY_FEATURES as platform.conf ships it. */
    private static String shippedGatewayFeatures() throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^GATEWAY_FEATURES=\"([^\"]*)\"")
                .matcher(Files.readString(PlatformScript.repositoryRoot().resolve("platform.conf")));
        assertTrue("GATEWAY_FEATURES in platform.conf", m.find());
        return m.group(1);
    }

    private static String gateway(String path) {
        return "http://127.0.0.1:" + platform.port("GATEWAY_HTTP_PORT") + path;
    }

    private static int appPort(int instance) {
        return platform.port("APP_HTTP_PORT_BASE") + instance - 1;
    }

    /** Runs a command in the gateway's shell through {@code ./platform exec}. */
    private static String exec(String command) {
        PlatformScript.Result r = platform.run(90, "exec", command);
        assertEquals(command + ": " + r, 0, r.exitCode);
        return r.output;
    }

    /** {@code cluster:instances} as rows of cells by column name. */
    static Map<String, Map<String, String>> instances() {
        return table(exec("cluster:instances"));
    }

    static Map<String, Map<String, String>> table(String printed) {
        List<String> lines = printed.lines().toList();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains("|") && lines.get(i + 1).trim().matches("[-+ ]*-[-+ ]*")) {
                List<String> columns = List.of(lines.get(i).split("\\|")).stream().map(String::trim).toList();
                for (String line : lines.subList(i + 2, lines.size())) {
                    String[] cells = line.split("\\|", columns.size());
                    if (cells.length < 2) {
                        continue;
                    }
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 0; c < columns.size(); c++) {
                        row.put(columns.get(c), c < cells.length ? cells[c].trim() : "");
                    }
                    rows.put(cells[0].trim(), row);
                }
                return rows;
            }
        }
        return rows;
    }

    static String cell(Map<String, Map<String, String>> rows, String instance, String column) {
        Map<String, String> row = rows.get(instance);
        return row == null ? null : row.get(column);
    }

    private static Map<String, Map<String, String>> awaitInstances(String what,
            Predicate<Map<String, Map<String, String>>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Map<String, String>> rows = Map.of();
        while (System.nanoTime() < deadline) {
            rows = instances();
            if (condition.test(rows)) {
                return rows;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("cluster:instances never showed " + what + " within " + timeout + ": " + rows);
    }

    private void open() {
        browser.get("http://admin:" + password + "@127.0.0.1:" + platform.port("GATEWAY_HTTP_PORT") + PAGE);
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> !d.findElements(By.id("gh-instance-table")).isEmpty());
    }

    /** Types {@code count} into the page's scale form and submits it. */
    private void askScale(String count) {
        WebElement field = browser.findElement(By.id("gh-scale-count"));
        field.clear();
        field.sendKeys(count);
        browser.findElement(By.cssSelector("#gh-scale-form button")).click();
    }

    private void awaitMessage(String expected) {
        new WebDriverWait(browser, Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "the page never said '" + expected + "'")
                .until(d -> !d.findElements(By.id("gh-message")).isEmpty()
                        && d.findElement(By.id("gh-message")).getText().contains(expected));
    }

    private static By instanceCell(String instance, String column) {
        return By.cssSelector("#gh-instance-table tr[data-instance='" + instance + "'] td[data-col='" + column + "']");
    }

    private static boolean has(String command) {
        PlatformScript.Result r = platform.run(60, "exec", command + " --help");
        return r.exitCode == 0 && !r.output.contains("Command not found");
    }

    @Test
    public void theInstancesSectionShowsWhatTheSupervisorKnows() throws Exception {
        Map<String, Map<String, String>> rows = instances();
        open();
        // every column the supervisor prints (state, pid, uptime, memory, restarts...) is on the page, same row
        List<String> headers = new ArrayList<>();
        for (WebElement th : browser.findElements(By.cssSelector("#gh-instance-table th[data-col]"))) {
            headers.add(th.getText());
        }
        assertEquals(new ArrayList<>(rows.get("app-1").keySet()).subList(1, rows.get("app-1").size()),
                headers.subList(1, headers.size()));
        List<String> required = new ArrayList<>(List.of("State", "PID", "Uptime", "Memory", "Restarts"));
        if (has("cluster:scale")) {
            required.add("CPU"); // the supervisor that scales also measures CPU time
        }
        for (String column : required) {
            assertTrue(column + " shown: " + headers, headers.contains(column));
        }
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> "running".equals(d.findElement(instanceCell("app-1", "State")).getText()));
        String pid = cell(instances(), "app-1", "PID");
        assertTrue("a pid: " + pid, pid.matches("[0-9]+"));
        assertEquals(pid, browser.findElement(instanceCell("app-1", "PID")).getText());
        assertTrue(browser.findElement(instanceCell("app-1", "Memory")).getText().endsWith("MB"));

        // bad counts: a message naming the value, and no container started or stopped
        for (String[] bad : new String[][] {{"-1", "was -1"}, {"abc", "was 'abc'"}, {"", "was ''"}}) {
            askScale(bad[0]);
            awaitMessage(bad[1]);
            assertTrue(browser.findElement(By.id("gh-message")).getText().contains("Nothing was changed"));
        }
        WebElement name = browser.findElement(By.id("gh-restart-instance"));
        name.clear();
        name.sendKeys("app-9");
        browser.findElement(By.cssSelector("#gh-restart-form button")).click();
        awaitMessage(has("cluster:restart") ? "No instance 'app-9': known instances are " + String.join(", ", rows.keySet())
                : "cluster:restart");
        Map<String, Map<String, String>> after = instances();
        assertEquals(pid, cell(after, "app-1", "PID"));
        assertEquals("no container started or stopped", rows.keySet(), after.keySet());
    }

    @Test
    public void theSupervisorsMonitoringPointsAreAtMetrics() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway("/metrics"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        PrometheusText metrics = PrometheusText.parse(r.body());
        // instance state (1 running, 0 not), memory, restart count, uptime, per instance
        for (String series : List.of("gatehouse_instance_up", "gatehouse_instance_memory_bytes",
                "gatehouse_instance_restarts", "gatehouse_instance_uptime_seconds")) {
            assertTrue(series + " for app-1 in\n" + r.body(), metrics.named(series).stream()
                    .anyMatch(s -> "app-1".equals(s.labels().get("instance"))));
            assertEquals(series, "gauge", metrics.types().get(series));
        }
        if (has("cluster:scale")) {
            assertEquals("gauge", metrics.types().get("gatehouse_instance_cpu_seconds"));
            assertTrue("CPU seconds of app-1", value(metrics, "gatehouse_instance_cpu_seconds", "app-1") > 0);
        }
        assertEquals(1.0, value(metrics, "gatehouse_instance_up", "app-1"), 0);
        assertTrue(value(metrics, "gatehouse_instance_memory_bytes", "app-1") > 0);
    }

    private static double value(PrometheusText metrics, String name, String instance) {
        return metrics.named(name).stream().filter(s -> instance.equals(s.labels().get("instance")))
                .mapToDouble(PrometheusText.Sample::value).findFirst().orElse(Double.NaN);
    }

    @Test
    public void restartFromThePageThenScaleToTwo() throws Exception {
        assertTrue("the supervisor offers cluster:restart and cluster:scale",
                has("cluster:restart") && has("cluster:scale"));
        Map<String, Map<String, String>> before = instances();
        int restarts = Integer.parseInt(cell(before, "app-1", "Restarts"));
        String pid = cell(before, "app-1", "PID");

        open();
        browser.findElement(By.cssSelector("#gh-instance-table tr[data-instance='app-1'] button.gh-restart")).click();
        awaitMessage("Instance app-1 is restarting");
        // one operation at a time: a restart lasts at least the supervisor's start.settleSeconds (5 s), so a scale
        // asked for at once is refused, naming the restart
        askScale("2");
        awaitMessage("'cluster:restart app-1' is still running");
        // the page follows the operation it started, kept live by its script
        awaitOperation("cluster:restart app-1: done");
        // its outcome reaches the audit trail in PostgreSQL, paired with its acceptance by the operation id
        awaitOutcomeAudited("console.restart", "instance=app-1");
        Map<String, Map<String, String>> restarted = awaitInstances("app-1 restarted", rows ->
                "running".equals(cell(rows, "app-1", "State")) && !pid.equals(cell(rows, "app-1", "PID")),
                Duration.ofSeconds(60));
        assertTrue("restart count of app-1 went up from " + restarts + ": " + restarted,
                Integer.parseInt(cell(restarted, "app-1", "Restarts")) > restarts);
        awaitHealth(1);

        open();
        askScale("2");
        awaitMessage("Scaling to 2 app containers");
        awaitOperation("cluster:scale 2: done");
        awaitOutcomeAudited("console.scale", "count=2");
        awaitInstances("app-2 running", rows -> "running".equals(cell(rows, "app-2", "State")), Duration.ofSeconds(60));
        awaitHealth(2);
        // the gateway balances over it too
        String backend = "127.0.0.1:" + appPort(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String backends = exec("balancer:backends");
        while (!backends.lines().anyMatch(l -> l.contains(backend) && l.contains("UP")) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            backends = exec("balancer:backends");
        }
        assertTrue("app-2 (" + backend + ") UP in the balancer:\n" + backends,
                backends.lines().anyMatch(l -> l.contains(backend) && l.contains("UP")));
        // the page lists it too, kept live by its script
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> !d.findElements(instanceCell("app-2", "State")).isEmpty()
                        && "running".equals(d.findElement(instanceCell("app-2", "State")).getText()));
        assertFalse(instances().isEmpty());
    }

    /**
     * Waits until {@code audit:tail} (the audit trail in PostgreSQL) holds the successful outcome of the operation
     * admin started, {@code <action>.result} with its target, duration and output, under the request id of its
     * acceptance; then the page's audit view shows it too.
     */
    private void awaitOutcomeAudited(String action, String target) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Map<String, String>> rows = Map.of();
        while (System.nanoTime() < deadline) {
            rows = table(exec("audit:tail 50"));
            Map<String, String> outcome = rows.values().stream()
                    .filter(r -> (action + ".result").equals(r.get("Action"))).reduce((a, b) -> b).orElse(null);
            if (outcome != null) {
                assertEquals(outcome.toString(), "admin", outcome.get("Actor"));
                assertEquals(outcome.toString(), "success", outcome.get("Outcome"));
                assertTrue(outcome.toString(), outcome.get("Target").startsWith(target + ": done after "));
                String operation = outcome.get("Request");
                assertTrue(outcome.toString(), operation.matches("[0-9a-f-]{36}"));
                assertTrue("the acceptance of " + action + " under " + operation + " in " + rows, rows.values().stream()
                        .anyMatch(r -> action.equals(r.get("Action")) && operation.equals(r.get("Request"))
                                && (target).equals(r.get("Target")) && "success".equals(r.get("Outcome"))));
                open();
                assertTrue(browser.findElement(By.id("gh-audit-tail")).getText().contains(action + ".result"));
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no " + action + ".result in audit:tail within 60 s: " + rows);
    }

    /** Waits until the page's "last operation" says {@code expected}; a failed operation fails at once. */
    private void awaitOperation(String expected) {
        new WebDriverWait(browser, Duration.ofSeconds(300)).ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "the page's last operation never said '" + expected + "': "
                        + browser.findElement(By.id("gh-operation")).getText())
                .until(d -> {
                    String op = d.findElement(By.id("gh-operation")).getText();
                    if (op.contains(": failed")) {
                        throw new AssertionError("the operation failed: " + op);
                    }
                    return op.contains(expected);
                });
    }

    /** The app container answers /health 200 on its own port (its database reachable): it serves. */
    private static void awaitHealth(int instance) throws Exception {
        URI health = URI.create("http://127.0.0.1:" + appPort(instance) + "/health");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("app-" + instance + " does not serve " + health + ": " + last);
    }
}
