package io.gatehouse.listener.internal;

import io.gatehouse.util.json.JsonWriter;

/** The listener's JSON error body. */
final class Json {

    private Json() {
    }

    /** {@code {"status":502,"error":"message","requestId":"..."}} */
    static String error(int status, String message, String requestId) {
        StringBuilder out = new StringBuilder(96).append("{\"status\":").append(status).append(",\"error\":");
        JsonWriter.string(out, message);
        if (requestId != null) {
            out.append(",\"requestId\":");
            JsonWriter.string(out, requestId);
        }
        return out.append("}\n").toString();
    }
}
