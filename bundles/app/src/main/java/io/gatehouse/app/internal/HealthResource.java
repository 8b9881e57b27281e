package io.gatehouse.app.internal;

import io.gatehouse.api.persistence.SchemaMigrations;
import io.gatehouse.app.internal.web.ApiReadiness;
import io.gatehouse.app.internal.web.ApiResource;
import java.sql.Connection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Response;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /health} -> {@code {"status":"UP","db":"up","api":"up"}} (200), or 503 with {@code "DOWN"} when the
 * database does not answer a validity check within {@link #CHECK_SECONDS}, the application schema is not ready or
 * a resource of the API is not served yet ({@code "api":"starting"}, see {@link ApiReadiness}), so the balancer's
 * active health checks keep the container out of rotation. Results are cached for a second.
 */
@Component(service = HealthResource.class)
@JaxrsResource
@JaxrsExtensionSelect({ApiResource.JSON, ApiResource.ERRORS})
@Path("/health")
public class HealthResource {

    static final int CHECK_SECONDS = 2;
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Reference(target = SchemaMigrations.DATASOURCE_FILTER, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DataSource dataSource;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AppDatabase database;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile JaxrsServiceRuntime whiteboard;

    /** Describes the bundle's components, so the API's resources are found rather than listed. */
    @Reference
    private ServiceComponentRuntime components;

    private final BundleContext context;
    private final ExecutorService checker = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gatehouse-app-health");
        t.setDaemon(true);
        return t;
    });
    private volatile long checkedAt;
    private volatile boolean dbUp;
    private volatile long apiCheckedAt;
    private volatile boolean apiUp;

    @Activate
    public HealthResource(BundleContext context) {
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        checker.shutdownNow();
    }

    @GET
    @Produces(ApiResource.JSON_UTF8)
    public Response health() {
        boolean db = databaseUp();
        AppDatabase app = database;
        boolean api = apiServed();
        boolean up = db && app != null && app.ready() && api;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("db", db ? "up" : "down");
        body.put("api", api ? "up" : "starting");
        return Response.status(up ? 200 : 503).entity(body).build();
    }

    private boolean apiServed() {
        long now = System.nanoTime();
        if (now - apiCheckedAt < CACHE_NANOS) {
            return apiUp;
        }
        Map<String, Long> registered = new HashMap<>();
        ServiceReference<?>[] services = context.getBundle().getRegisteredServices();
        for (ServiceReference<?> service : services == null ? new ServiceReference<?>[0] : services) {
            for (String type : (String[]) service.getProperty(Constants.OBJECTCLASS)) {
                registered.put(type, (Long) service.getProperty(Constants.SERVICE_ID));
            }
        }
        JaxrsServiceRuntime runtime = whiteboard;
        List<String> resources = ApiReadiness.resources(components.getComponentDescriptionDTOs(context.getBundle()));
        List<String> missing = ApiReadiness.missing(resources, registered,
                runtime == null ? null : runtime.getRuntimeDTO());
        apiUp = missing.isEmpty();
        apiCheckedAt = System.nanoTime();
        return apiUp;
    }

    private boolean databaseUp() {
        long now = System.nanoTime();
        if (now - checkedAt < CACHE_NANOS) {
            return dbUp;
        }
        DataSource ds = dataSource;
        boolean up = false;
        if (ds != null) {
            CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> {
                try (Connection c = ds.getConnection()) {
                    return c.isValid(CHECK_SECONDS);
                } catch (Exception e) {
                    return false;
                }
            }, checker);
            try {
                up = check.get(CHECK_SECONDS + 1L, TimeUnit.SECONDS);
            } catch (Exception e) {
                check.cancel(true);
            }
        }
        dbUp = up;
        checkedAt = System.nanoTime();
        return up;
    }
}
