package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * App containers run by the supervisor: the table {@code cluster:instances} prints (state, pid, uptime, memory, CPU,
 * restarts... whatever columns the supervisor has), or, without that command, its {@code gatehouse.instance.*}
 * gauges labelled {@code instance}; restart and scale through the supervisor's own {@code cluster:} commands.
 */
final class InstancesSection {

    static final String METRIC_PREFIX = "gatehouse.instance.";
    static final String NAME_COLUMN = "Instance";
    /** The most app containers ./platform lays out. */
    static final int MAX_INSTANCES = 64;
    static final String SUPERVISOR_PID = "io.gatehouse.cluster.supervisor";
    private static final Pattern SEPARATOR = Pattern.compile("[-+ ]*-[-+ ]*");

    /** The instances as a table: column names in order (the first names the instance), and one row per instance. */
    record Table(List<String> columns, Map<String, Map<String, String>> rows, String note) {

        static Table empty(String note) {
            return new Table(List.of(NAME_COLUMN), Map.of(), note);
        }

        Map<String, Object> json(String operation) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("columns", columns);
            json.put("rows", rows);
            json.put("operation", operation);
            return json;
        }
    }

    private final Supplier<MetricRegistry> registry;
    private final ShellRunner shell;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-console-operation");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Operation> last = new AtomicReference<>();
    private final Supplier<Object> configuredMax;
    private final ConsoleAudit audit;

    InstancesSection(Supplier<MetricRegistry> registry, ShellRunner shell, Supplier<Object> configuredMax,
            ConsoleAudit audit) {
        this.registry = registry;
        this.shell = shell;
        this.configuredMax = configuredMax;
        this.audit = audit;
    }

    /** Who asked for an operation: its outcome is audited in their name, from their address. */
    record Requester(ConsoleUser user, String clientAddress) {
    }

    /** The supervisor's {@code scale.max} when it is configured here, else the platform's limit. */
    int scaleMax() {
        Object configured = configuredMax.get();
        try {
            int max = configured == null ? MAX_INSTANCES : Integer.parseInt(String.valueOf(configured).trim());
            return max >= 1 && max <= MAX_INSTANCES ? max : MAX_INSTANCES;
        } catch (NumberFormatException e) {
            return MAX_INSTANCES;
        }
    }

    boolean present() {
        return shell.has("cluster", "instances") || !fromMetrics().rows().isEmpty();
    }

    void render(PrintWriter out, Page page) {
        out.println("<section id='gh-instances' class='gh-section'><h2>Instances</h2>");
        if (!present()) {
            out.println(Page.absent("supervisor", "gatehouse-cluster") + "</section>");
            return;
        }
        Table table = table();
        if (table.note() != null) {
            out.println("<p class='gh-muted' id='gh-instances-note'>" + esc(table.note()) + "</p>");
        }
        out.print("<table class='gh-table' id='gh-instance-table'><thead><tr>");
        table.columns().forEach(c -> out.print("<th data-col='" + esc(c) + "'>" + esc(c) + "</th>"));
        out.println("<th>Actions</th></tr></thead><tbody>");
        table.rows().forEach((name, cells) -> {
            out.print("<tr data-instance='" + esc(name) + "'>");
            for (String c : table.columns()) {
                out.print("<td data-col='" + esc(c) + "'" + (c.equals(NAME_COLUMN) ? " class='id'" : "") + ">"
                        + esc(cells.getOrDefault(c, "")) + "</td>");
            }
            out.println("<td class='actions'>" + page.form("restart", "Restart", "instance", name) + "</td></tr>");
        });
        if (table.rows().isEmpty()) {
            out.println("<tr class='gh-empty'><td colspan='" + (table.columns().size() + 1)
                    + "'>No app container is supervised here.</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<p>Last operation: <span id='gh-operation'>" + esc(lastOperation()) + "</span></p>");
        out.println("<form method='post' class='gh-form' id='gh-scale-form'>" + page.csrfField()
                + "<input type='hidden' name='action' value='scale'/>"
                + "<label>App containers <input type='text' inputmode='numeric' name='count' id='gh-scale-count' value='"
                + table.rows().size() + "'/></label> <button type='submit'>Scale</button></form>");
        out.println("<form method='post' class='gh-form' id='gh-restart-form'>" + page.csrfField()
                + "<input type='hidden' name='action' value='restart'/><label>Instance <input type='text'"
                + " name='instance' id='gh-restart-instance'/></label> <button type='submit'>Restart</button></form>");
        out.println("</section>");
    }

    ActionResult restart(String raw, Requester requester) {
        String name = raw == null ? "" : raw.trim();
        if (!shell.has("cluster", "restart")) {
            return ActionResult.unavailable(present()
                    ? "This supervisor has no cluster:restart command: it restarts crashed instances by itself."
                    : "The supervisor is not running: no instance can be restarted.");
        }
        List<String> known = new ArrayList<>(table().rows().keySet());
        if (!known.contains(name)) {
            return ActionResult.badInput("No instance '" + name + "': known instances are "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)) + ". Nothing was restarted.");
        }
        return runAction("cluster:restart " + name, "Instance " + name + " is restarting.", "restart",
                "instance=" + name, requester);
    }

    ActionResult scale(String raw, Requester requester) {
        String value = raw == null ? "" : raw.trim();
        int max = scaleMax();
        int count;
        try {
            count = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return ActionResult.badInput("Instance count must be a whole number from 1 to " + max
                    + ", was '" + value + "'. Nothing was changed.");
        }
        if (count < 1 || count > max) {
            return ActionResult.badInput("Instance count must be from 1 to " + max + ", was " + count
                    + ". Nothing was changed.");
        }
        if (!shell.has("cluster", "scale")) {
            return ActionResult.unavailable(present()
                    ? "This supervisor has no cluster:scale command: the app containers cannot be scaled here."
                    : "The supervisor is not running: the app containers cannot be scaled.");
        }
        return runAction("cluster:scale " + count, "Scaling to " + count + " app containers.", "scale",
                "count=" + count, requester);
    }

    /**
     * Starts a supervisor command in the background: a restart or a scale lasts as long as a container's boot, longer
     * than a browser should wait for a page. One at a time; its progress and outcome show as the last operation, and
     * its outcome (success or failure with the reason, duration) is audited as {@code console.<action>.result} in the
     * requester's name, under the operation id its acceptance is audited with.
     */
    private ActionResult runAction(String command, String accepted, String action, String target,
            Requester requester) {
        long now = System.currentTimeMillis();
        Operation previous = last.get();
        Operation running = new Operation(command, now, 0, Operation.RUNNING, "");
        if (previous != null && previous.running() || !last.compareAndSet(previous, running)) {
            Operation busy = last.get();
            return new ActionResult(409, "'" + busy.command() + "' is still running (for "
                    + (now - busy.startedMillis()) / 1000 + " s): one supervisor operation at a time. Nothing was started.");
        }
        String id = UUID.randomUUID().toString();
        try {
            worker.execute(() -> {
                Operation ended;
                try {
                    ended = running.end(Operation.DONE, shell.run(command).trim());
                } catch (RuntimeException e) {
                    ended = running.end(Operation.FAILED, String.valueOf(e.getMessage()));
                } catch (LinkageError e) {
                    // a shell bundle refreshed under the command: the operation ends (failed), the next one may start
                    ended = running.end(Operation.FAILED, e.toString());
                }
                last.set(ended);
                audit.recordOutcome(requester.user(), action, target, !ended.failed(), ended.outcome(),
                        requester.clientAddress(), id);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            last.set(running.end(Operation.FAILED, "the console is stopping"));
            return ActionResult.unavailable("The console is stopping: " + command + " was not started.");
        }
        return ActionResult.started(accepted + " Its progress shows below as the last operation.", id);
    }

    /** The supervisor command the console started last, and how it went. */
    record Operation(String command, long startedMillis, long endedMillis, String state, String output) {

        static final String RUNNING = "running";
        static final String DONE = "done";
        static final String FAILED = "failed";

        boolean running() {
            return RUNNING.equals(state);
        }

        boolean failed() {
            return FAILED.equals(state);
        }

        Operation end(String outcome, String printed) {
            return new Operation(command, startedMillis, System.currentTimeMillis(), outcome, printed);
        }

        String describe(long now) {
            if (running()) {
                return command + ": " + state + " for " + (now - startedMillis) / 1000 + " s";
            }
            return command + ": " + outcome(500);
        }

        /** How it ended, for its audit row: {@code done after 41.2 s (what it printed)}, {@code failed ... (why)}. */
        String outcome() {
            return outcome(ConsoleAudit.MAX_OUTCOME_TARGET);
        }

        private String outcome(int maxOutput) {
            String text = String.format(Locale.ROOT, "%s after %.1f s", state, (endedMillis - startedMillis) / 1000.0);
            String out = output.replaceAll("\\s+", " ").trim();
            return out.isEmpty() ? text : text + " (" + ConsoleAudit.limit(out, maxOutput) + ")";
        }
    }

    /** What the page shows as the last operation. */
    String lastOperation() {
        Operation op = last.get();
        return op == null ? "none since the console started" : op.describe(System.currentTimeMillis());
    }

    void close() {
        worker.shutdownNow();
    }

    /** The instances now: what {@code cluster:instances} prints, or the supervisor's gauges without that command. */
    Table table() {
        Table metrics = fromMetrics();
        if (!shell.has("cluster", "instances")) {
            return metrics;
        }
        String printed;
        try {
            printed = shell.run("cluster:instances");
        } catch (IllegalStateException e) {
            return Table.empty("cluster:instances failed: " + e.getMessage());
        }
        return withCpu(parse(printed), metrics);
    }

    /**
     * Reads a Karaf {@code ShellTable} (header, a line of dashes, then rows, cells split by {@code |}); the first
     * column names the instance. Output with no table (an idle supervisor explains itself) becomes the note.
     */
    static Table parse(String printed) {
        List<String> lines = printed.lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains("|") && SEPARATOR.matcher(lines.get(i + 1).trim()).matches()) {
                List<String> columns = new ArrayList<>(cells(lines.get(i), Integer.MAX_VALUE));
                columns.set(0, NAME_COLUMN);
                Map<String, Map<String, String>> rows = new TreeMap<>(InstancesSection::byNumber);
                for (String line : lines.subList(i + 2, lines.size())) {
                    List<String> cells = cells(line, columns.size());
                    if (cells.get(0).isEmpty()) {
                        continue;
                    }
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 0; c < columns.size(); c++) {
                        row.put(columns.get(c), c < cells.size() ? cells.get(c) : "");
                    }
                    rows.put(cells.get(0), row);
                }
                return new Table(List.copyOf(columns), rows, null);
            }
        }
        String note = printed.trim();
        return Table.empty(note.isEmpty() ? null : note);
    }

    /** Cells of one table line; past {@code max} cells the rest stays in the last one (a '|' inside a value). */
    private static List<String> cells(String line, int max) {
        return Arrays.stream(line.split("\\|", max)).map(String::trim).toList();
    }

    /** app-2 before app-10. */
    static int byNumber(String a, String b) {
        String na = a.replaceAll("\\D", "");
        String nb = b.replaceAll("\\D", "");
        if (!na.isEmpty() && !nb.isEmpty() && a.replaceAll("\\d", "").equals(b.replaceAll("\\d", ""))
                && na.length() < 10 && nb.length() < 10) {
            return Long.compare(Long.parseLong(na), Long.parseLong(nb));
        }
        return a.compareTo(b);
    }

    /** Adds the CPU gauge as a column when the supervisor's table has no CPU column of its own. */
    private static Table withCpu(Table table, Table metrics) {
        if (table.columns().stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).startsWith("CPU"))
                || !metrics.columns().contains("CPU s")) {
            return table;
        }
        List<String> columns = new ArrayList<>(table.columns());
        columns.add("CPU s");
        table.rows().forEach((name, row) -> {
            Map<String, String> m = metrics.rows().get(name);
            row.put("CPU s", m == null ? "" : m.getOrDefault("CPU s", ""));
        });
        return new Table(List.copyOf(columns), table.rows(), table.note());
    }

    /** The supervisor's gauges per instance ({@code up}, {@code memory.bytes}, {@code cpu.seconds}...). */
    Table fromMetrics() {
        MetricRegistry r = registry.get();
        if (r == null) {
            return Table.empty(null);
        }
        Map<String, Map<String, Metric>> found = new MetricLookup(r).byLabel(METRIC_PREFIX, "instance");
        List<String> columns = new ArrayList<>(List.of(NAME_COLUMN));
        Map<String, Map<String, String>> rows = new TreeMap<>(InstancesSection::byNumber);
        found.forEach((instance, metrics) -> {
            Map<String, String> row = new LinkedHashMap<>();
            row.put(NAME_COLUMN, instance);
            new TreeMap<>(metrics).forEach((what, m) -> {
                String column = column(what);
                if (!columns.contains(column)) {
                    columns.add(column);
                }
                row.put(column, Page.plain(MetricLookup.figure(m)));
            });
            rows.put(instance, row);
        });
        return new Table(List.copyOf(columns), rows, null);
    }

    /** A readable column for a gauge: {@code memory.bytes} is "memory bytes", {@code cpu.seconds} "CPU s". */
    static String column(String what) {
        return switch (what) {
            case "cpu.seconds" -> "CPU s";
            case "up" -> "Up";
            case "state" -> "State";
            case "restarts" -> "Restarts";
            case "uptime.seconds" -> "Uptime s";
            case "memory.bytes" -> "Memory bytes";
            default -> what.replace('.', ' ');
        };
    }
}
