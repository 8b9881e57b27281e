package io.gatehouse.app.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;

class ApiReadinessTest {

    private static final List<String> RESOURCES = List.of(AuthResource.class.getName(), MeResource.class.getName(),
            RecordsResource.class.getName(), AdminResource.class.getName());
    private static final List<String> ALL = List.of("AuthResource", "MeResource", "RecordsResource", "AdminResource");

    private static Map<String, Long> registered(long firstId) {
        Map<String, Long> ids = new HashMap<>();
        long id = firstId;
        for (String resource : RESOURCES) {
            ids.put(resource, id++);
        }
        return ids;
    }

    private static ApplicationDTO application(long... serviceIds) {
        ApplicationDTO application = new ApplicationDTO();
        application.resourceDTOs = new ResourceDTO[serviceIds.length];
        for (int i = 0; i < serviceIds.length; i++) {
            application.resourceDTOs[i] = new ResourceDTO();
            application.resourceDTOs[i].serviceId = serviceIds[i];
        }
        return application;
    }

    private static RuntimeDTO runtime(ApplicationDTO defaultApplication, ApplicationDTO... others) {
        RuntimeDTO runtime = new RuntimeDTO();
        runtime.defaultApplication = defaultApplication;
        runtime.applicationDTOs = others;
        return runtime;
    }

    @Test
    void everyResourceServedByTheDefaultApplicationIsReady() {
        assertEquals(List.of(), ApiReadiness.missing(RESOURCES, registered(10), runtime(application(9, 10, 11, 12, 13))));
    }

    @Test
    void aResourceRegisteredButNotYetAddedByTheWhiteboardIsMissing() {
        // AuthResource (id 10) is published as a service, the whiteboard has not added it yet: /api/auth/login is 404
        assertEquals(List.of("AuthResource"), ApiReadiness.missing(RESOURCES, registered(10), runtime(application(9, 11, 12, 13))));
    }

    @Test
    void aResourceNotRegisteredYetIsMissing() {
        Map<String, Long> ids = registered(10);
        ids.remove(AdminResource.class.getName());
        assertEquals(List.of("AdminResource"), ApiReadiness.missing(RESOURCES, ids, runtime(application(10, 11, 12, 13))));
    }

    @Test
    void aResourceServedByANamedApplicationCounts() {
        assertEquals(List.of(), ApiReadiness.missing(RESOURCES, registered(10), runtime(application(10, 11), application(12, 13))));
    }

    @Test
    void withoutAWhiteboardNothingIsServed() {
        assertEquals(ALL, ApiReadiness.missing(RESOURCES, registered(10), null));
        assertEquals(ALL, ApiReadiness.missing(RESOURCES, registered(10), runtime(null)));
        assertEquals(ALL, ApiReadiness.missing(RESOURCES, Map.of(), runtime(application(10, 11, 12, 13))));
    }

    private static ComponentDescriptionDTO component(String service, Object resourceFlag) {
        ComponentDescriptionDTO component = new ComponentDescriptionDTO();
        component.name = service;
        component.serviceInterfaces = service == null ? new String[0] : new String[] {service};
        component.properties = new Hashtable<>();
        if (resourceFlag != null) {
            component.properties.put("osgi.jaxrs.resource", resourceFlag);
        }
        return component;
    }

    @Test
    void theResourcesAreTheComponentsMarkedAsJaxrsResources() {
        assertEquals(List.of("a.Auth", "a.Me"), ApiReadiness.resources(List.of(component("a.Auth", Boolean.TRUE),
                component("a.Me", "true"), component("a.Store", null), component("a.Off", "false"),
                component(null, Boolean.TRUE))));
        assertEquals(List.of(), ApiReadiness.resources(List.of()));
    }
}
