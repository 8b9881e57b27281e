package io.gatehouse.app.internal.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.app.internal.AppDatabase;
import io.gatehouse.app.internal.AuthService;
import io.gatehouse.app.internal.Recorder;
import io.gatehouse.app.internal.security.AccessPolicy.Action;
import io.gatehouse.app.internal.security.Caller;
import io.gatehouse.app.internal.store.RecordStore.Page;
import io.gatehouse.app.internal.store.RecordStore.RecordRow;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code /api/records}: paged list, create, read, replace and delete, each checked against the caller's roles. */
@Component(service = RecordsResource.class)
@JaxrsResource
@JaxrsExtensionSelect({ApiResource.JSON, ApiResource.ERRORS})
@Path("/api/records")
@Produces(ApiResource.JSON_UTF8)
public class RecordsResource {

    static final int TITLE_MAX = 200;
    static final int BODY_MAX = 10_000;
    private static final Set<String> FIELDS = Set.of("title", "body");

    private final AuthService auth;
    private final AppDatabase database;
    private final Recorder recorder;

    @Activate
    public RecordsResource(@Reference AuthService auth, @Reference AppDatabase database, @Reference Recorder recorder) {
        this.auth = auth;
        this.database = database;
        this.recorder = recorder;
    }

    @GET
    public Map<String, Object> list(@QueryParam("page") String page, @QueryParam("size") String size,
            @Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        auth.require(caller, Action.READ_RECORDS, null, "records", RequestInfo.of(request));
        int p = (int) RequestValidator.parameter("page", page, 0, 0, 1_000_000);
        int s = (int) RequestValidator.parameter("size", size, 20, 1, auth.settings().maxPageSize());
        Page result = database.records().list(p, s);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", result.items().stream().map(RecordsResource::view).toList());
        out.put("page", result.page());
        out.put("size", result.size());
        out.put("total", result.total());
        return out;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonNode body, @Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        RequestInfo info = RequestInfo.of(request);
        auth.require(caller, Action.CREATE_RECORD, null, "records", info);
        String[] fields = validate(body);
        RecordRow row = database.records().create(fields[0], fields[1], caller.userId());
        recorder.audit(caller.username(), "record.create", "record/" + row.id(), "success", info);
        return Response.created(URI.create("/api/records/" + row.id())).entity(view(row)).build();
    }

    @GET
    @Path("{id}")
    public Map<String, Object> read(@PathParam("id") String id, @Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        auth.require(caller, Action.READ_RECORDS, null, "record/" + id, RequestInfo.of(request));
        return view(find(id));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> update(@PathParam("id") String id, JsonNode body, @Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        RequestInfo info = RequestInfo.of(request);
        RecordRow row = find(id);
        auth.require(caller, Action.UPDATE_RECORD, row.ownerId(), "record/" + row.id(), info);
        String[] fields = validate(body);
        if (!database.records().update(row.id(), fields[0], fields[1])) {
            throw new ApiException(404, "no record " + row.id());
        }
        recorder.audit(caller.username(), "record.update", "record/" + row.id(), "success", info);
        return view(find(id));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context HttpServletRequest request) {
        Caller caller = auth.authenticate(request);
        RequestInfo info = RequestInfo.of(request);
        RecordRow row = find(id);
        auth.require(caller, Action.DELETE_RECORD, row.ownerId(), "record/" + row.id(), info);
        if (!database.records().delete(row.id())) {
            throw new ApiException(404, "no record " + row.id());
        }
        recorder.audit(caller.username(), "record.delete", "record/" + row.id(), "success", info);
        return Response.noContent().build();
    }

    private RecordRow find(String id) {
        long key = RequestValidator.parameter("id", id, -1, 1, Long.MAX_VALUE);
        return database.records().find(key).orElseThrow(() -> new ApiException(404, "no record " + key));
    }

    /** Title (required, 1-200 characters, one line) and body (optional, up to 10000 characters). */
    static String[] validate(JsonNode body) {
        RequestValidator v = RequestValidator.of(body, FIELDS);
        String title = v.string("title", true, 1, TITLE_MAX, false);
        String text = v.string("body", false, 0, BODY_MAX, true);
        v.complete();
        return new String[] {title, text == null ? "" : text};
    }

    static Map<String, Object> view(RecordRow row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", row.id());
        out.put("title", row.title());
        out.put("body", row.body());
        out.put("owner", row.owner());
        out.put("createdAt", row.createdAt());
        out.put("updatedAt", row.updatedAt());
        return out;
    }
}
