package io.gatehouse.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstancesSectionTest {

    static final InstancesSection.Requester ADMIN =
            new InstancesSection.Requester(new ConsoleUser("admin", Set.of(ConsoleUser.ADMIN)), "10.0.0.7");

    @Test
    void readsTheSupervisorsTableWhateverItsColumns() {
        String printed = """
                Instance | State   | PID   | Uptime | Memory | CPU   | Restarts | Last exit
                ---------+---------+-------+--------+--------+-------+----------+----------------
                app-10   | running | 4711  | 5m3s   | 312 MB | 12.5s | 0        | -
                app-2    | crashed | -     | 0s     | -      | -     | 3        | exit 137 | killed
                """;
        InstancesSection.Table t = InstancesSection.parse(printed);
        assertEquals(List.of("Instance", "State", "PID", "Uptime", "Memory", "CPU", "Restarts", "Last exit"), t.columns());
        assertEquals(List.of("app-2", "app-10"), List.copyOf(t.rows().keySet()));
        Map<String, String> two = t.rows().get("app-2");
        assertEquals("crashed", two.get("State"));
        assertEquals("3", two.get("Restarts"));
        assertEquals("exit 137 | killed", two.get("Last exit"));
        assertEquals("4711", t.rows().get("app-10").get("PID"));
        assertNull(t.note());
    }

    @Test
    void anIdleSupervisorsExplanationBecomesTheNote() {
        InstancesSection.Table t = InstancesSection.parse("The supervisor is idle: no runtime folder\n");
        assertTrue(t.rows().isEmpty());
        assertEquals("The supervisor is idle: no runtime folder", t.note());
        assertEquals(List.of("Instance"), t.columns());
    }

    @Test
    void gaugesGetReadableColumns() {
        assertEquals("CPU s", InstancesSection.column("cpu.seconds"));
        assertEquals("Memory bytes", InstancesSection.column("memory.bytes"));
        assertEquals("something new", InstancesSection.column("something.new"));
    }

    @Test
    void aBadScaleCountIsRefusedNamingTheValueBeforeAnythingRuns() {
        InstancesSection section = new InstancesSection(() -> null, new ShellRunner(() -> null), () -> "8", new ConsoleAudit(() -> null));
        for (String[] c : new String[][] {{"-1", "from 1 to 8, was -1."}, {"abc", "was 'abc'."}, {"", "was ''."},
                {"0", "was 0."}, {"9", "from 1 to 8, was 9."}, {"1.5", "was '1.5'."}}) {
            ActionResult r = section.scale(c[0], ADMIN);
            assertEquals("failure", r.outcome(), c[0]);
            assertTrue(r.message().contains(c[1]) && r.message().contains("Nothing was changed"), r.message());
        }
        // a good count gets as far as asking for the supervisor
        assertEquals(503, section.scale(" 3 ", ADMIN).status());
        assertEquals(503, section.restart("app-1", ADMIN).status());
    }

    @Test
    void theScaleLimitIsTheSupervisorsWhenConfigured() {
        assertEquals(8, new InstancesSection(() -> null, new ShellRunner(() -> null), () -> 8, new ConsoleAudit(() -> null)).scaleMax());
        assertEquals(64, new InstancesSection(() -> null, new ShellRunner(() -> null), () -> null, new ConsoleAudit(() -> null)).scaleMax());
        assertEquals(64, new InstancesSection(() -> null, new ShellRunner(() -> null), () -> "lots", new ConsoleAudit(() -> null)).scaleMax());
    }
}
