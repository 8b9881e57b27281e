package io.gatehouse.membership.internal;

import static io.gatehouse.membership.internal.BootingFramework.BOOT_FINISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gate Hazelcast waits behind: closed until the framework has reached its beginning start level and Karaf has
 * installed the boot features ({@code BootFinished} registered), whichever comes last, and open at once in a
 * container that booted already.
 */
class BootGateTest {

    private static final int KARAF_BEGINNING_START_LEVEL = 100;

    private final BootingFramework karaf = new BootingFramework(KARAF_BEGINNING_START_LEVEL);

    @Test
    void staysClosedUntilTheBootFeaturesAreInstalled() {
        karaf.started();
        BootGate gate = new BootGate(karaf.context);
        assertFalse(gate.isOpen(), "open before BootFinished");

        karaf.register("org.osgi.service.cm.ConfigurationAdmin");
        karaf.register("org.apache.karaf.features.FeaturesService");
        assertFalse(gate.isOpen(), "opened by a service other than BootFinished");

        karaf.register(BOOT_FINISHED);
        assertTrue(gate.isOpen(), "still closed after BootFinished");
        assertEquals(0, karaf.listeners(), "listeners left registered once open");
    }

    @Test
    void staysClosedUntilTheFrameworkReachesItsBeginningStartLevel() {
        karaf.startLevel(80);
        karaf.register(BOOT_FINISHED);
        BootGate gate = new BootGate(karaf.context);
        assertFalse(gate.isOpen(), "open at start level 80 of 100");

        karaf.startLevel(99);
        assertFalse(gate.isOpen(), "open at start level 99 of 100");

        karaf.startLevel(KARAF_BEGINNING_START_LEVEL);
        assertTrue(gate.isOpen(), "still closed at the beginning start level with BootFinished registered");
        assertEquals(0, karaf.listeners(), "listeners left registered once open");
    }

    @Test
    void opensOnTheLastOfBothWhenTheyComeAfterIt() {
        karaf.startLevel(80);
        BootGate featuresLast = new BootGate(karaf.context);
        karaf.started();
        assertFalse(featuresLast.isOpen(), "open when only the framework has started");
        karaf.register(BOOT_FINISHED);
        assertTrue(featuresLast.isOpen());

        BootingFramework other = new BootingFramework(KARAF_BEGINNING_START_LEVEL);
        other.startLevel(80);
        BootGate frameworkLast = new BootGate(other.context);
        other.register(BOOT_FINISHED);
        assertFalse(frameworkLast.isOpen(), "open when only the boot features are installed");
        other.started();
        assertTrue(frameworkLast.isOpen());
    }

    @Test
    void withoutABeginningStartLevelTheFrameworkMustBeActive() {
        BootingFramework framework = new BootingFramework(null);
        framework.register(BOOT_FINISHED);
        BootGate gate = new BootGate(framework.context);
        framework.startLevel(KARAF_BEGINNING_START_LEVEL);
        assertFalse(gate.isOpen(), "open while the system bundle is still starting");

        framework.started();
        assertTrue(gate.isOpen());
    }

    @Test
    void openAtOnceInAContainerThatHasBooted() throws Exception {
        karaf.started();
        karaf.register(BOOT_FINISHED);
        BootGate gate = new BootGate(karaf.context);

        assertTrue(gate.isOpen(), "closed in a booted container (the feature installed at runtime)");
        assertEquals(0, karaf.listeners(), "listeners left registered");
        assertTrue(CompletableFuture.supplyAsync(gate::await).get(10, TimeUnit.SECONDS));
    }

    @Test
    void aWaitingStartGoesAheadOnceTheBootIsDone() throws Exception {
        karaf.startLevel(80);
        BootGate gate = new BootGate(karaf.context);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(gate::await);

        karaf.register(BOOT_FINISHED);
        assertFalse(gate.isOpen());
        karaf.started();

        assertTrue(waiting.get(10, TimeUnit.SECONDS), "await() after the boot: the member should start");
    }

    @Test
    void closingReleasesAWaitingStartWithoutStartingIt() throws Exception {
        BootGate gate = new BootGate(karaf.context);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(gate::await);

        gate.close();

        assertFalse(waiting.get(10, TimeUnit.SECONDS), "await() after close(): nothing should start");
        assertFalse(gate.await());
        assertEquals(0, karaf.listeners(), "listeners left registered after close");
    }

    @Test
    void aStoppingBundleDoesNotWaitForTheBoot() {
        karaf.invalidateContext();
        BootGate gate = new BootGate(karaf.context);
        assertTrue(gate.isOpen(), "a stopping bundle would wait " + Duration.ofSeconds(BootGate.MAX_WAIT_SECONDS));
    }
}
