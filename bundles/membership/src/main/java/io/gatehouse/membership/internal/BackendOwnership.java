package io.gatehouse.membership.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.cluster.SupervisedBackends;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which backend addresses belong to someone other than membership in this gateway, so membership leaves them alone:
 * <ul>
 *   <li>every balancer backend declared by anyone else: the gateway's configured backend list ({@code config}), the
 *   supervisor ({@code supervisor}), an operator ({@code shell}), another component ({@code api}...);</li>
 *   <li>every address the local supervisor claims ({@link SupervisedBackends}), also while it is not in the balancer
 *   (a container being laid out, restarted or removed).</li>
 * </ul>
 * A gateway's own containers are then fed only by its supervisor: membership never adds, re-admits, drains or removes
 * them, whatever their members announce. Addresses compare by IP ({@code localhost:5005} is {@code 127.0.0.1:5005}).
 */
final class BackendOwnership {

    /** The source membership adds its backends under; every other source is an owner. */
    static final String MEMBERSHIP_SOURCE = "cluster";

    private static final Logger LOG = LoggerFactory.getLogger(BackendOwnership.class);

    private final Map<String, String> owners;

    private BackendOwnership(Map<String, String> owners) {
        this.owners = owners;
    }

    /**
     * @param backends the balancer's backends now (empty without a balancer)
     * @param supervised what each local supervisor claims now
     */
    static BackendOwnership of(Collection<? extends Backend> backends, Collection<Set<String>> supervised) {
        Map<String, String> owners = new HashMap<>();
        for (Set<String> ids : supervised) {
            for (String id : ids) {
                owners.put(normalize(id), "supervisor");
            }
        }
        for (Backend backend : backends) {
            String source = backend.source() == null || backend.source().isBlank() ? "api" : backend.source();
            if (!MEMBERSHIP_SOURCE.equals(source)) {
                owners.putIfAbsent(normalize(backend.id()), source);
            }
        }
        return new BackendOwnership(owners);
    }

    /** Reads the services safely: a supervisor going away while it is asked counts as claiming nothing. */
    static BackendOwnership from(Collection<? extends Backend> backends, Iterable<SupervisedBackends> supervisors) {
        java.util.List<Set<String>> claimed = new java.util.ArrayList<>();
        if (supervisors != null) {
            for (SupervisedBackends supervisor : supervisors) {
                try {
                    claimed.add(supervisor.backendIds());
                } catch (RuntimeException e) {
                    LOG.warn("could not read the backends a supervisor owns: {}", e.toString());
                }
            }
        }
        return of(backends, claimed);
    }

    /** Who owns {@code id} in this gateway ({@code supervisor}, {@code config}, {@code shell}...), if not membership. */
    Optional<String> owner(String id) {
        return Optional.ofNullable(owners.get(normalize(id)));
    }

    boolean owned(String id) {
        return owners.containsKey(normalize(id));
    }

    /** {@code host:port} with the host as its IP address when it resolves, lower case otherwise. */
    static String normalize(String id) {
        if (id == null) {
            return "";
        }
        String text = id.trim();
        try {
            HostPort hostPort = HostPort.parse(text, 0, "backend");
            String host = hostPort.host();
            try {
                host = InetAddress.getByName(host).getHostAddress();
            } catch (UnknownHostException e) {
                host = host.toLowerCase(Locale.ROOT);
            }
            return new HostPort(host, hostPort.port()).toString();
        } catch (IllegalArgumentException e) {
            return text.toLowerCase(Locale.ROOT);
        }
    }
}
