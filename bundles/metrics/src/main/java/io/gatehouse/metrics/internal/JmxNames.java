package io.gatehouse.metrics.internal;

import com.codahale.metrics.jmx.ObjectNameFactory;
import java.util.Hashtable;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * JMX names for the registry's metrics: {@code io.gatehouse:type=counters,name=gatehouse.itest.probe}, every one with
 * its {@code type} (gauges, counters, histograms, meters, timers) so {@code io.gatehouse:type=timers,*} finds them
 * all. A name with labels ({@code gatehouse.backend.requests{backend="127.0.0.1:5005"}}) carries characters an
 * ObjectName value cannot hold bare, so it is quoted: {@link ObjectName#unquote} of the {@code name} key gives the
 * registry name back exactly. (Dropwizard's default factory falls back to a name without {@code type} for these.)
 */
final class JmxNames implements ObjectNameFactory {

    /** What an unquoted ObjectName value may not contain (or, for {@code *} and {@code ?}, would make a pattern). */
    private static final String SPECIAL = ",=:\"*?\\\n";

    @Override
    public ObjectName createName(String type, String domain, String name) {
        Hashtable<String, String> keys = new Hashtable<>();
        keys.put("type", value(type));
        keys.put("name", value(name));
        try {
            return new ObjectName(domain, keys);
        } catch (MalformedObjectNameException e) {
            // only a bad domain gets here: every value is valid once quoted
            throw new IllegalArgumentException("no JMX name for metric '" + name + "' in domain '" + domain + "': "
                    + e.getMessage(), e);
        }
    }

    static String value(String raw) {
        if (raw.isEmpty()) {
            return ObjectName.quote(raw);
        }
        for (int i = 0; i < raw.length(); i++) {
            if (SPECIAL.indexOf(raw.charAt(i)) >= 0) {
                return ObjectName.quote(raw);
            }
        }
        return raw;
    }
}
