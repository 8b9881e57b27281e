package io.gatehouse.app.internal;

import java.lang.management.ManagementFactory;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /health}: what the launcher waits for and the balancer's active health checks probe. */
@Component(service = HealthResource.class)
@JaxrsResource
@Path("/health")
public class HealthResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String health() {
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        return "{\"status\":\"UP\",\"uptimeSeconds\":" + uptimeMillis / 1000 + "}";
    }
}
