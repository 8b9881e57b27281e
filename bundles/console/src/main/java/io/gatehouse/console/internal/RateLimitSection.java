package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Rate-limit zones: the factory configurations {@value #FACTORY_PID}, their live hit counters
 * ({@code gatehouse.ratelimit.*} labelled {@code zone}), and editing a zone through Config Admin after validation.
 */
final class RateLimitSection {

    static final String FACTORY_PID = "io.gatehouse.ratelimit.zone";
    static final String METRIC_PREFIX = "gatehouse.ratelimit.";
    static final String FIELD_PREFIX = "p.";

    private final Supplier<ConfigurationAdmin> configAdmin;
    private final Supplier<MetricRegistry> registry;
    private final ZoneValidator validator;

    RateLimitSection(Supplier<ConfigurationAdmin> configAdmin, Supplier<MetricRegistry> registry,
            ZoneValidator validator) {
        this.configAdmin = configAdmin;
        this.registry = registry;
        this.validator = validator;
    }

    void render(PrintWriter out, Page page) {
        out.println("<section id='gh-zones' class='gh-section'><h2>Rate limits</h2>");
        List<Configuration> zones;
        try {
            zones = zones();
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            out.println("<p class='gh-absent'>Rate-limit zones cannot be read: " + esc(e.getMessage()) + "</p></section>");
            return;
        }
        if (zones == null) {
            out.println(Page.absent("configuration admin", "config") + "</section>");
            return;
        }
        if (zones.isEmpty()) {
            out.println("<p class='gh-absent'>No rate-limit zone is configured (factory configurations "
                    + FACTORY_PID + ").</p></section>");
            return;
        }
        Map<String, Map<String, Long>> hits = hits();
        out.println("<table class='gh-table' id='gh-zone-table'><thead><tr><th>Zone</th><th>Live counters</th>"
                + "<th>Settings</th></tr></thead><tbody>");
        for (Configuration zone : zones) {
            String name = zoneName(zone);
            out.print("<tr data-zone='" + esc(name) + "'><td class='id'>" + esc(name) + "</td><td class='hits'>");
            Map<String, Long> counters = hits.getOrDefault(name, Map.of());
            if (counters.isEmpty()) {
                out.print("<span class='gh-muted'>no counter yet</span>");
            }
            counters.forEach((k, v) -> out.print("<span class='gh-counter' data-counter='" + esc(k) + "'>" + esc(k)
                    + ": <b>" + v + "</b></span> "));
            out.print("</td><td><form method='post' class='gh-form gh-zone-form'>" + page.csrfField()
                    + "<input type='hidden' name='action' value='zone'/>"
                    + "<input type='hidden' name='pid' value='" + esc(zone.getPid()) + "'/>");
            for (Map.Entry<String, Object> p : editable(zone).entrySet()) {
                out.print("<label>" + esc(p.getKey()) + " <input type='text' name='" + esc(FIELD_PREFIX + p.getKey())
                        + "' value='" + esc(show(p.getValue())) + "'/></label> ");
            }
            out.println("<button type='submit'>Save</button></form></td></tr>");
        }
        out.println("</tbody></table></section>");
    }

    /** Applies an edited zone: every field validated first; on any bad value nothing is written. */
    ActionResult edit(String pid, Map<String, String> fields) {
        ConfigurationAdmin ca = configAdmin.get();
        if (ca == null) {
            return ActionResult.unavailable("Configuration Admin is not running: the zone cannot be edited.");
        }
        try {
            Configuration zone = null;
            for (Configuration c : zones()) {
                if (c.getPid().equals(pid)) {
                    zone = c;
                }
            }
            if (zone == null) {
                return ActionResult.badInput("No rate-limit zone with configuration id '" + pid + "'.");
            }
            String name = zoneName(zone);
            Map<String, Object> current = editable(zone);
            Dictionary<String, Object> updated = copy(zone.getProperties());
            List<String> errors = new ArrayList<>();
            for (Map.Entry<String, String> f : fields.entrySet()) {
                if (!current.containsKey(f.getKey())) {
                    errors.add("'" + f.getKey() + "' is not a setting of zone " + name);
                    continue;
                }
                try {
                    updated.put(f.getKey(), validator.convert(f.getKey(), f.getValue(), current.get(f.getKey())));
                } catch (IllegalArgumentException e) {
                    errors.add(e.getMessage());
                }
            }
            if (!errors.isEmpty()) {
                return ActionResult.badInput("Zone " + name + " is unchanged: " + String.join("; ", errors) + ".");
            }
            zone.update(updated);
            return ActionResult.done("Zone " + name + " updated.");
        } catch (IOException | InvalidSyntaxException e) {
            return ActionResult.unavailable("Zone '" + pid + "' could not be written: " + e.getMessage());
        }
    }

    /** Live counters per zone, for the JSON endpoint. */
    Map<String, Map<String, Long>> hits() {
        MetricRegistry r = registry.get();
        Map<String, Map<String, Long>> hits = new TreeMap<>();
        if (r != null) {
            new MetricLookup(r).byLabel(METRIC_PREFIX, "zone").forEach((zone, metrics) -> metrics.forEach((what, m) -> {
                double v = MetricLookup.figure(m);
                if (!Double.isNaN(v)) {
                    hits.computeIfAbsent(zone, k -> new TreeMap<>()).put(what, (long) v);
                }
            }));
        }
        return hits;
    }

    /** The zone configurations, sorted by name; null without Config Admin. */
    List<Configuration> zones() throws IOException, InvalidSyntaxException {
        ConfigurationAdmin ca = configAdmin.get();
        if (ca == null) {
            return null;
        }
        Configuration[] found = ca.listConfigurations("(service.factoryPid=" + FACTORY_PID + ")");
        List<Configuration> zones = new ArrayList<>(found == null ? List.of() : Arrays.asList(found));
        zones.sort(Comparator.comparing(RateLimitSection::zoneName));
        return zones;
    }

    /** The zone's name as the limiter uses it: its {@code name}, else the configuration's name (zone-api.cfg: api). */
    static String zoneName(Configuration c) {
        Dictionary<String, Object> p = c.getProperties();
        Object name = p == null ? null : p.get("name");
        if (name != null && !name.toString().isBlank()) {
            return name.toString();
        }
        String pid = c.getPid();
        return pid.substring(pid.indexOf('~') + 1);
    }

    /** The zone's own settings: everything but Config Admin's and File Install's bookkeeping. */
    static Map<String, Object> editable(Configuration c) {
        Map<String, Object> settings = new TreeMap<>();
        Dictionary<String, Object> p = c.getProperties();
        if (p == null) {
            return settings;
        }
        for (Enumeration<String> keys = p.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!key.startsWith("service.") && !key.startsWith("felix.") && !key.equals("name")
                    && !key.startsWith("component.")) {
                settings.put(key, p.get(key));
            }
        }
        return settings;
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> p) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (Enumeration<String> keys = p.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            copy.put(key, p.get(key));
        }
        return copy;
    }

    static String show(Object value) {
        if (value instanceof Object[] array) {
            return String.join(",", Arrays.stream(array).map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /** Counters per zone as the page's live data. */
    Map<String, Object> live() {
        return new LinkedHashMap<>(hits());
    }
}
