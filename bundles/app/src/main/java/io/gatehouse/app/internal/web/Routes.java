package io.gatehouse.app.internal.web;

import java.util.regex.Pattern;

/** Maps a request path to its route template, the bounded label of the per-route metrics. */
public final class Routes {

    private static final Pattern ID = Pattern.compile("[^/]+");
    private static final String[] TEMPLATES = {
        "/health", "/api/auth/login", "/api/auth/logout", "/api/me", "/api/records", "/api/records/{id}",
        "/api/admin/users", "/api/admin/audit", "/api/admin/security-events", "/api/admin/sessions",
        "/api/admin/sessions/{id}",
    };

    private Routes() {
    }

    /** The template matching {@code path} ({@code /api/records/42} -> {@code /api/records/{id}}), else "unmatched". */
    public static String of(String path) {
        String p = path == null || path.isEmpty() ? "/" : (path.startsWith("/") ? path : "/" + path);
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        for (String t : TEMPLATES) {
            if (t.equals(p)) {
                return t;
            }
            if (t.endsWith("/{id}")) {
                String prefix = t.substring(0, t.length() - 4);
                if (p.startsWith(prefix) && ID.matcher(p.substring(prefix.length())).matches()) {
                    return t;
                }
            }
        }
        return "unmatched";
    }
}
