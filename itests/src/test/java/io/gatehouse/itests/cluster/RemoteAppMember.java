package io.gatehouse.itests.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.membership.internal.EndpointAnnouncer;
import io.gatehouse.membership.internal.HazelcastConfigFactory;
import io.gatehouse.membership.internal.MemberDirectory;
import io.gatehouse.membership.internal.MemberSettings;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An app container on "another machine", for the cluster tests: a separate JVM that joins the cluster with the
 * membership bundle's own join configuration and announcer, and serves a tiny HTTP endpoint answering /health.
 * <p>
 * Arguments: cluster name, members (host:port,...), cluster port, HTTP port. Prints {@code READY <member id>} once
 * announced, then runs until killed.
 */
public final class RemoteAppMember {

    private RemoteAppMember() {
    }

    public static void main(String[] args) throws Exception {
        String clusterName = args[0];
        String members = args[1];
        int clusterPort = Integer.parseInt(args[2]);
        int httpPort = Integer.parseInt(args[3]);

        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        http.createContext("/", exchange -> {
            byte[] body = ("{\"status\":\"UP\",\"member\":\"" + httpPort + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();

        MemberSettings settings = MemberSettings.from(Map.of("cluster.name", clusterName, "members", members,
                "port", clusterPort, "port.count", 1, "role", "app", "endpoint", "127.0.0.1:" + httpPort,
                "announce.interval.ms", 1000), httpPort);
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(
                HazelcastConfigFactory.create(settings, RemoteAppMember.class.getClassLoader()));
        MemberDirectory directory = new MemberDirectory(hazelcast);
        directory.forgetDepartedMembers();
        new EndpointAnnouncer(directory, settings).start();
        System.out.println("READY " + directory.localId());
        System.out.flush();
        Thread.currentThread().join();
    }
}
