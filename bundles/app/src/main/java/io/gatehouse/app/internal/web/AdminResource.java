package io.gatehouse.app.internal.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.app.internal.AppDatabase;
import io.gatehouse.app.internal.AuditQueries;
import io.gatehouse.app.internal.AuthService;
import io.gatehouse.app.internal.Recorder;
import io.gatehouse.app.internal.security.AccessPolicy.Action;
import io.gatehouse.app.internal.security.Caller;
import io.gatehouse.app.internal.security.Role;
import io.gatehouse.app.internal.store.SessionStore.SessionSummary;
import io.gatehouse.app.internal.store.UserStore.UserSummary;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code /api/admin}: users, sessions, the audit trail and security events; admins only. */
@Component(service = AdminResource.class)
@JaxrsResource
@JaxrsExtensionSelect({ApiResource.JSON, ApiResource.ERRORS})
@Path("/api/admin")
@Produces(ApiResource.JSON_UTF8)
public class AdminResource {

    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{3,64}");
    static final int PASSWORD_MIN = 12;
    private static final Set<String> ROLE_IDS = Arrays.stream(Role.values()).map(Role::id).collect(Collectors.toSet());

    private final AuthService auth;
    private final AppDatabase database;
    private final Recorder recorder;
    private final AuditQueries audit;

    @Activate
    public AdminResource(@Reference AuthService auth, @Reference AppDatabase database, @Reference Recorder recorder,
            @Reference AuditQueries audit) {
        this.auth = auth;
        this.database = database;
        this.recorder = recorder;
        this.audit = audit;
    }

    private Caller admin(HttpServletRequest request, String target) {
        Caller caller = auth.authenticate(request);
        auth.require(caller, Action.ADMIN, null, target, RequestInfo.of(request));
        return caller;
    }

    @POST
    @Path("users")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createUser(JsonNode body, @Context HttpServletRequest request) {
        Caller caller = admin(request, "users");
        RequestValidator v = RequestValidator.of(body, Set.of("username", "password", "roles"));
        String username = v.matching("username", USERNAME, "3 to 64 letters, digits, '.', '_' or '-'");
        String password = v.string("password", true, PASSWORD_MIN, 1024, false);
        List<String> roles = v.stringsFrom("roles", ROLE_IDS);
        v.complete();
        Set<Role> set = EnumSet.noneOf(Role.class);
        roles.forEach(r -> Role.parse(r).ifPresent(set::add));
        Optional<Long> id = database.users().create(username, auth.hashPassword(password.toCharArray()), set);
        if (id.isEmpty()) {
            throw new ApiException(409, "user name already taken",
                    List.of(new ApiException.FieldError("username", "already taken")));
        }
        recorder.audit(caller.username(), "user.create", "user/" + username, "success", RequestInfo.of(request));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id.get());
        out.put("username", username);
        out.put("roles", set.stream().map(Role::id).sorted().toList());
        return Response.status(201).entity(out).build();
    }

    @GET
    @Path("users")
    public List<UserSummary> users(@Context HttpServletRequest request) {
        admin(request, "users");
        return database.users().list(1000);
    }

    @GET
    @Path("sessions")
    public List<SessionSummary> sessions(@Context HttpServletRequest request) {
        admin(request, "sessions");
        return database.sessions().listLive(1000);
    }

    @DELETE
    @Path("sessions/{id}")
    public Response revoke(@PathParam("id") String id, @Context HttpServletRequest request) {
        Caller caller = admin(request, "session/" + id);
        UUID sid;
        try {
            sid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid input",
                    List.of(new ApiException.FieldError("id", "must be a session id (UUID)")));
        }
        if (!database.sessions().revoke(sid)) {
            throw new ApiException(404, "no live session " + sid);
        }
        recorder.audit(caller.username(), "session.revoke", "session/" + sid, "success", RequestInfo.of(request));
        return Response.noContent().build();
    }

    @GET
    @Path("audit")
    public Map<String, Object> auditTrail(@javax.ws.rs.QueryParam("limit") String limit,
            @Context HttpServletRequest request) {
        admin(request, "audit");
        int n = (int) RequestValidator.parameter("limit", limit, 100, 1, 1000);
        return Map.of("items", audit.auditTrail(n));
    }

    @GET
    @Path("security-events")
    public Map<String, Object> securityEvents(@javax.ws.rs.QueryParam("limit") String limit,
            @Context HttpServletRequest request) {
        admin(request, "security-events");
        int n = (int) RequestValidator.parameter("limit", limit, 100, 1, 1000);
        return Map.of("items", audit.securityEvents(n));
    }
}
