package io.gatehouse.app.internal.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;

/**
 * Whether every resource of the API is being served, as the JAX-RS whiteboard reports it. A resource component is
 * published once its references are satisfied, and the whiteboard adds it to the application some time later (after
 * its JSON and error extensions): until then its paths answer 404. {@code /health} stays 503 until none is missing,
 * so a balancer never sends requests to a container whose API is still being assembled.
 */
public final class ApiReadiness {

    /** The resources the API needs, by the service class each is registered under. */
    public static final List<String> RESOURCES = List.of(AuthResource.class.getName(), MeResource.class.getName(),
            RecordsResource.class.getName(), AdminResource.class.getName());

    private ApiReadiness() {
    }

    /**
     * The simple names of the {@link #RESOURCES} not served yet: not registered as a service ({@code registered}
     * maps a service class to its service id), or registered but in no application of the whiteboard's
     * {@code runtime} (still being added, or failed). All of them when there is no runtime.
     */
    public static List<String> missing(Map<String, Long> registered, RuntimeDTO runtime) {
        Set<Long> served = new HashSet<>();
        if (runtime != null) {
            collect(runtime.defaultApplication, served);
            if (runtime.applicationDTOs != null) {
                for (ApplicationDTO application : runtime.applicationDTOs) {
                    collect(application, served);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String resource : RESOURCES) {
            Long id = registered.get(resource);
            if (id == null || !served.contains(id)) {
                missing.add(resource.substring(resource.lastIndexOf('.') + 1));
            }
        }
        return missing;
    }

    private static void collect(ApplicationDTO application, Set<Long> served) {
        if (application == null || application.resourceDTOs == null) {
            return;
        }
        for (ResourceDTO resource : application.resourceDTOs) {
            served.add(resource.serviceId);
        }
    }
}
