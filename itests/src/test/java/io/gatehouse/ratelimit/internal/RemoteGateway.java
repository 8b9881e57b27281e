package io.gatehouse.ratelimit.internal;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.api.http.Verdict;
import io.gatehouse.itests.cluster.FixedExchange;
import io.gatehouse.membership.internal.EndpointAnnouncer;
import io.gatehouse.membership.internal.HazelcastConfigFactory;
import io.gatehouse.membership.internal.HazelcastSharedCounters;
import io.gatehouse.membership.internal.MemberDirectory;
import io.gatehouse.membership.internal.MemberSettings;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A second gateway on "another machine", for the cluster tests: a separate JVM that joins the cluster as a gateway
 * and runs the rate limiter's own limit_req filter on a zone with {@code scope = cluster}, over the membership
 * bundle's shared counters. It answers {@code POST <path>} with 200 when the limiter admits the request and with the
 * limiter's status when it does not; every request counts as client 10.0.0.7.
 * <p>
 * Arguments: cluster name, members, cluster port, HTTP port, zone name, zone path. Prints {@code READY}.
 */
public final class RemoteGateway {

    private RemoteGateway() {
    }

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[3]);
        String zoneName = args[4];
        String path = args[5];
        MemberSettings settings = MemberSettings.from(Map.of("cluster.name", args[0], "members", args[1],
                "port", args[2], "port.count", 1, "role", "gateway"), httpPort);
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(
                HazelcastConfigFactory.create(settings, RemoteGateway.class.getClassLoader()));
        MemberDirectory directory = new MemberDirectory(hazelcast);
        directory.forgetDepartedMembers();
        new EndpointAnnouncer(directory, settings).start();

        Map<String, Object> zone = Map.of("name", zoneName, "paths", path, "methods", "POST", "rate", "5r/m",
                "burst", 4, "nodelay", true, "scope", "cluster");
        ZoneRegistry registry = new ZoneRegistry();
        registry.add(new Zone(ZoneSpec.parse(config(zone), zone)));
        LimitReqFilter filter = new LimitReqFilter(registry);
        filter.counters = new HazelcastSharedCounters(hazelcast, 1, Duration.ofSeconds(2));

        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        http.createContext("/", exchange -> {
            Verdict verdict = filter.filter(new FixedExchange(exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), "10.0.0.7"));
            int status = verdict.isRejection() ? verdict.status() : 200;
            exchange.sendResponseHeaders(status, -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.flush();
            }
        });
        http.start();
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** The zone configuration as Declarative Services would pass it. */
    private static ZoneConfig config(Map<String, Object> values) {
        return (ZoneConfig) Proxy.newProxyInstance(ZoneConfig.class.getClassLoader(), new Class<?>[] {ZoneConfig.class},
                (proxy, method, a) -> {
                    Object v = values.get(method.getName().replace('_', '.'));
                    if (v == null) {
                        return method.getDefaultValue();
                    }
                    return method.getReturnType() == String[].class ? new String[] {v.toString()} : v;
                });
    }
}
