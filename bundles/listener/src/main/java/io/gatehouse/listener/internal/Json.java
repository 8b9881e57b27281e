package io.gatehouse.listener.internal;

/** The few JSON bits the listener writes by hand: its error bodies and access-log lines. */
final class Json {

    private Json() {
    }

    static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** {@code {"status":502,"error":"message","requestId":"..."}} */
    static String error(int status, String message, String requestId) {
        StringBuilder out = new StringBuilder(96).append("{\"status\":").append(status).append(",\"error\":");
        string(out, message);
        if (requestId != null) {
            out.append(",\"requestId\":");
            string(out, requestId);
        }
        return out.append("}\n").toString();
    }
}
