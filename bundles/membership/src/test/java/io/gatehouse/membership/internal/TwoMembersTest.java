package io.gatehouse.membership.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.ClusterMember.Health;
import io.gatehouse.api.cluster.ClusterMember.Role;
import io.gatehouse.api.cluster.ClusterUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two real Hazelcast members in one JVM, on free loopback ports, joined by TCP-IP as configured in production. */
class TwoMembersTest {

    private static HazelcastInstance first;
    private static HazelcastInstance second;

    @BeforeAll
    static void join() throws IOException {
        int[] ports = twoFreePorts();
        int a = ports[0];
        int b = ports[1];
        String members = "127.0.0.1:" + a + ",127.0.0.1:" + b;
        first = start(members, a);
        second = start(members, b);
        await(() -> first.getCluster().getMembers().size() == 2, "two members");
    }

    @AfterAll
    static void leave() {
        second.shutdown();
        first.shutdown();
    }

    private static HazelcastInstance start(String members, int port) {
        MemberSettings settings = MemberSettings.from(Map.of("members", members,
                "port", port, "port.count", 1, "cluster.name", "unit-test"), 8181);
        var config = HazelcastConfigFactory.create(settings, TwoMembersTest.class.getClassLoader());
        config.setInstanceName("unit-" + port);
        return Hazelcast.newHazelcastInstance(config);
    }

    @Test
    void announcementsAreSeenEverywhereAndGoWithTheirMember() {
        MemberDirectory one = new MemberDirectory(first);
        MemberDirectory two = new MemberDirectory(second);
        one.forgetDepartedMembers();
        two.forgetDepartedMembers();
        one.announce(new MemberRecord(one.localAddress(), Role.GATEWAY, null, Health.UP, Instant.now()),
                Duration.ofMinutes(1));
        two.announce(new MemberRecord(two.localAddress(), Role.APP, "127.0.0.1:5005", Health.UP, Instant.now()),
                Duration.ofMinutes(1));

        await(() -> one.members().size() == 2, "both announcements");
        List<ClusterMember> seen = one.members();
        assertEquals(Role.GATEWAY, seen.get(0).role());
        assertTrue(seen.get(0).local());
        assertEquals(Optional.of("127.0.0.1:5005"), seen.get(1).endpoint());
        assertEquals(Map.of("127.0.0.1:5005", io.gatehouse.api.balancer.BackendSpec.of("127.0.0.1", 5005)),
                BalancerFeeder.wanted(seen));

        two.announce(new MemberRecord(two.localAddress(), Role.APP, "127.0.0.1:5005", Health.DOWN, Instant.now()),
                Duration.ofMinutes(1));
        await(() -> BalancerFeeder.wanted(one.members()).isEmpty(), "a down endpoint to leave the wanted set");
        two.withdraw();
        await(() -> one.members().size() == 1, "the withdrawn announcement to go");
    }

    @Test
    void compareAndSetIsAtomicAcrossMembers() {
        HazelcastSharedCounters one = new HazelcastSharedCounters(first, 2, Duration.ofSeconds(2));
        HazelcastSharedCounters two = new HazelcastSharedCounters(second, 2, Duration.ofSeconds(2));
        assertTrue(one.available());
        assertTrue(Math.abs(one.clusterTimeMillis() - two.clusterTimeMillis()) < 1000);

        assertEquals(Optional.empty(), one.get("login", "10.0.0.1"));
        assertTrue(one.compareAndSet("login", "10.0.0.1", null, new long[] {1, 100}, Duration.ofMinutes(1)));
        assertFalse(two.compareAndSet("login", "10.0.0.1", null, new long[] {1, 200}, Duration.ofMinutes(1)));
        assertArrayEquals(new long[] {1, 100}, two.get("login", "10.0.0.1").orElseThrow());
        assertTrue(two.compareAndSet("login", "10.0.0.1", new long[] {1, 100}, new long[] {2, 300}, Duration.ofMinutes(1)));
        assertFalse(one.compareAndSet("login", "10.0.0.1", new long[] {1, 100}, new long[] {2, 400}, Duration.ofMinutes(1)));
        assertArrayEquals(new long[] {2, 300}, one.get("login", "10.0.0.1").orElseThrow());

        // a zone and key is one entry: the same key in another zone is independent
        assertEquals(Optional.empty(), one.get("api", "10.0.0.1"));

        HazelcastSharedCounters needsThree = new HazelcastSharedCounters(first, 3, Duration.ofSeconds(2));
        assertFalse(needsThree.available());
        ClusterUnavailableException e = assertThrows(ClusterUnavailableException.class,
                () -> needsThree.get("login", "10.0.0.1"));
        assertTrue(e.getMessage().contains("at least 3 cluster members, this member sees 2"), e.getMessage());
    }

    @Test
    void settingsFollowTheLastGatewayThatChangedThemWithoutLooping() {
        IMap<String, String> map1 = first.getMap("unit.settings");
        IMap<String, String> map2 = second.getMap("unit.settings");
        FakeSettings local1 = new FakeSettings(Map.of("x.strategy", "round-robin"));
        FakeSettings local2 = new FakeSettings(Map.of("x.strategy", "least-conn", "x.zone/login", "rate=5r/m"));
        SettingsReplicator one = new SettingsReplicator(map1, List.of(local1));
        SettingsReplicator two = new SettingsReplicator(map2, List.of(local2));

        one.reconcile();  // first gateway: the cluster takes its settings
        two.reconcile();  // joining gateway: takes the cluster's strategy, publishes its own zone
        one.reconcile();
        assertEquals("round-robin", local2.values.get("x.strategy"));
        assertEquals("rate=5r/m", local1.values.get("x.zone/login"));

        local2.values.put("x.strategy", "p2c-ewma");   // an operator on gateway two
        local1.values.remove("x.zone/login");          // an operator on gateway one deletes the zone
        for (int i = 0; i < 3; i++) {
            two.reconcile();
            one.reconcile();
        }
        assertEquals("p2c-ewma", local1.values.get("x.strategy"));
        assertEquals("p2c-ewma", map1.get("x.strategy"));
        assertFalse(local2.values.containsKey("x.zone/login"));
        int applied = local1.applied + local2.applied;
        for (int i = 0; i < 3; i++) {
            two.reconcile();
            one.reconcile();
        }
        assertEquals(applied, local1.applied + local2.applied, "settled settings must not be applied again");
    }

    /** Local settings held in memory. */
    private static final class FakeSettings implements SettingSource {

        final Map<String, String> values = new ConcurrentHashMap<>();
        int applied;

        FakeSettings(Map<String, String> initial) {
            values.putAll(initial);
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public boolean owns(String key) {
            return key.startsWith("x.");
        }

        @Override
        public Map<String, String> read() {
            return new HashMap<>(values);
        }

        @Override
        public boolean apply(String key, String value) {
            applied++;
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            return true;
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Two distinct free ports: both sockets stay open until both are chosen (one at a time, the OS may hand the same
     * port twice, and the members' instance names, made from their ports, would then collide).
     */
    private static int[] twoFreePorts() throws IOException {
        try (ServerSocket one = new ServerSocket(0); ServerSocket two = new ServerSocket(0)) {
            return new int[] {one.getLocalPort(), two.getLocalPort()};
        }
    }
}
