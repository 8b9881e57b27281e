package io.gatehouse.membership.internal;

import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.ClusterMember.Health;
import io.gatehouse.api.cluster.ClusterMember.Role;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What a member announces in the members map. Stored as plain text so that every member can read it whatever
 * class loader Hazelcast deserializes with, and a member of another version can too.
 */
public record MemberRecord(String address, Role role, String endpoint, Health health, Instant since) {

    public String encode() {
        return "address=" + address + "\nrole=" + role.name() + "\nendpoint=" + (endpoint == null ? "" : endpoint)
                + "\nhealth=" + health.name() + "\nsince=" + since.toEpochMilli() + "\n";
    }

    /** @throws IllegalArgumentException when the text is not a record */
    public static MemberRecord decode(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            String endpoint = fields.getOrDefault("endpoint", "");
            return new MemberRecord(fields.get("address"), Role.valueOf(fields.get("role")),
                    endpoint.isEmpty() ? null : endpoint, Health.valueOf(fields.get("health")),
                    Instant.ofEpochMilli(Long.parseLong(fields.get("since"))));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a member record: " + text.replace('\n', ' '), e);
        }
    }

    public MemberRecord withHealth(Health newHealth) {
        return new MemberRecord(address, role, endpoint, newHealth, since);
    }

    public ClusterMember toMember(String id, boolean local) {
        return new ClusterMember(id, address, role, endpoint, health, since, local);
    }
}
