package io.gatehouse.app.internal.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.app.internal.AuthService;
import io.gatehouse.app.internal.security.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code POST /api/auth/login} and {@code POST /api/auth/logout}. */
@Component(service = AuthResource.class)
@JaxrsResource
@JaxrsExtensionSelect({ApiResource.JSON, ApiResource.ERRORS})
@Path("/api/auth")
@Produces(ApiResource.JSON_UTF8)
public class AuthResource {

    private final AuthService auth;

    @Activate
    public AuthResource(@Reference AuthService auth) {
        this.auth = auth;
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(JsonNode body, @Context HttpServletRequest request) {
        RequestValidator v = RequestValidator.of(body, Set.of("username", "password"));
        String username = v.string("username", true, 1, 64, false);
        String password = v.string("password", true, 1, 1024, false);
        v.complete();
        AuthService.Login login = auth.login(username, password.toCharArray(), RequestInfo.of(request));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", login.token());
        out.put("csrfToken", login.csrfToken());
        out.put("expiresAt", login.expiresAt().toString());
        return Response.ok(out).header("Set-Cookie", auth.sessionCookie(login.token(), login.expiresAt())).build();
    }

    @POST
    @Path("logout")
    public Response logout(@Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        auth.logout(caller, RequestInfo.of(request));
        return Response.noContent().header("Set-Cookie", auth.sessionCookie(null, null)).build();
    }
}
