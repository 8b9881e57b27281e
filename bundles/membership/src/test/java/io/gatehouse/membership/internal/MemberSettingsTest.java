package io.gatehouse.membership.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.cluster.ClusterMember.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberSettingsTest {

    @Test
    void defaultsAreLoopbackGatewayOn5701() {
        MemberSettings settings = MemberSettings.from(Map.of(), 8181);
        assertEquals("gatehouse", settings.clusterName());
        assertEquals(List.of(new HostPort("127.0.0.1", 5701)), settings.members());
        assertEquals("127.0.0.1", settings.bindInterface());
        assertEquals(5701, settings.port());
        assertEquals(Role.GATEWAY, settings.role());
        assertEquals(new HostPort("127.0.0.1", 8181), settings.endpoint());
    }

    @Test
    void membersAcceptListsHostsWithoutPortAndIpv6() {
        MemberSettings settings = MemberSettings.from(Map.of("members", "127.0.0.1:5702, localhost,[::1]:5703",
                "role", "APP", "endpoint", "127.0.0.1:5005"), 8181);
        assertEquals(List.of(new HostPort("127.0.0.1", 5702), new HostPort("localhost", 5701),
                new HostPort("::1", 5703)), settings.members());
        assertEquals(Role.APP, settings.role());
        assertEquals("127.0.0.1:5005", settings.endpoint().toString());
    }

    @Test
    void unresolvableMemberIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemberSettings.from(
                Map.of("members", "127.0.0.1:5701,no-such-host.invalid:5701"), 8181));
        assertTrue(e.getMessage().contains("'no-such-host.invalid:5701' does not resolve"), e.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        assertMessage("'127.0.0.1:99999' has port 99999", Map.of("members", "127.0.0.1:99999"));
        assertMessage("'127.0.0.1:http' has a port that is not a number", Map.of("members", "127.0.0.1:http"));
        assertMessage("role must be 'gateway' or 'app', was 'worker'", Map.of("role", "worker"));
        assertMessage("port must be 1-65535, was 0", Map.of("port", "0"));
        assertMessage("endpoint 'app-host' has no port", Map.of("endpoint", "app-host"));
        assertMessage("members must list at least one", Map.of("members", " , "));
        assertMessage("bind interface 'nowhere.invalid:1' does not resolve", Map.of("bind.interface", "nowhere.invalid"));
    }

    private static void assertMessage(String expected, Map<String, ?> properties) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemberSettings.from(properties, 8181));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
