package io.gatehouse.security.internal;

import io.gatehouse.api.http.PathPattern;
import io.gatehouse.util.net.Cidr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access policy per factory configuration {@code io.gatehouse.security.access}. A bad update is refused and
 * the previous rules stay. A new policy whose rules do not parse fails closed: it denies every request on its
 * paths until it is fixed (an operator restricting /api/admin/** must not open it by a typo).
 */
@Component(service = AccessPolicy.class, configurationPid = AccessPolicy.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AccessPolicyConfig.class, factory = true)
public class AccessPolicy {

    static final String FACTORY_PID = "io.gatehouse.security.access";
    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);

    record Rule(boolean allow, Cidr network) {
        @Override
        public String toString() {
            return (allow ? "allow " : "deny ") + network;
        }
    }

    record Rules(String name, List<PathPattern> paths, List<Rule> rules) {
        /** How specifically the policy matches the path: -1 when it does not. */
        int specificity(String path) {
            int best = -1;
            for (PathPattern p : paths) {
                if (p.matches(path)) {
                    best = Math.max(best, p.specificity());
                }
            }
            return best;
        }

        /** First matching rule decides; none matching allows. */
        boolean allows(byte[] client) {
            for (Rule r : rules) {
                if (r.network().contains(client)) {
                    return r.allow();
                }
            }
            return true;
        }
    }

    private volatile Rules rules;

    @Activate
    public AccessPolicy(AccessPolicyConfig config, Map<String, Object> properties) {
        String name = name(config.name(), properties);
        List<PathPattern> paths = paths(name, config.paths());
        try {
            rules = new Rules(name, paths, rules(name, config.rules()));
            LOG.info("Access policy '{}' active: paths={} rules={}", name, paths, rules.rules());
        } catch (IllegalArgumentException e) {
            rules = new Rules(name, paths, List.of(new Rule(false, Cidr.ALL)));
            LOG.error("Refused configuration {}: {}; until it is fixed the policy denies every request on {}",
                    properties.get("service.pid"), e.getMessage(), paths);
        }
    }

    @Modified
    void modified(AccessPolicyConfig config, Map<String, Object> properties) {
        Rules current = rules;
        try {
            String name = name(config.name(), properties);
            rules = new Rules(name, paths(name, config.paths()), rules(name, config.rules()));
            LOG.info("Access policy '{}' reconfigured: paths={} rules={}", name, rules.paths(), rules.rules());
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration update: {}; access policy '{}' keeps its previous rules "
                    + "(paths={} rules={})", e.getMessage(), current.name(), current.paths(), current.rules());
        }
    }

    Rules rules() {
        return rules;
    }

    private static List<PathPattern> paths(String name, String[] values) {
        List<PathPattern> out = new ArrayList<>();
        try {
            for (String p : split(values)) {
                out.add(PathPattern.of(p));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("access policy '" + name + "': " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("access policy '" + name + "': paths must name at least one pattern");
        }
        return List.copyOf(out);
    }

    static List<Rule> rules(String name, String[] values) {
        List<Rule> out = new ArrayList<>();
        for (String rule : split(values)) {
            String[] words = rule.split("\\s+");
            boolean allow = words[0].equalsIgnoreCase("allow");
            if (words.length != 2 || !allow && !words[0].equalsIgnoreCase("deny")) {
                throw new IllegalArgumentException("access policy '" + name + "': rule '" + rule
                        + "' must be 'allow <cidr>' or 'deny <cidr>'");
            }
            try {
                out.add(new Rule(allow, Cidr.parseOrAll(words[1])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("access policy '" + name + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    static List<String> split(String[] values) {
        if (values == null) {
            return List.of();
        }
        return Arrays.stream(values).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .filter(v -> !v.isEmpty()).toList();
    }

    /** The configured name, else the factory configuration's name ({@code ...access~admin}: admin). */
    static String name(String configured, Map<String, ?> properties) {
        String pid = String.valueOf(properties.get("service.pid"));
        return configured != null && !configured.isBlank() ? configured.trim() : pid.substring(pid.indexOf('~') + 1);
    }
}
