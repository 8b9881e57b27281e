package io.gatehouse.membership.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.ClusterMember.Health;
import io.gatehouse.api.cluster.ClusterMember.Role;
import io.gatehouse.api.cluster.SupervisedBackends;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rule "a gateway's own containers are fed only by its supervisor": membership never adds, re-admits, drains or
 * removes a backend owned in this gateway (supervisor claims, configured list, shell), and manages only endpoints
 * announced from elsewhere.
 */
class BackendOwnershipTest {

    private final FakeBalancer balancer = new FakeBalancer();
    private final Set<String> fed = new HashSet<>();
    private Set<String> supervised = Set.of();

    private static ClusterMember app(String endpoint, Health health) {
        return new ClusterMember("m-" + endpoint, "127.0.0.1:5702", Role.APP, endpoint, health, Instant.now(), false);
    }

    private BackendOwnership ownership() {
        SupervisedBackends supervisor = () -> supervised;
        return BackendOwnership.from(balancer.backends(), List.of(supervisor));
    }

    /** One feeder round as BalancerFeeder runs it, on the fake balancer. */
    private BalancerFeeder.Plan round(ClusterMember... members) {
        BackendOwnership ownership = ownership();
        BalancerFeeder.Plan plan = BalancerFeeder.plan(BalancerFeeder.wanted(List.of(members)), Set.copyOf(fed),
                ownership);
        BalancerFeeder.apply(plan, ownership, balancer, fed);
        return plan;
    }

    @Test
    void aBackendTheConfigurationDeclaresWhileARoundRunsStaysTheConfigurations() {
        // a gateway restarting: the round looks before the balancer's configuration is applied, and adds after it
        BackendOwnership beforeTheConfiguration = ownership();
        BalancerFeeder.Plan plan = BalancerFeeder.plan(
                BalancerFeeder.wanted(List.of(app("127.0.0.1:5005", Health.UP))), Set.copyOf(fed),
                beforeTheConfiguration);
        assertEquals(List.of(BackendSpec.of("127.0.0.1", 5005)), plan.add());
        balancer.with("127.0.0.1:5005", "config", BackendState.UP);

        BalancerFeeder.apply(plan, beforeTheConfiguration, balancer, fed);

        assertEquals("config", balancer.backend("127.0.0.1:5005").orElseThrow().source());
        assertEquals(Set.of(), fed, "membership does not count it as its own");
        // and the next round leaves it alone
        assertEquals(List.of("127.0.0.1:5005"), round(app("127.0.0.1:5005", Health.UP)).leftAlone());
        assertEquals(List.of("add-if-absent 127.0.0.1:5005 cluster"), balancer.calls);
    }

    @Test
    void aFedBackendTheConfigurationDeclaresWhileItsMemberLeavesStays() {
        round(app("10.0.0.7:5005", Health.UP));
        assertEquals(Set.of("10.0.0.7:5005"), fed);
        // the member leaves; before the round removes its backend, an operator declares the address in the config
        BackendOwnership beforeTheConfiguration = ownership();
        BalancerFeeder.Plan plan = BalancerFeeder.plan(Map.of(), Set.copyOf(fed), beforeTheConfiguration);
        assertEquals(List.of("10.0.0.7:5005"), plan.remove());
        balancer.with("10.0.0.7:5005", "config", BackendState.UP);

        BalancerFeeder.apply(plan, beforeTheConfiguration, balancer, fed);

        assertEquals("config", balancer.backend("10.0.0.7:5005").orElseThrow().source());
        assertEquals(Set.of(), fed);
    }

    @Test
    void aSupervisedContainerRestartingIsNotReadmittedWhenItsMemberAnnouncesItself() {
        // kill -9 of app-1: the supervisor drained its configured backend at once and waits for health + settle
        balancer.with("127.0.0.1:5005", "config", BackendState.DRAINING).with("127.0.0.1:5006", "config", BackendState.UP);
        supervised = Set.of("127.0.0.1:5005", "127.0.0.1:5006");

        BalancerFeeder.Plan plan = round(app("127.0.0.1:5005", Health.UP), app("127.0.0.1:5006", Health.UP));

        assertEquals(List.of(), plan.add());
        assertEquals(List.of("127.0.0.1:5005", "127.0.0.1:5006"), plan.leftAlone());
        assertEquals(List.of(), balancer.calls, "membership touched the balancer");
        assertEquals(BackendState.DRAINING, balancer.backend("127.0.0.1:5005").orElseThrow().state());
        assertEquals("config", balancer.backend("127.0.0.1:5005").orElseThrow().source());
    }

    @Test
    void aContainerTheSupervisorIsAddingIsNotFedBeforeTheSupervisorAdmitsIt() {
        // cluster:scale 3: app-3 is laid out and claimed, healthy, but still in its settle time: not in the balancer
        balancer.with("127.0.0.1:5005", "config", BackendState.UP);
        supervised = Set.of("127.0.0.1:5005", "127.0.0.1:5007");

        round(app("127.0.0.1:5007", Health.UP));

        assertEquals(Optional.empty(), balancer.backend("127.0.0.1:5007"));
        assertEquals(List.of(), balancer.calls);
    }

    @Test
    void aSupervisedContainerBeingRemovedIsNotAddedBackByItsLingeringAnnouncement() {
        // cluster:scale 2: app-3 drained, stopped and removed from the balancer; its announcement has not gone yet
        supervised = Set.of("127.0.0.1:5007");
        round(app("127.0.0.1:5007", Health.UP));
        assertEquals(Optional.empty(), balancer.backend("127.0.0.1:5007"));
        assertEquals(List.of(), balancer.calls);
    }

    @Test
    void anOwnedBackendStaysWhenItsMemberLeavesOrGoesDown() {
        balancer.with("127.0.0.1:5005", "config", BackendState.UP).with("127.0.0.1:5009", "shell", BackendState.UP);
        round(app("127.0.0.1:5005", Health.UP), app("127.0.0.1:5009", Health.UP));
        round(app("127.0.0.1:5005", Health.DOWN));
        round();
        assertTrue(balancer.backend("127.0.0.1:5005").isPresent());
        assertTrue(balancer.backend("127.0.0.1:5009").isPresent());
        assertEquals(List.of(), balancer.calls);
    }

    @Test
    void endpointsAnnouncedFromElsewhereJoinAndLeaveTheRotation() {
        balancer.with("127.0.0.1:5005", "config", BackendState.UP);
        supervised = Set.of("127.0.0.1:5005");

        round(app("127.0.0.1:5005", Health.UP), app("10.0.0.7:5005", Health.UP), app("127.0.0.1:6001", Health.UP));
        assertEquals("cluster", balancer.backend("10.0.0.7:5005").orElseThrow().source());
        assertEquals("cluster", balancer.backend("127.0.0.1:6001").orElseThrow().source());

        round(app("127.0.0.1:5005", Health.UP), app("10.0.0.7:5005", Health.DOWN));
        assertEquals(Optional.empty(), balancer.backend("10.0.0.7:5005"));
        assertEquals(Optional.empty(), balancer.backend("127.0.0.1:6001"));
        assertEquals(Set.of("add-if-absent 10.0.0.7:5005 cluster", "add-if-absent 127.0.0.1:6001 cluster",
                "remove-if-from 10.0.0.7:5005 cluster", "remove-if-from 127.0.0.1:6001 cluster"),
                Set.copyOf(balancer.calls));
        assertEquals(4, balancer.calls.size());
    }

    @Test
    void aFedBackendItsOwnerDeclaresLaterIsHandedOverNotRemoved() {
        round(app("127.0.0.1:6001", Health.UP));
        assertTrue(fed.contains("127.0.0.1:6001"));
        // an operator adds it from the shell (or a configuration lists it): it is theirs now
        balancer.addBackend(BackendSpec.of("127.0.0.1", 6001), "shell");

        BalancerFeeder.Plan plan = round();

        assertEquals(List.of("127.0.0.1:6001"), plan.release());
        assertEquals(List.of(), plan.remove());
        assertEquals("shell", balancer.backend("127.0.0.1:6001").orElseThrow().source());
        assertFalse(fed.contains("127.0.0.1:6001"));
    }

    @Test
    void addressesCompareByIp() {
        supervised = Set.of("127.0.0.1:5005");
        BackendOwnership ownership = ownership();
        assertTrue(ownership.owned("localhost:5005"));
        assertTrue(ownership.owned(" 127.0.0.1:5005"));
        assertFalse(ownership.owned("127.0.0.1:5006"));
        assertEquals(Optional.of("supervisor"), ownership.owner("localhost:5005"));
        round(app("localhost:5005", Health.UP));
        assertEquals(List.of(), balancer.calls);
    }

    @Test
    void theSupervisorsClaimWinsOverTheSourceItWasDeclaredWith() {
        balancer.with("127.0.0.1:5005", "config", BackendState.UP);
        supervised = Set.of("127.0.0.1:5005");
        assertEquals(Optional.of("supervisor"), ownership().owner("127.0.0.1:5005"));
        supervised = Set.of();
        assertEquals(Optional.of("config"), ownership().owner("127.0.0.1:5005"));
        balancer.with("127.0.0.1:5005", "cluster", BackendState.UP);
        assertEquals(Optional.empty(), ownership().owner("127.0.0.1:5005"));
    }

    @Test
    void aSupervisorThatFailsWhenAskedClaimsNothingAndBreaksNothing() {
        SupervisedBackends broken = () -> {
            throw new IllegalStateException("gone");
        };
        balancer.with("127.0.0.1:5005", "config", BackendState.UP);
        BackendOwnership ownership = BackendOwnership.from(balancer.backends(), List.of(broken));
        assertTrue(ownership.owned("127.0.0.1:5005"));
        assertFalse(ownership.owned("127.0.0.1:5007"));
    }

    @Test
    void aDrainFromAnotherGatewayNeverDrainsOrReadmitsAnOwnedBackend() {
        balancer.with("127.0.0.1:5005", "config", BackendState.DRAINING).with("10.0.0.7:5005", "cluster", BackendState.UP);
        supervised = Set.of("127.0.0.1:5005");
        List<ClusterMember> members = new ArrayList<>(List.of(app("127.0.0.1:5005", Health.UP),
                app("10.0.0.7:5005", Health.UP)));
        DrainSetting drains = new DrainSetting(() -> balancer, this::ownership,
                () -> BalancerFeeder.managed(members, ownership()));

        // the supervisor's own drain is not published to the cluster
        assertEquals(Map.of(), drains.read());
        // another gateway's drain or enable of the same address is refused, naming it and its owner
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> drains.apply(DrainSetting.PREFIX + "127.0.0.1:5005", null));
        assertTrue(refused.getMessage().contains("127.0.0.1:5005") && refused.getMessage().contains("supervisor"),
                refused.getMessage());
        assertThrows(IllegalStateException.class, () -> drains.apply(DrainSetting.PREFIX + "127.0.0.1:5005", "draining"));
        assertEquals(BackendState.DRAINING, balancer.backend("127.0.0.1:5005").orElseThrow().state());
        assertEquals(List.of(), balancer.calls);

        // a backend membership feeds is drained cluster-wide as before
        assertTrue(drains.apply(DrainSetting.PREFIX + "10.0.0.7:5005", "draining"));
        assertEquals(BackendState.DRAINING, balancer.backend("10.0.0.7:5005").orElseThrow().state());
        assertEquals(Map.of(DrainSetting.PREFIX + "10.0.0.7:5005", "draining"), drains.read());
    }
}
