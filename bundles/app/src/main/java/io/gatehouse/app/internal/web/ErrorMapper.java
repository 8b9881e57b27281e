package io.gatehouse.app.internal.web;

import io.gatehouse.app.internal.json.JsonProvider;
import io.gatehouse.app.internal.store.DataAccessException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every exception becomes a JSON error with the right status: API errors as thrown, JAX-RS errors (404, 405,
 * 415...) with their status, a down database 503, anything unexpected 500 with no internals in the body.
 */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsName("gatehouse.errors")
@JaxrsExtensionSelect(JsonProvider.SELECT)
public class ErrorMapper implements ExceptionMapper<Throwable> {

    public static final String JSON_UTF8 = "application/json; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        Throwable cause = e;
        // a reader's ApiException may arrive wrapped by the container
        while (!(cause instanceof ApiException) && cause.getCause() != null && cause != cause.getCause()) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            return error(api.status(), api.getMessage(), api);
        }
        if (e instanceof WebApplicationException web) {
            int status = web.getResponse() == null ? 500 : web.getResponse().getStatus();
            String reason = Response.Status.fromStatusCode(status) == null ? "error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
            return error(status, reason, null);
        }
        if (e instanceof DataAccessException db && db.unavailable()) {
            LOG.warn("Database unavailable: {}", db.getMessage());
            return error(503, ApiException.unavailable().getMessage(), null);
        }
        LOG.error("Unexpected error in the application API", e);
        return error(500, "internal error", null);
    }

    public static Response error(int status, String message, ApiException api) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (api != null && !api.fields().isEmpty()) {
            body.put("fields", api.fields());
        }
        return Response.status(status).type(JSON_UTF8).entity(body).build();
    }
}
