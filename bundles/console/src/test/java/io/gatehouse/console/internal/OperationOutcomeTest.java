package io.gatehouse.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.AuditLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A restart or scale the console runs in the background is audited twice under one operation id: its acceptance
 * ({@code console.restart}) and its outcome ({@code console.restart.result}: success or failure with the reason, who
 * started it, on what, how long it took); the page shows the outcome as the last operation.
 */
class OperationOutcomeTest {

    private static final String INSTANCES = """
            Instance | State   | PID
            ---------+---------+-----
            app-1    | running | 4711
            """;
    private static final InstancesSection.Requester ALICE =
            new InstancesSection.Requester(new ConsoleUser("alice", Set.of(ConsoleUser.ADMIN)), "10.0.0.7");

    private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    private final ConsoleAudit audit = new ConsoleAudit(() -> audited::add);
    private InstancesSection section;

    /** The supervisor's commands as the console's shell sees them: each line answers or throws. */
    private InstancesSection section(Map<String, Function<String, String>> commands) {
        ShellRunner shell = new ShellRunner(() -> null) {
            @Override
            boolean has(String scope, String name) {
                return commands.containsKey(scope + ":" + name);
            }

            @Override
            String run(String commandLine) {
                return commands.get(commandLine.split(" ")[0]).apply(commandLine);
            }
        };
        section = new InstancesSection(() -> null, shell, () -> null, audit);
        return section;
    }

    @AfterEach
    void close() {
        if (section != null) {
            section.close();
        }
    }

    /** The first event audited with this action, waiting for it (the outcome is recorded by the worker thread). */
    private AuditEvent awaitOutcome(String action) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (AuditEvent e : audited) {
                if (e.action().equals(action)) {
                    return e;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + action + " audited: " + audited);
    }

    @Test
    void aRestartThatSucceedsIsAuditedWithWhoWhatAndHowLong() throws Exception {
        InstancesSection s = section(Map.of("cluster:instances", c -> INSTANCES,
                "cluster:restart", c -> "draining app-1\nstarted app-1 (pid 4712), healthy, re-admitted\n"));
        ActionResult accepted = s.restart("app-1", ALICE);
        assertEquals(200, accepted.status(), accepted.message());
        assertFalse(accepted.operationId().isEmpty());
        // the acceptance's row carries the same operation id
        audit.record(ALICE.user(), "restart", "instance=app-1", accepted, ALICE.clientAddress());

        AuditEvent outcome = awaitOutcome("console.restart.result");
        assertEquals("alice", outcome.actor());
        assertEquals("success", outcome.outcome());
        assertEquals("10.0.0.7", outcome.clientAddress());
        assertEquals(accepted.operationId(), outcome.requestId());
        assertEquals(accepted.operationId(), awaitOutcome("console.restart").requestId());
        assertTrue(outcome.target().matches("instance=app-1: done after \\d+\\.\\d s \\(draining app-1 started app-1 "
                + "\\(pid 4712\\), healthy, re-admitted\\)"), outcome.target());
        assertTrue(s.lastOperation().startsWith("cluster:restart app-1: done after "), s.lastOperation());
    }

    @Test
    void aScaleThatFailsIsAuditedAsAFailureWithTheSupervisorsReason() throws Exception {
        InstancesSection s = section(Map.of("cluster:instances", c -> INSTANCES, "cluster:scale", c -> {
            throw new IllegalStateException("scaling to 3: app-3 did not answer /health within 120 s");
        }));
        ActionResult accepted = s.scale("3", ALICE);
        assertEquals(200, accepted.status(), accepted.message());
        AuditEvent outcome = awaitOutcome("console.scale.result");
        assertEquals("failure", outcome.outcome());
        assertEquals("alice", outcome.actor());
        assertEquals(accepted.operationId(), outcome.requestId());
        assertTrue(outcome.target().startsWith("count=3: failed after "), outcome.target());
        assertTrue(outcome.target().endsWith("(scaling to 3: app-3 did not answer /health within 120 s)"),
                outcome.target());
        assertTrue(s.lastOperation().startsWith("cluster:scale 3: failed after "), s.lastOperation());
        assertTrue(s.lastOperation().contains("did not answer /health"), s.lastOperation());
    }

    @Test
    void aCommandWhoseClassesWentAwayEndsAsAFailureAndFreesTheSupervisor() throws Exception {
        InstancesSection s = section(Map.of("cluster:instances", c -> INSTANCES, "cluster:restart", c -> {
            throw new NoClassDefFoundError("io/gatehouse/cluster/command/RestartCommand");
        }, "cluster:scale", c -> "scaled"));
        s.restart("app-1", ALICE);
        AuditEvent outcome = awaitOutcome("console.restart.result");
        assertEquals("failure", outcome.outcome());
        assertTrue(outcome.target().contains("NoClassDefFoundError"), outcome.target());
        assertEquals(200, s.scale("2", ALICE).status());
        assertEquals("success", awaitOutcome("console.scale.result").outcome());
    }

    @Test
    void refusedInputAndABusySupervisorStartNothingAndAuditNoOutcome() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InstancesSection s = section(Map.of("cluster:instances", c -> INSTANCES, "cluster:restart", c -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "restarted";
        }, "cluster:scale", c -> "scaled"));
        assertEquals(400, s.restart("app-9", ALICE).status());
        assertEquals(400, s.scale("abc", ALICE).status());
        ActionResult first = s.restart("app-1", ALICE);
        ActionResult busy = s.scale("2", ALICE);
        assertEquals(409, busy.status());
        assertTrue(busy.message().contains("'cluster:restart app-1' is still running"), busy.message());
        assertEquals("", busy.operationId());
        release.countDown();
        AuditEvent outcome = awaitOutcome("console.restart.result");
        assertEquals(first.operationId(), outcome.requestId());
        assertEquals(1, audited.size(), "only the restart that ran has an outcome: " + audited);
    }

    @Test
    void longOutputIsCutToWhatTheAuditLogStoresKeepingItsEnd() throws Exception {
        String printed = "x".repeat(5000) + " the end";
        InstancesSection s = section(Map.of("cluster:instances", c -> INSTANCES, "cluster:restart", c -> printed));
        s.restart("app-1", ALICE);
        AuditEvent outcome = awaitOutcome("console.restart.result");
        assertTrue(outcome.target().length() <= ConsoleAudit.MAX_OUTCOME_TARGET, "" + outcome.target().length());
        assertTrue(outcome.target().endsWith("the end)"), outcome.target());
        assertTrue(s.lastOperation().length() < 700, s.lastOperation());
    }

    @Test
    void aFailingAuditLogNeitherHidesTheOutcomeNorStopsTheNextOperation() throws Exception {
        AuditLog broken = e -> {
            throw new IllegalArgumentException("event field 'target' is too long");
        };
        ConsoleAudit brokenAudit = new ConsoleAudit(() -> broken);
        ShellRunner shell = new ShellRunner(() -> null) {
            @Override
            boolean has(String scope, String name) {
                return true;
            }

            @Override
            String run(String commandLine) {
                return commandLine.equals("cluster:instances") ? INSTANCES : "ok";
            }
        };
        section = new InstancesSection(() -> null, shell, () -> null, brokenAudit);
        assertEquals(200, section.restart("app-1", ALICE).status());
        awaitLastOperation("cluster:restart app-1: done");
        assertEquals(200, section.scale("2", ALICE).status());
        awaitLastOperation("cluster:scale 2: done");
    }

    private void awaitLastOperation(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!section.lastOperation().startsWith(expected)) {
            assertTrue(System.nanoTime() < deadline, section.lastOperation());
            Thread.sleep(10);
        }
    }

    @Test
    void cuttingKeepsBothEndsAndNeverSplitsACharacter() {
        assertEquals("short", ConsoleAudit.limit("short", 10));
        String cut = ConsoleAudit.limit("abcdefghijklmnopqrstuvwxyz", 15);
        assertEquals("abcde ... vwxyz", cut);
        String emoji = "\uD83D\uDE00".repeat(20);
        String e = ConsoleAudit.limit(emoji, 16);
        assertTrue(e.length() <= 16, e);
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            assertTrue(!Character.isHighSurrogate(c) || i + 1 < e.length() && Character.isLowSurrogate(e.charAt(i + 1)),
                    "half a character at " + i + ": " + e);
            assertTrue(!Character.isLowSurrogate(c) || i > 0 && Character.isHighSurrogate(e.charAt(i - 1)),
                    "half a character at " + i + ": " + e);
        }
    }
}
