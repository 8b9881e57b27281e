package io.gatehouse.ratelimit.internal;

import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rate-limit zone per factory configuration {@code io.gatehouse.ratelimit.zone}. A bad new configuration
 * creates no zone; a bad update is refused with a log message naming the value, and the zone keeps limiting with
 * its previous configuration (and its buckets).
 */
@Component(service = ZoneComponent.class, configurationPid = ZoneSpec.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ZoneConfig.class, factory = true)
public class ZoneComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ZoneComponent.class);

    private final Zone zone;

    @Activate
    public ZoneComponent(ZoneConfig config, Map<String, Object> properties) {
        ZoneSpec spec;
        try {
            spec = ZoneSpec.parse(config, properties);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration {}: {}; the zone is not created", properties.get("service.pid"),
                    e.getMessage());
            throw e;
        }
        zone = new Zone(spec);
        LOG.info("Rate-limit zone '{}' active: {}", spec.name(), describe(spec));
    }

    @Modified
    void modified(ZoneConfig config, Map<String, Object> properties) {
        String current = zone.spec().name();
        try {
            ZoneSpec next = ZoneSpec.parse(config, properties);
            if (!next.name().equals(current)) {
                throw new IllegalArgumentException("rate-limit zone '" + current + "': name '" + next.name()
                        + "' differs; a zone cannot be renamed, create a new configuration instead");
            }
            zone.update(next);
            LOG.info("Rate-limit zone '{}' reconfigured: {}", current, describe(next));
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration update: {}; rate-limit zone '{}' keeps its previous "
                    + "configuration ({})", e.getMessage(), current, describe(zone.spec()));
        }
    }

    Zone zone() {
        return zone;
    }

    static String describe(ZoneSpec s) {
        return "paths=" + s.paths() + " methods=" + (s.methods().isEmpty() ? "*" : s.methods()) + " key=" + s.key()
                + (s.rate() == null ? "" : " rate=" + s.rate() + " burst=" + s.burst() / LeakyBucket.REQUEST + " "
                        + s.delayText())
                + (s.conn() > 0 ? " conn=" + s.conn() : "");
    }
}
