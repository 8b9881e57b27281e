package io.gatehouse.listener.internal;

import io.gatehouse.util.config.ConfigValues;
import io.gatehouse.util.config.ConfigValues.Entries;
import java.util.regex.Pattern;

/**
 * List values from configuration. A {@code .cfg} file carries a list as one string, so each element is split
 * further: on commas, or on semicolons for lists whose entries contain commas (Cache-Control values).
 */
final class ConfigLists {

    static final Pattern COMMA = ConfigValues.COMMA;
    static final Pattern SEMICOLON = ConfigValues.SEMICOLON;

    private ConfigLists() {
    }

    /** The non-blank entries of all the values, trimmed; {@code null} values hold none. */
    static String[] split(String[] values, Pattern separator) {
        return ConfigValues.split(values, separator, Entries.DROP_BLANK_TRIM).toArray(new String[0]);
    }

    static final int MAX_BUFFER_BYTES = 16 * 1024 * 1024;

    /** @throws IllegalArgumentException naming a numeric setting that cannot work */
    static void checkNumbers(ListenerConfig config) {
        if (config.websocket_idle_timeout_ms() <= 0) {
            throw new IllegalArgumentException("websocket.idle.timeout.ms must be positive, was "
                    + config.websocket_idle_timeout_ms());
        }
        if (config.upstream_max_queued_per_backend() < 0) {
            throw new IllegalArgumentException("upstream.max.queued.per.backend must be 0 or more, was "
                    + config.upstream_max_queued_per_backend());
        }
        if (config.upstream_queue_timeout_ms() < 0) {
            throw new IllegalArgumentException("upstream.queue.timeout.ms must be 0 or more, was "
                    + config.upstream_queue_timeout_ms());
        }
        if (config.upstream_buffer_bytes() < 0 || config.upstream_buffer_bytes() > MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException("upstream.buffer.bytes must be from 0 to " + MAX_BUFFER_BYTES + ", was "
                    + config.upstream_buffer_bytes());
        }
    }

    static java.util.Set<String> errorHeaderFilters(ListenerConfig config) {
        return java.util.Set.copyOf(java.util.Arrays.asList(split(config.error_header_filters(), COMMA)));
    }

    static TrustedProxies trustedProxies(ListenerConfig config) {
        return TrustedProxies.parse(split(config.trusted_proxies(), COMMA));
    }

    static StaticRoutes staticRoutes(ListenerConfig config) {
        return StaticRoutes.parse(split(config.static_routes(), COMMA), split(config.static_cache_control(), SEMICOLON));
    }
}
