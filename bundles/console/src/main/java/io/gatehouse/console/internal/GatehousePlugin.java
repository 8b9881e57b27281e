package io.gatehouse.console.internal;

import static io.gatehouse.console.internal.Html.esc;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.audit.AuditLog;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.util.json.JsonWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.Servlet;
import javax.sql.DataSource;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.AbstractWebConsolePlugin;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gatehouse page of the web console, {@code /system/console/gatehouse}: backends, strategy, rate limits,
 * instances, audit and live charts. Every service is optional: a section whose service is absent says so.
 * <p>
 * GET renders the page (or {@code data.json}, the live figures the page polls, or a static resource); POST runs one
 * action, only for an admin, only with the page's CSRF token, and audits it whatever its outcome.
 */
@Component(service = Servlet.class, property = {
    "felix.webconsole.label=" + GatehousePlugin.LABEL,
    "felix.webconsole.title=Gatehouse",
    "felix.webconsole.category=Gatehouse"})
public class GatehousePlugin extends AbstractWebConsolePlugin {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GatehousePlugin.class);

    static final String LABEL = "gatehouse";
    static final String RESOURCES = "/" + LABEL + "/res/";
    static final Set<String> RESOURCE_NAMES = Set.of("gatehouse.js", "gatehouse.css");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoadBalancer balancer;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog auditLog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SessionFactory sessionFactory;

    /** The Gatehouse database (pax-jdbc-config, etc/org.ops4j.datasource-gatehouse.cfg), for security events. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(osgi.jndi.service.name=jdbc/gatehouse)")
    private volatile DataSource dataSource;

    private final transient CsrfTokens csrf = new CsrfTokens();
    private final transient LiveSampler sampler = new LiveSampler(() -> balancer, () -> registry);
    private final transient ShellRunner shell = new ShellRunner(() -> sessionFactory);
    private final transient BalancerSection balancerSection = new BalancerSection(() -> balancer, sampler);
    private final transient RateLimitSection rateLimits =
            new RateLimitSection(() -> configAdmin, () -> registry, new ZoneValidator());
    private final transient AuditSection audit =
            new AuditSection(shell, new SecurityEventsTable(() -> dataSource));
    private final transient ConsoleAudit consoleAudit = new ConsoleAudit(() -> auditLog);
    private final transient InstancesSection instances =
            new InstancesSection(() -> registry, shell, () -> supervisorSetting("scale.max"), consoleAudit);
    private transient ScheduledExecutorService timer;

    @Activate
    void start(BundleContext context) {
        activate(context);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-console-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                sampler.sample(System.currentTimeMillis());
            } catch (RuntimeException e) {
                LOG.warn("console sample failed", e);
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void stop() {
        timer.shutdownNow();
        instances.close();
        deactivate();
    }

    @Override
    public String getLabel() {
        return LABEL;
    }

    @Override
    public String getTitle() {
        return "Gatehouse";
    }

    @Override
    public String getCategory() {
        return "Gatehouse";
    }

    @Override
    protected String[] getCssReferences() {
        return new String[] {RESOURCES + "gatehouse.css"};
    }

    /** Static resources of the page, found by the web console through reflection. */
    public URL getResource(String path) {
        if (path == null || !path.startsWith(RESOURCES)) {
            return null;
        }
        String name = path.substring(RESOURCES.length());
        return RESOURCE_NAMES.contains(name) ? getClass().getResource("/res/" + name) : null;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        securityHeaders(response);
        String path = request.getPathInfo();
        if (path != null && path.equals("/" + LABEL + "/data.json")) {
            json(request, response);
            return;
        }
        super.doGet(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        securityHeaders(response);
        ConsoleUser user = ConsoleUser.from(request);
        String action = param(request, "action");
        String target = target(request);
        ActionResult result;
        if (!user.isAdmin()) {
            result = ActionResult.forbidden("User '" + user.name() + "' may look but not change anything: "
                    + "only the admin role may " + (action.isEmpty() ? "act" : action) + ".");
        } else if (!csrf.valid(user.name(), request.getParameter(CsrfTokens.FIELD))) {
            result = ActionResult.forbidden("The form's security token is missing or stale: reload the page and "
                    + "try again. Nothing was changed.");
        } else {
            result = perform(action, request, user);
        }
        consoleAudit.record(user, action.isEmpty() ? "unknown" : action, target, result, request.getRemoteAddr());
        response.setStatus(result.status());
        request.setAttribute(ActionResult.class.getName(), result);
        PrintWriter out = startResponse(request, response);
        renderTopNavigation(request, out);
        renderContent(request, response);
        endResponse(out);
    }

    private ActionResult perform(String action, HttpServletRequest request, ConsoleUser user) {
        InstancesSection.Requester requester = new InstancesSection.Requester(user, request.getRemoteAddr());
        return switch (action) {
            case "drain" -> balancerSection.drain(param(request, "id"));
            case "enable" -> balancerSection.enable(param(request, "id"));
            case "strategy" -> balancerSection.useStrategy(param(request, "strategy"));
            case "zone" -> rateLimits.edit(param(request, "pid"), zoneFields(request));
            case "restart" -> instances.restart(param(request, "instance"), requester);
            case "scale" -> instances.scale(param(request, "count"), requester);
            default -> ActionResult.badInput("Unknown action '" + action + "': expected drain, enable, strategy, "
                    + "zone, restart or scale.");
        };
    }

    @Override
    protected void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ConsoleUser user = ConsoleUser.from(request);
        Page page = new Page(user, csrf.tokenFor(user.name()));
        PrintWriter out = response.getWriter();
        String appRoot = String.valueOf(request.getAttribute("felix.webconsole.appRoot"));
        out.println("<div id='gh-console' data-app-root='" + esc(appRoot) + "' data-label='" + LABEL + "' data-admin='"
                + user.isAdmin() + "' data-csrf='" + esc(csrf.tokenFor(user.name())) + "'>");
        out.println("<p class='gh-user'>Logged in as <b id='gh-user'>" + esc(user.name()) + "</b> ("
                + (user.isAdmin() ? "admin: may change" : "viewer: read-only") + ")"
                + " &middot; live data <span id='gh-updated'>&ndash;</span></p>");
        Object result = request.getAttribute(ActionResult.class.getName());
        if (result instanceof ActionResult r) {
            out.println("<div id='gh-message' role='alert' class='gh-message " + (r.ok() ? "gh-ok" : "gh-error")
                    + "'>" + esc(r.message()) + "</div>");
        }
        out.println("<section id='gh-charts' class='gh-section'><h2>Live</h2><div class='gh-charts'>"
                + chart("rps", "Requests/s") + chart("latency", "Latency ms (p50, p99)") + chart("errors", "Errors/s")
                + "</div><p class='gh-now'>now: <span id='gh-live-rps'>0</span> req/s, <span id='gh-live-errors'>0"
                + "</span> errors/s (5xx), latency p50 <span id='gh-live-p50'>&ndash;</span> ms, p99 <span"
                + " id='gh-live-p99'>&ndash;</span> ms, <span id='gh-live-active'>0</span> in flight;"
                + " <span id='gh-live-requests'>0</span> requests counted</p></section>");
        balancerSection.render(out, page);
        rateLimits.render(out, page);
        instances.render(out, page);
        audit.render(out, page);
        out.println("</div>");
        out.println("<script src='" + esc(appRoot) + RESOURCES + "gatehouse.js'></script>");
    }

    private static String chart(String id, String title) {
        return "<figure class='gh-chart'><figcaption>" + esc(title) + "</figcaption><canvas id='gh-chart-" + id
                + "' width='360' height='140'></canvas></figure>";
    }

    private void json(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ConsoleUser user = ConsoleUser.from(request);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("time", System.currentTimeMillis());
        data.put("user", user.name());
        data.put("admin", user.isAdmin());
        List<Object> points = new ArrayList<>();
        for (LiveSampler.Point p : sampler.points()) {
            points.add(List.of(p.time(), p.requestRate(), p.errorRate(), p.p50(), p.p99(), p.active()));
        }
        data.put("series", points);
        data.put("requests", sampler.requests());
        data.put("balancer", balancerSection.live());
        data.put("zones", configAdmin == null ? null : rateLimits.live());
        data.put("instances", instances.present() ? instances.table().json(instances.lastOperation()) : null);
        byte[] body = JsonWriter.write(data).getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void securityHeaders(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "same-origin");
    }

    /** A setting of the supervisor's configuration, or null when it has none (never creates the configuration). */
    private Object supervisorSetting(String key) {
        ConfigurationAdmin admin = configAdmin;
        if (admin == null) {
            return null;
        }
        try {
            org.osgi.service.cm.Configuration[] found =
                    admin.listConfigurations("(service.pid=" + InstancesSection.SUPERVISOR_PID + ")");
            return found == null || found.length == 0 || found[0].getProperties() == null ? null
                    : found[0].getProperties().get(key);
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            return null;
        }
    }

    private static String param(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null ? "" : value.trim();
    }

    private static Map<String, String> zoneFields(HttpServletRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Enumeration<String> names = request.getParameterNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            if (name.startsWith(RateLimitSection.FIELD_PREFIX)) {
                fields.put(name.substring(RateLimitSection.FIELD_PREFIX.length()), request.getParameter(name));
            }
        }
        return fields;
    }

    private static String target(HttpServletRequest request) {
        for (String name : List.of("id", "strategy", "pid", "instance", "count")) {
            String value = request.getParameter(name);
            if (value != null) {
                return name + "=" + value;
            }
        }
        return "";
    }
}
