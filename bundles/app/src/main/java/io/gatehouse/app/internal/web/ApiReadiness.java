package io.gatehouse.app.internal.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;
import org.osgi.service.jaxrs.whiteboard.JaxrsWhiteboardConstants;

/**
 * Whether every resource of the API is being served, as the JAX-RS whiteboard reports it. A resource component is
 * published once its references are satisfied, and the whiteboard adds it to the application some time later (after
 * its JSON and error extensions): until then its paths answer 404. {@code /health} stays 503 until none is missing,
 * so a balancer never sends requests to a container whose API is still being assembled.
 */
public final class ApiReadiness {

    private ApiReadiness() {
    }

    /**
     * The resources the API needs: the service class of each of the bundle's components marked as a JAX-RS resource
     * ({@code osgi.jaxrs.resource=true}), as Declarative Services describes them, enabled or not. A resource added to
     * the bundle is waited for with no list to keep up to date; a disabled one keeps the API starting.
     */
    public static List<String> resources(Collection<ComponentDescriptionDTO> components) {
        List<String> resources = new ArrayList<>();
        for (ComponentDescriptionDTO component : components) {
            Object flag = component.properties == null ? null
                    : component.properties.get(JaxrsWhiteboardConstants.JAX_RS_RESOURCE);
            if ("true".equalsIgnoreCase(String.valueOf(flag)) && component.serviceInterfaces != null
                    && component.serviceInterfaces.length > 0) {
                resources.add(component.serviceInterfaces[0]);
            }
        }
        return resources;
    }

    /**
     * The simple names of the {@code resources} not served yet: not registered as a service ({@code registered}
     * maps a service class to its service id), or registered but in no application of the whiteboard's
     * {@code runtime} (still being added, or failed). All of them when there is no runtime.
     */
    public static List<String> missing(List<String> resources, Map<String, Long> registered, RuntimeDTO runtime) {
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
        for (String resource : resources) {
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
