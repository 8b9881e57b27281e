package io.gatehouse.listener.internal;

import io.gatehouse.util.json.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON line per request on the dedicated {@code io.gatehouse.access} logger. */
final class AccessLog {

    static final Logger LOG = LoggerFactory.getLogger("io.gatehouse.access");

    private AccessLog() {
    }

    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    static void log(JettyExchange exchange, int status, long latencyNanos, long bytes) {
        StringBuilder line = new StringBuilder(256);
        line.append("{\"requestId\":");
        JsonWriter.string(line, exchange.requestId());
        line.append(",\"client\":");
        JsonWriter.string(line, exchange.clientAddress());
        line.append(",\"method\":");
        JsonWriter.string(line, exchange.method());
        line.append(",\"path\":");
        JsonWriter.string(line, exchange.rawPath());
        line.append(",\"backend\":");
        String backend = exchange.backend;
        if (backend == null) {
            line.append("null");
        } else {
            JsonWriter.string(line, backend);
        }
        line.append(",\"status\":").append(status)
                .append(",\"latencyMs\":").append(latencyNanos / 1_000_000.0)
                .append(",\"bytes\":").append(bytes).append('}');
        LOG.info(line.toString());
    }
}
