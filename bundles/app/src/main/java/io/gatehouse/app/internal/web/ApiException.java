package io.gatehouse.app.internal.web;

import java.util.List;

/** An error answered to the client as JSON: {@code {"error": message, "fields": [...]}}. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One invalid input field. */
    public record FieldError(String field, String message) {
    }

    private final int status;
    private final transient List<FieldError> fields;

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public ApiException(int status, String message, List<FieldError> fields) {
        super(message);
        this.status = status;
        this.fields = List.copyOf(fields);
    }

    public int status() {
        return status;
    }

    public List<FieldError> fields() {
        return fields;
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "authentication required");
    }

    public static ApiException unavailable() {
        return new ApiException(503, "the database is unavailable; try again shortly");
    }
}
