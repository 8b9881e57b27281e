package io.gatehouse.app.internal.web;

import io.gatehouse.app.internal.AuthService;
import io.gatehouse.app.internal.security.Caller;
import io.gatehouse.app.internal.security.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /api/me}: who the token belongs to and which roles they hold now. */
@Component(service = MeResource.class)
@JaxrsResource
@JaxrsExtensionSelect({ApiResource.JSON, ApiResource.ERRORS})
@Path("/api/me")
@Produces(ApiResource.JSON_UTF8)
public class MeResource {

    private final AuthService auth;

    @Activate
    public MeResource(@Reference AuthService auth) {
        this.auth = auth;
    }

    @GET
    public Map<String, Object> me(@Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("username", caller.username());
        out.put("roles", caller.roles().stream().map(Role::id).sorted().toList());
        return out;
    }
}
