package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import com.codahale.metrics.MetricRegistry;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * App containers run by the supervisor: state, memory, CPU, restarts, uptime (its {@code gatehouse.instance.*}
 * gauges labelled {@code instance}); restart and scale through the supervisor's own {@code cluster:} commands.
 */
final class InstancesSection {

    static final String METRIC_PREFIX = "gatehouse.instance.";
    static final int MAX_INSTANCES = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private final Supplier<MetricRegistry> registry;
    private final ShellRunner shell;

    InstancesSection(Supplier<MetricRegistry> registry, ShellRunner shell) {
        this.registry = registry;
        this.shell = shell;
    }

    boolean present() {
        return shell.has("cluster", "instances") || !instances().isEmpty();
    }

    void render(PrintWriter out, Page page) {
        out.println("<section id='gh-instances' class='gh-section'><h2>Instances</h2>");
        if (!present()) {
            out.println(Page.absent("supervisor", "gatehouse-cluster") + "</section>");
            return;
        }
        Map<String, Map<String, Double>> instances = instances();
        Set<String> columns = new java.util.TreeSet<>();
        instances.values().forEach(m -> columns.addAll(m.keySet()));
        if (!instances.isEmpty()) {
            out.print("<table class='gh-table' id='gh-instance-table'><thead><tr><th>Instance</th>");
            columns.forEach(c -> out.print("<th>" + esc(c) + "</th>"));
            out.println("<th>Actions</th></tr></thead><tbody>");
            instances.forEach((name, figures) -> {
                out.print("<tr data-instance='" + esc(name) + "'><td class='id'>" + esc(name) + "</td>");
                columns.forEach(c -> out.print("<td data-figure='" + esc(c) + "'>"
                        + Page.num(figures.getOrDefault(c, Double.NaN)) + "</td>"));
                out.println("<td>" + page.form("restart", "Restart", "instance", name) + "</td></tr>");
            });
            out.println("</tbody></table>");
        } else {
            out.println("<pre class='gh-pre' id='gh-instances-text'>" + esc(runQuietly("cluster:instances")) + "</pre>");
        }
        out.println("<form method='post' class='gh-form' id='gh-scale-form'>" + page.csrfField()
                + "<input type='hidden' name='action' value='scale'/>"
                + "<label>App containers <input type='text' inputmode='numeric' name='count' id='gh-scale-count' value='"
                + instances.size() + "'/></label> <button type='submit'>Scale</button></form>");
        out.println("<form method='post' class='gh-form' id='gh-restart-form'>" + page.csrfField()
                + "<input type='hidden' name='action' value='restart'/><label>Instance <input type='text'"
                + " name='instance' id='gh-restart-instance'/></label> <button type='submit'>Restart</button></form>");
        out.println("</section>");
    }

    ActionResult restart(String raw) {
        if (!shell.has("cluster", "restart")) {
            return ActionResult.unavailable(present()
                    ? "This supervisor has no cluster:restart command: it restarts crashed instances by itself."
                    : "The supervisor is not running: no instance can be restarted.");
        }
        String name = raw == null ? "" : raw.trim();
        Set<String> known = instances().keySet();
        if (!NAME.matcher(name).matches() || !known.isEmpty() && !known.contains(name)) {
            return ActionResult.badInput("No instance '" + name + "': known instances are "
                    + (known.isEmpty() ? "(none)" : String.join(", ", known)) + ".");
        }
        return runAction("cluster:restart " + name, "Instance " + name + " is restarting.");
    }

    ActionResult scale(String raw) {
        String value = raw == null ? "" : raw.trim();
        int count;
        try {
            count = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return ActionResult.badInput("Instance count must be a whole number from 0 to " + MAX_INSTANCES
                    + ", was '" + value + "'. Nothing was changed.");
        }
        if (count < 0 || count > MAX_INSTANCES) {
            return ActionResult.badInput("Instance count must be from 0 to " + MAX_INSTANCES + ", was " + count
                    + ". Nothing was changed.");
        }
        if (!shell.has("cluster", "scale")) {
            return ActionResult.unavailable(present()
                    ? "This supervisor has no cluster:scale command: the app containers cannot be scaled here."
                    : "The supervisor is not running: the app containers cannot be scaled.");
        }
        return runAction("cluster:scale " + count, "Scaling to " + count + " app containers.");
    }

    private ActionResult runAction(String command, String done) {
        try {
            String printed = shell.run(command).trim();
            return ActionResult.done(done + (printed.isEmpty() ? "" : " " + printed));
        } catch (IllegalStateException e) {
            return ActionResult.badInput(command + " failed: " + e.getMessage());
        }
    }

    private String runQuietly(String command) {
        try {
            return shell.run(command);
        } catch (IllegalStateException e) {
            return command + " failed: " + e.getMessage();
        }
    }

    /** Figures per instance, by what they measure ({@code memory.bytes}, {@code restarts}...). */
    Map<String, Map<String, Double>> instances() {
        Map<String, Map<String, Double>> instances = new TreeMap<>();
        MetricRegistry r = registry.get();
        if (r != null) {
            new MetricLookup(r).byLabel(METRIC_PREFIX, "instance").forEach((instance, metrics) -> metrics
                    .forEach((what, m) -> instances.computeIfAbsent(instance, k -> new TreeMap<>())
                            .put(what, MetricLookup.figure(m))));
        }
        return instances;
    }
}
