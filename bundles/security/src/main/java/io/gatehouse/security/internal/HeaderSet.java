package io.gatehouse.security.internal;

import io.gatehouse.api.http.FixedHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated headers of a {@link SecurityHeadersConfig}: every bad value is named in the error. Built once per
 * configuration, as {@link FixedHeader}s the listener keeps encoded; {@code hsts} is null when turned off.
 */
record HeaderSet(FixedHeader hsts, List<FixedHeader> always) {

    private static final Pattern HSTS = Pattern.compile("(?i)\\s*max-age=\"?[0-9]+\"?\\s*(;.*)?");
    private static final Set<String> REFERRER_POLICIES = Set.of("no-referrer", "no-referrer-when-downgrade", "origin",
            "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url");
    private static final Set<String> OPENER_POLICIES = Set.of("same-origin", "same-origin-allow-popups",
            "unsafe-none", "noopener-allow-popups");

    static HeaderSet parse(SecurityHeadersConfig c) {
        String hsts = trim(c.hsts());
        if (!hsts.isEmpty() && !HSTS.matcher(hsts).matches()) {
            throw new IllegalArgumentException("hsts '" + shown(hsts) + "' must start with max-age=<seconds>");
        }
        List<FixedHeader> always = new ArrayList<>();
        add(always, "content.security.policy", "Content-Security-Policy", trim(c.content_security_policy()));
        String frame = trim(c.frame_options());
        if (!frame.isEmpty() && !frame.equalsIgnoreCase("DENY") && !frame.equalsIgnoreCase("SAMEORIGIN")) {
            throw new IllegalArgumentException("frame.options '" + shown(frame) + "' must be DENY or SAMEORIGIN");
        }
        add(always, "frame.options", "X-Frame-Options", frame.toUpperCase());
        String nosniff = trim(c.content_type_options());
        if (!nosniff.isEmpty() && !nosniff.equalsIgnoreCase("nosniff")) {
            throw new IllegalArgumentException("content.type.options '" + shown(nosniff) + "' must be nosniff");
        }
        add(always, "content.type.options", "X-Content-Type-Options", nosniff.toLowerCase());
        String referrer = trim(c.referrer_policy());
        for (String token : referrer.split(",")) {
            if (!referrer.isEmpty() && !REFERRER_POLICIES.contains(token.trim().toLowerCase())) {
                throw new IllegalArgumentException("referrer.policy '" + shown(referrer) + "': unknown policy '"
                        + shown(token.trim()) + "'");
            }
        }
        add(always, "referrer.policy", "Referrer-Policy", referrer);
        add(always, "permissions.policy", "Permissions-Policy", trim(c.permissions_policy()));
        String opener = trim(c.cross_origin_opener_policy());
        if (!opener.isEmpty() && !OPENER_POLICIES.contains(opener.toLowerCase())) {
            throw new IllegalArgumentException("cross.origin.opener.policy '" + shown(opener) + "' must be one of "
                    + OPENER_POLICIES);
        }
        add(always, "cross.origin.opener.policy", "Cross-Origin-Opener-Policy", opener);
        for (String line : c.extra() == null ? new String[0] : c.extra()) {
            if (line == null || line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("extra header '" + shown(line) + "' must be 'Name: value'");
            }
            add(always, "extra header '" + shown(line) + "'", line.substring(0, colon).trim(),
                    trim(line.substring(colon + 1)));
        }
        return new HeaderSet(fixed("hsts", "Strict-Transport-Security", hsts), List.copyOf(always));
    }

    private static void add(List<FixedHeader> headers, String property, String name, String value) {
        FixedHeader header = fixed(property, name, value);
        if (header != null) {
            headers.add(header);
        }
    }

    /**
     * The header, or null when its value is empty (turned off). {@link FixedHeader} refuses a name that is not an HTTP
     * token and a value with a control character (no header injection through configuration); its error is given
     * again with the configuration property it came from.
     */
    private static FixedHeader fixed(String property, String name, String value) {
        FixedHeader header;
        try {
            header = new FixedHeader(name, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
        return value.isEmpty() ? null : header;
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    /** A configured value as an error message shows it: control characters as {@code ?}, so a log line stays one. */
    private static String shown(String value) {
        return value.replaceAll("\\p{Cntrl}", "?");
    }
}
