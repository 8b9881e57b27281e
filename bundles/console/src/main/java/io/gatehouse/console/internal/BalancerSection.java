package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.LoadBalancer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Backends (state, load, rates, latency; drain and enable) and the balancing strategy (current one, live swap). */
final class BalancerSection {

    private final Supplier<LoadBalancer> balancer;
    private final LiveSampler sampler;

    BalancerSection(Supplier<LoadBalancer> balancer, LiveSampler sampler) {
        this.balancer = balancer;
        this.sampler = sampler;
    }

    void render(PrintWriter out, Page page) {
        LoadBalancer lb = balancer.get();
        out.println("<section id='gh-backends' class='gh-section'><h2>Backends</h2>");
        if (lb == null) {
            out.println(Page.absent("balancer", "gatehouse-balancer"));
            out.println("</section>");
            renderStrategyAbsent(out);
            return;
        }
        Map<String, LiveSampler.BackendRates> rates = sampler.backendRates();
        out.println("<table class='gh-table' id='gh-backend-table'><thead><tr><th>Backend</th><th>State</th>"
                + "<th>Weight</th><th>Active</th><th>Requests</th><th>Requests/s</th><th>Errors/s</th><th>p50 ms</th><th>p99 ms</th>"
                + "<th>Actions</th></tr></thead><tbody>");
        List<Backend> backends = lb.backends();
        for (Backend b : backends) {
            LiveSampler.BackendRates r = rates.get(b.id());
            out.print("<tr data-backend='" + esc(b.id()) + "'><td class='id'>" + esc(b.id())
                    + (b.backup() ? " <em>(backup)</em>" : "") + "</td>");
            out.print("<td class='state state-" + esc(b.state()) + "'>" + esc(b.state()) + "</td>");
            out.print("<td class='weight'>" + b.effectiveWeight() + "/" + b.weight() + "</td>");
            out.print("<td class='active'>" + b.activeRequests() + "</td>");
            out.print("<td class='requests'>" + (r == null ? 0 : r.requests()) + "</td>");
            out.print("<td class='rate'>" + Page.num(r == null ? 0 : r.requestRate()) + "</td>");
            out.print("<td class='errors'>" + Page.num(r == null ? 0 : r.errorRate()) + "</td>");
            out.print("<td class='p50'>" + Page.num(r == null ? Double.NaN : r.p50()) + "</td>");
            out.print("<td class='p99'>" + Page.num(r == null ? Double.NaN : r.p99()) + "</td>");
            out.print("<td class='actions'>");
            out.print(page.form("drain", "Drain", "id", b.id()));
            out.print(page.form("enable", "Enable", "id", b.id()));
            out.println("</td></tr>");
        }
        if (backends.isEmpty()) {
            out.println("<tr class='gh-empty'><td colspan='10'>No backend is registered.</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<form method='post' class='gh-form' id='gh-backend-form'>" + page.csrfField()
                + "<label>Backend id <input type='text' name='id' id='gh-backend-id' placeholder='127.0.0.1:5005'/>"
                + "</label> <button type='submit' name='action' value='drain'>Drain</button>"
                + " <button type='submit' name='action' value='enable'>Enable</button></form>");
        out.println("</section>");

        out.println("<section id='gh-strategy' class='gh-section'><h2>Strategy</h2>");
        Set<String> names = new TreeSet<>(lb.strategies());
        out.println("<p>Current strategy: <strong id='gh-strategy-current'>" + esc(lb.strategy()) + "</strong>"
                + " &middot; available: <span id='gh-strategy-available'>" + esc(String.join(", ", names))
                + "</span></p>");
        out.println("<form method='post' class='gh-form' id='gh-strategy-form'>" + page.csrfField()
                + "<input type='hidden' name='action' value='strategy'/>"
                + "<label>Use strategy <input type='text' name='strategy' id='gh-strategy-input' list='gh-strategies'"
                + " value='" + esc(lb.strategy()) + "'/></label><datalist id='gh-strategies'>");
        for (String n : names) {
            out.print("<option value='" + esc(n) + "'></option>");
        }
        out.println("</datalist> <button type='submit' id='gh-strategy-apply'>Apply</button></form></section>");
    }

    private static void renderStrategyAbsent(PrintWriter out) {
        out.println("<section id='gh-strategy' class='gh-section'><h2>Strategy</h2>"
                + Page.absent("balancer", "gatehouse-balancer") + "</section>");
    }

    ActionResult drain(String id) {
        return backendAction(id, true);
    }

    ActionResult enable(String id) {
        return backendAction(id, false);
    }

    private ActionResult backendAction(String rawId, boolean drain) {
        LoadBalancer lb = balancer.get();
        if (lb == null) {
            return ActionResult.unavailable("The balancer is not running: no backend can be "
                    + (drain ? "drained" : "enabled") + ".");
        }
        String id = rawId == null ? "" : rawId.trim();
        if (id.isEmpty()) {
            return ActionResult.badInput("Backend id is empty: give one of " + ids(lb) + ".");
        }
        boolean known = drain ? lb.drain(id) : lb.enable(id);
        if (!known) {
            return ActionResult.badInput("No backend '" + id + "': known backends are " + ids(lb) + ".");
        }
        return ActionResult.done("Backend " + id + (drain ? " is draining: it finishes its requests and gets no new ones."
                : " is enabled again (slow start)."));
    }

    ActionResult useStrategy(String raw) {
        LoadBalancer lb = balancer.get();
        if (lb == null) {
            return ActionResult.unavailable("The balancer is not running: the strategy cannot be changed.");
        }
        String name = raw == null ? "" : raw.trim();
        Set<String> available = new TreeSet<>(lb.strategies());
        if (!available.contains(name)) {
            return ActionResult.badInput("Unknown strategy '" + name + "': available strategies are "
                    + String.join(", ", available) + ". The strategy stays " + lb.strategy() + ".");
        }
        try {
            lb.useStrategy(name);
        } catch (IllegalArgumentException e) {
            return ActionResult.badInput(e.getMessage() + " The strategy stays " + lb.strategy() + ".");
        }
        return ActionResult.done("Strategy is now " + name + ".");
    }

    /** The live figures of the backends and the strategy, for the page's JSON endpoint; null without a balancer. */
    Map<String, Object> live() {
        LoadBalancer lb = balancer.get();
        if (lb == null) {
            return null;
        }
        Map<String, LiveSampler.BackendRates> rates = sampler.backendRates();
        List<Object> rows = new ArrayList<>();
        for (Backend b : lb.backends()) {
            LiveSampler.BackendRates r = rates.get(b.id());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", b.id());
            row.put("state", b.state().name());
            row.put("weight", b.effectiveWeight() + "/" + b.weight());
            row.put("active", b.activeRequests());
            row.put("requests", r == null ? 0L : r.requests());
            row.put("rate", r == null ? 0.0 : r.requestRate());
            row.put("errors", r == null ? 0.0 : r.errorRate());
            row.put("p50", r == null ? null : r.p50());
            row.put("p99", r == null ? null : r.p99());
            rows.add(row);
        }
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("backends", rows);
        live.put("strategy", lb.strategy());
        live.put("strategies", new TreeSet<>(lb.strategies()));
        return live;
    }

    private static String ids(LoadBalancer lb) {
        List<String> ids = new ArrayList<>();
        lb.backends().forEach(b -> ids.add(b.id()));
        return ids.isEmpty() ? "(none)" : String.join(", ", ids);
    }
}
