package io.gatehouse.app.internal.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.app.internal.web.ApiException.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Explicit validation of one JSON request object: unknown fields, required fields, types and lengths, collecting
 * every field error before answering 400 once.
 */
public final class RequestValidator {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\r\\n\\t]]");

    private final JsonNode body;
    private final List<FieldError> errors = new ArrayList<>();

    private RequestValidator(JsonNode body) {
        this.body = body;
    }

    /** Starts validating {@code body}, which must be a JSON object with no fields besides {@code allowed}. */
    public static RequestValidator of(JsonNode body, Set<String> allowed) {
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object",
                    List.of(new FieldError("", "must be a JSON object")));
        }
        RequestValidator v = new RequestValidator(body);
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                v.errors.add(new FieldError(shorten(name), "unknown field"));
            }
        }
        return v;
    }

    /**
     * A string field of {@code min..max} characters; null (with an error when required) when absent or invalid.
     *
     * @param multiline whether line breaks and tabs are allowed
     */
    public String string(String field, boolean required, int min, int max, boolean multiline) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.textValue();
        int length = value.codePointCount(0, value.length());
        if (length < min || length > max) {
            errors.add(new FieldError(field, "must be " + min + " to " + max + " characters long, was " + length));
            return null;
        }
        if (required && value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
            return null;
        }
        if (CONTROL.matcher(value).find() || (!multiline && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                || value.indexOf('\t') >= 0))) {
            errors.add(new FieldError(field, "must not contain control characters"));
            return null;
        }
        return value;
    }

    /** A required string matching {@code pattern}. */
    public String matching(String field, Pattern pattern, String description) {
        String value = string(field, true, 1, 256, false);
        if (value != null && !pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be " + description));
            return null;
        }
        return value;
    }

    /** A required non-empty array of distinct strings, each one of {@code allowed}. */
    public List<String> stringsFrom(String field, Set<String> allowed) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add(new FieldError(field, "must be a non-empty array of " + allowed));
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || !allowed.contains(item.textValue())) {
                errors.add(new FieldError(field, "must contain only " + allowed));
                return List.of();
            }
            if (!values.contains(item.textValue())) {
                values.add(item.textValue());
            }
        }
        return values;
    }

    /** Adds an error found by the caller. */
    public void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public List<FieldError> errors() {
        return List.copyOf(errors);
    }

    /** Answers 400 with every field error collected, if there is any. */
    public void complete() {
        if (!errors.isEmpty()) {
            throw new ApiException(400, "invalid input", errors);
        }
    }

    /** Parses a query or path parameter as an integer in {@code min..max}, or answers 400 naming it. */
    public static long parameter(String name, String value, long fallback, long min, long max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            parsed = Long.MIN_VALUE;
        }
        if (parsed < min || parsed > max) {
            throw new ApiException(400, "invalid input", List.of(new FieldError(name,
                    "must be an integer from " + min + " to " + max + ", was '" + shorten(value) + "'")));
        }
        return parsed;
    }

    static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
