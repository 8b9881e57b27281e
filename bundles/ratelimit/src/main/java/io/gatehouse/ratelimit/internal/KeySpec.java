package io.gatehouse.ratelimit.internal;

import io.gatehouse.api.http.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a zone counts requests by: {@code ip} (the client address), {@code header:<name>}, {@code subject} (the
 * unverified {@code sub} of the bearer JWT), or several of them joined with {@code +} ({@code ip+header:X-Tenant}).
 * As in NGINX, a request whose key is empty (every part missing) is not limited by the zone.
 */
final class KeySpec {

    /** Long keys (a huge header value) are replaced by a digest so that memory per key stays bounded. */
    static final int MAX_KEY = 128;

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private enum Kind { IP, HEADER, SUBJECT }

    private record Part(Kind kind, String header) {
        String value(Exchange exchange) {
            return switch (kind) {
                case IP -> exchange.clientAddress();
                case HEADER -> exchange.header(header);
                case SUBJECT -> JwtSubject.fromAuthorization(exchange.header("Authorization"));
            };
        }
    }

    private final List<Part> parts;
    private final String text;

    private KeySpec(List<Part> parts, String text) {
        this.parts = parts;
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the part when a key type is unknown or a header name is invalid
     */
    static KeySpec parse(String text) {
        String t = text == null || text.isBlank() ? "ip" : text.trim();
        List<Part> parts = new ArrayList<>();
        for (String raw : t.split("\\+")) {
            String p = raw.trim();
            if (p.equalsIgnoreCase("ip")) {
                parts.add(new Part(Kind.IP, null));
            } else if (p.equalsIgnoreCase("subject")) {
                parts.add(new Part(Kind.SUBJECT, null));
            } else if (p.regionMatches(true, 0, "header:", 0, 7)) {
                String name = p.substring(7).trim();
                if (!HEADER_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("key '" + text + "' names an invalid header '" + name + "'");
                }
                parts.add(new Part(Kind.HEADER, name));
            } else {
                throw new IllegalArgumentException("key '" + text + "' has an unknown key type '" + p
                        + "': expected ip, subject or header:<name>, joined with +");
            }
        }
        return new KeySpec(List.copyOf(parts), t);
    }

    /** The bucket key of this exchange, or {@code null} when every part is missing. */
    String key(Exchange exchange) {
        if (parts.size() == 1) {
            return bounded(parts.get(0).value(exchange));
        }
        StringBuilder sb = new StringBuilder();
        boolean any = false;
        for (int i = 0; i < parts.size(); i++) {
            String v = parts.get(i).value(exchange);
            if (i > 0) {
                sb.append('|');
            }
            if (v != null && !v.isEmpty()) {
                sb.append(v);
                any = true;
            }
        }
        return any ? bounded(sb.toString()) : null;
    }

    private static String bounded(String key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        if (key.length() <= MAX_KEY) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
