package io.gatehouse.membership.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Rate-limit zones, the factory configurations {@value #FACTORY_PID}, keys {@value #PREFIX}{@code name}. A zone's
 * name is its configuration name ({@code etc/io.gatehouse.ratelimit.zone-login.cfg} is zone {@code login}), or
 * its {@code name} property for an unnamed configuration. Every property travels except where it lives locally.
 */
final class RateLimitZoneSetting implements SettingSource {

    static final String FACTORY_PID = "io.gatehouse.ratelimit.zone";
    static final String PREFIX = "ratelimit.zone/";

    private final ConfigurationAdmin configAdmin;

    RateLimitZoneSetting(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public boolean owns(String key) {
        return key.startsWith(PREFIX);
    }

    @Override
    public Map<String, String> read() {
        Map<String, String> zones = new HashMap<>();
        for (Configuration zone : zones()) {
            if (zone.getProperties() != null) {
                zones.put(PREFIX + name(zone), PropertiesCodec.encode(zone.getProperties()));
            }
        }
        return zones;
    }

    @Override
    public boolean apply(String key, String value) {
        String name = key.substring(PREFIX.length());
        Optional<Configuration> existing = zones().stream().filter(z -> name.equals(name(z))).findFirst();
        try {
            if (value == null) {
                if (existing.isPresent()) {
                    existing.get().delete();
                }
            } else {
                Configuration zone = existing.isPresent() ? existing.get()
                        : configAdmin.getFactoryConfiguration(FACTORY_PID, name, "?");
                zone.update(PropertiesCodec.decode(value));
            }
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("could not write rate-limit zone '" + name + "': " + e.getMessage(), e);
        }
    }

    static String name(Configuration zone) {
        String pid = zone.getPid();
        int tilde = pid.indexOf('~');
        if (tilde >= 0) {
            return pid.substring(tilde + 1);
        }
        Object name = zone.getProperties() == null ? null : zone.getProperties().get("name");
        return name == null ? pid : name.toString();
    }

    private Configuration[] zonesArray() {
        try {
            Configuration[] zones = configAdmin.listConfigurations("(service.factoryPid=" + FACTORY_PID + ")");
            return zones == null ? new Configuration[0] : zones;
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("could not list rate-limit zones: " + e.getMessage(), e);
        }
    }

    private java.util.List<Configuration> zones() {
        return java.util.List.of(zonesArray());
    }

    @Override
    public String toString() {
        return "rate-limit zones";
    }
}
