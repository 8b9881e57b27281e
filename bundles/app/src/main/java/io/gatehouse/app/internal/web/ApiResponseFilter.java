package io.gatehouse.app.internal.web;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.metrics.MetricNames;
import io.gatehouse.app.internal.json.JsonProvider;
import java.util.concurrent.TimeUnit;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

/**
 * On every response: per-route metrics ({@code gatehouse.app.requests}, {@code .latency}, {@code .errors}) and the
 * headers that keep a browser from reading the API as anything but data (JSON with a charset, nosniff, no caching,
 * a CSP that allows nothing), and the Bearer challenge on every 401.
 */
@Component(service = {ContainerRequestFilter.class, ContainerResponseFilter.class})
@JaxrsExtension
@JaxrsName("gatehouse.api-response")
@JaxrsExtensionSelect(JsonProvider.SELECT)
@PreMatching
public class ApiResponseFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE",
            "PATCH", "OPTIONS");
    private static final String START = ApiResponseFilter.class.getName() + ".start";
    /** Bearer (RFC 6750): a browser shows no password dialog for it, unlike Basic. */
    static final String CHALLENGE = "Bearer realm=\"gatehouse\"";
    private final MetricRegistry registry;

    @Activate
    public ApiResponseFilter(@Reference MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MediaType type = response.getMediaType();
        if (type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            response.getHeaders().putSingle("Content-Type", ErrorMapper.JSON_UTF8);
        }
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        response.getHeaders().putSingle("Cache-Control", "no-store");
        response.getHeaders().putSingle("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        if (response.getStatus() == 401) {
            // RFC 9110 15.5.2: a 401 names its scheme; proxies (the gateway's HTTP client) refuse one without it
            response.getHeaders().putSingle("WWW-Authenticate", CHALLENGE);
        }

        String route = Routes.of(request.getUriInfo().getPath());
        String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER";
        int status = response.getStatus();
        registry.counter(MetricNames.name("gatehouse.app.requests", "route", route, "method", method,
                "status", String.valueOf(status))).inc();
        if (status >= 500) {
            registry.counter(MetricNames.name("gatehouse.app.errors", "route", route, "method", method)).inc();
        }
        Object start = request.getProperty(START);
        if (start instanceof Long nanos) {
            registry.timer(MetricNames.name("gatehouse.app.latency", "route", route, "method", method))
                    .update(System.nanoTime() - nanos, TimeUnit.NANOSECONDS);
        }
    }
}
