package io.gatehouse.cluster.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.cluster.SupervisedBackends;
import io.gatehouse.api.metrics.MetricNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PM2 part of the gateway: watches the app containers {@code ./platform} laid out under the runtime folder and
 * restarts one that dies (kill -9, crash, OOM) after a backoff, counting restarts and remembering why it ended;
 * restarts one gracefully when it passes the memory limit; and runs the planned operations (restart, reload, scale,
 * deploy), one at a time, each container drained in the balancer while it changes.
 * <p>
 * The containers are separate Karaf JVMs started by their {@code launch} script, not children of the gateway, so a
 * gateway restart neither stops them nor loses them: the supervisor adopts whatever the pid files name.
 */
@Component(service = {Supervisor.class, SupervisedBackends.class}, immediate = true, configurationPid = SupervisorConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SupervisorConfig.class)
public class Supervisor implements SupervisedBackends {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final MetricRegistry registry;
    private final Map<String, AppContainer> containers = new ConcurrentSkipListMap<>(
            Comparator.comparingInt((String n) -> n.length()).thenComparing(Comparator.naturalOrder()));
    private final ScheduledExecutorService timer;
    private final ExecutorService background;
    private final ReentrantLock operation = new ReentrantLock();
    private final Path runtime;
    private final BalancerGate gate;
    private final GracefulCycle cycle;
    private volatile SupervisorConfig config;
    private volatile String operationName = "";
    private volatile String configError = "";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoadBalancer balancer;

    @Activate
    public Supervisor(SupervisorConfig config, @Reference MetricRegistry registry) {
        String error = SupervisorSettings.validate(config);
        if (error != null) {
            configError = "configuration " + SupervisorConfig.PID + " refused: " + error + "; running with the defaults";
            LOG.error(configError);
            config = SupervisorSettings.defaults();
        }
        this.config = config;
        this.registry = registry;
        this.runtime = runtimeFolder(config);
        this.gate = new BalancerGate(() -> balancer);
        this.cycle = new GracefulCycle(gate, () -> seconds(this.config.drain_timeoutSeconds()),
                () -> seconds(this.config.readmit_timeoutSeconds()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gatehouse-supervisor"));
        this.background = Executors.newSingleThreadExecutor(r -> new Thread(r, "gatehouse-supervisor-operations"));
        if (!config.enabled() || runtime == null) {
            LOG.info("Supervisor idle: {}", !config.enabled() ? "disabled by configuration"
                    : "no platform runtime folder (set gatehouse.runtime or the runtime property)");
            return;
        }
        LOG.info("Supervising the app containers under {}", runtime);
        timer.scheduleWithFixedDelay(this::check, 0, Math.max(100, config.check_intervalMillis()),
                TimeUnit.MILLISECONDS);
    }

    /** Applies a changed configuration in place (restart counts stay); a bad value keeps the previous one. */
    @Modified
    void modified(SupervisorConfig next) {
        String error = SupervisorSettings.validate(next);
        if (error != null) {
            configError = "configuration " + SupervisorConfig.PID + " refused: " + error
                    + "; still running with the previous configuration";
            LOG.error(configError);
            return;
        }
        configError = "";
        config = next;
        LOG.info("Supervisor configuration updated (memory limit {} MB, scale max {})", next.memory_limitMb(),
                next.scale_max());
    }

    static Path runtimeFolder(SupervisorConfig config) {
        String value = config.runtime().isBlank() ? System.getProperty("gatehouse.runtime", "") : config.runtime();
        if (value.isBlank()) {
            return null;
        }
        Path path = Path.of(value);
        return Files.isDirectory(path.resolve("containers")) ? path : null;
    }

    private static long seconds(long s) {
        return TimeUnit.SECONDS.toMillis(s);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        background.shutdownNow();
        containers.keySet().forEach(this::unregister);
    }

    // ------------------------------------------------------------------------------------------------ watching

    /** One pass: discover containers, notice deaths, restart those whose backoff has passed, watch memory. */
    void check() {
        try {
            discover();
            long now = System.currentTimeMillis();
            for (AppContainer c : containers.values()) {
                if (!c.busy.get()) {
                    supervise(c, now);
                }
            }
            watchMemory();
        } catch (RuntimeException e) {
            LOG.warn("Supervisor check failed: {}", e.toString(), e);
        }
    }

    private void supervise(AppContainer c, long now) {
        boolean alive = c.process().isPresent();
        if (alive) {
            if (c.state() != AppContainer.State.RUNNING) {
                c.markRunning();
            }
            readmitAfterCrash(c);
            return;
        }
        if (!c.wanted()) {
            c.markStopped();
            return;
        }
        if (c.state() != AppContainer.State.CRASHED) {
            c.died(now);
            LOG.warn("App container {} died ({}); restarting in {} ms", c.name, c.lastExit(), c.restartAtMillis() - now);
            // out of rotation at once, and while it boots: the balancer would otherwise try it again after its
            // fail_timeout, and a container that listens but has not started its application answers 404/503
            try {
                if (gate.drain(BalancerGate.id(c.httpPort()))) {
                    c.drainedAfterCrash.set(true);
                }
            } catch (IllegalStateException e) {
                LOG.warn("{}", e.getMessage());
            }
        }
        if (c.state() == AppContainer.State.CRASHED && now >= c.restartAtMillis()) {
            try {
                c.launch();
                c.restarted();
                LOG.info("App container {} restarted as pid {} (restart {})", c.name, c.pid(), c.restarts());
            } catch (IOException e) {
                c.died(now);
                LOG.error("Could not restart app container {}: {}", c.name, e.getMessage());
            }
        }
    }

    /** A crashed container drained by the supervisor goes back into rotation once it answers /health with 200. */
    private void readmitAfterCrash(AppContainer c) {
        if (!c.drainedAfterCrash.get()) {
            return;
        }
        int port = c.httpPort();
        long now = System.currentTimeMillis();
        if (!HealthProbe.passes(port, "/health")) {
            c.healthySince = -1;
            return;
        }
        if (c.healthySince < 0) {
            c.healthySince = now;
        }
        if (now - c.healthySince >= seconds(config.start_settleSeconds())) {
            gate.admit(BalancerGate.id(port), port);
            c.drainedAfterCrash.set(false);
            c.healthySince = -1;
            LOG.info("App container {} is healthy again after its restart: re-admitted to the balancer", c.name);
        }
    }

    /** A container over the memory limit is restarted gracefully, one at a time, when no operation runs. */
    private void watchMemory() {
        long limit = config.memory_limitMb() * 1024 * 1024;
        if (limit <= 0 || operation.isLocked()) {
            return;
        }
        for (AppContainer c : containers.values()) {
            long rss = c.state() == AppContainer.State.RUNNING && !c.busy.get() ? ProcStats.residentBytes(c.pid()) : 0;
            if (MemoryLimit.exceeded(rss, limit)) {
                String reason = "memory limit (" + (rss >> 20) + " MB resident > " + config.memory_limitMb() + " MB)";
                LOG.warn("App container {} passed the memory limit: {}; restarting it gracefully", c.name, reason);
                background.execute(() -> {
                    if (!operation.tryLock()) {
                        return; // an operation started meanwhile; the next check looks again
                    }
                    try {
                        operationName = "memory-limit restart of " + c.name;
                        restartGracefully(c, "memory limit", msg -> LOG.info("{}", msg));
                    } catch (Exception e) {
                        LOG.error("Memory-limit restart of {} failed: {}", c.name, e.getMessage());
                    } finally {
                        operationName = "";
                        operation.unlock();
                    }
                });
                return;
            }
        }
    }

    private void discover() {
        try (Stream<Path> dirs = Files.list(runtime.resolve("containers"))) {
            dirs.filter(d -> d.getFileName().toString().matches("app-[1-9][0-9]*"))
                    .filter(d -> Files.isExecutable(d.resolve("launch")))
                    .map(d -> d.getFileName().toString())
                    .filter(name -> !containers.containsKey(name))
                    .forEach(this::add);
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", runtime.resolve("containers"), e.getMessage());
        }
    }

    private AppContainer add(String name) {
        AppContainer c = new AppContainer(runtime, name, new Backoff(config.backoff_initialMillis(),
                config.backoff_maxMillis(), TimeUnit.SECONDS.toMillis(config.backoff_stableSeconds())));
        AppContainer existing = containers.putIfAbsent(name, c);
        if (existing != null) {
            return existing;
        }
        register(name, "gatehouse.instance.up", () -> c.state() == AppContainer.State.RUNNING ? 1 : 0);
        register(name, "gatehouse.instance.restarts", c::restarts);
        register(name, "gatehouse.instance.uptime.seconds", () -> {
            Instant started = c.startedAt();
            return c.state() == AppContainer.State.RUNNING && started != null
                    ? Duration.between(started, Instant.now()).toSeconds() : 0L;
        });
        register(name, "gatehouse.instance.memory.bytes", () -> c.pid() > 0 ? ProcStats.residentBytes(c.pid()) : 0L);
        register(name, "gatehouse.instance.cpu.seconds", () -> c.pid() > 0 ? ProcStats.cpuSeconds(c.pid()) : 0.0);
        return c;
    }

    private void register(String instance, String metric, Gauge<?> gauge) {
        String name = MetricNames.name(metric, "instance", instance);
        registry.remove(name);
        registry.register(name, gauge);
    }

    private void unregister(String instance) {
        registry.removeMatching((n, m) -> n.contains("instance=\"" + instance + "\""));
    }

    /** Resident memory from /proc (Linux); 0 when unknown. */
    static long residentBytes(long pid) {
        return ProcStats.residentBytes(pid);
    }

    // ---------------------------------------------------------------------------------------------- snapshots

    /** A snapshot for the shell and the console. */
    public List<InstanceView> instances() {
        List<InstanceView> out = new ArrayList<>();
        for (AppContainer c : containers.values()) {
            Instant started = c.startedAt();
            boolean alive = c.state() != AppContainer.State.STOPPED && c.state() != AppContainer.State.CRASHED
                    && c.pid() > 0;
            int port;
            try {
                port = c.httpPort();
            } catch (IllegalStateException e) {
                port = -1;
            }
            out.add(new InstanceView(c.name, c.state().name().toLowerCase(), alive ? c.pid() : -1, port,
                    alive && started != null ? Duration.between(started, Instant.now()) : Duration.ZERO,
                    c.restarts(), c.lastExit(), alive ? ProcStats.residentBytes(c.pid()) : 0,
                    alive ? ProcStats.cpuSeconds(c.pid()) : 0));
        }
        return out;
    }

    /**
     * The balancer ids of every app container this supervisor manages, whatever its state (starting, crashed,
     * restarting, draining, being removed): cluster membership leaves these to the supervisor.
     */
    @Override
    public Set<String> backendIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (AppContainer c : containers.values()) {
            try {
                ids.add(BalancerGate.id(c.httpPort()));
            } catch (IllegalStateException e) {
                // its folder is gone (being removed) or not laid out yet: no address to claim
            }
        }
        return ids;
    }

    /** Names of the containers the platform runs (wanted), for completion and validation. */
    public List<String> names() {
        return containers.values().stream().filter(AppContainer::wanted).map(c -> c.name).collect(Collectors.toList());
    }

    public boolean active() {
        return runtime != null && config.enabled();
    }

    /** Why the last configuration was refused, or empty. */
    public String configError() {
        return configError;
    }

    // --------------------------------------------------------------------------------------------- operations

    private void requireActive() throws OperationException {
        if (!active()) {
            throw new OperationException("the supervisor is idle: this gateway was not started by ./platform "
                    + "(no runtime folder)");
        }
        discover();
    }

    private void lock(String name) throws OperationException {
        if (!operation.tryLock()) {
            throw new OperationException("another operation is running (" + operationName + "); try again when it ends");
        }
        operationName = name;
    }

    private void unlock() {
        operationName = "";
        operation.unlock();
    }

    private AppContainer container(String name) throws OperationException {
        AppContainer c = name == null ? null : containers.get(name.trim());
        if (c == null || !c.wanted()) {
            throw new OperationException("no app container named '" + name + "': known instances are "
                    + String.join(", ", names()));
        }
        return c;
    }

    /** {@code cluster:restart}: drain, stop, start, wait for /health, re-admit. */
    public void restart(String name, Consumer<String> out) throws OperationException {
        requireActive();
        AppContainer c = container(name);
        lock("restart of " + c.name);
        try {
            if (names().size() < 2) {
                out.accept("warning: " + c.name + " is the only app container: requests fail while it restarts");
            }
            restartGracefully(c, "restart requested", out);
        } finally {
            unlock();
        }
    }

    /** {@code cluster:reload}: every container in turn, the next one only once the previous serves again. */
    public void reload(Consumer<String> out) throws OperationException {
        requireActive();
        lock("reload");
        try {
            List<AppContainer> all = wanted();
            if (all.isEmpty()) {
                throw new OperationException("no app container to reload");
            }
            if (all.size() < 2) {
                out.accept("warning: only one app container: requests fail while it restarts (cluster:scale 2 first)");
            }
            long started = System.currentTimeMillis();
            for (AppContainer c : all) {
                if (!restartGracefully(c, "reload", out)) {
                    throw new OperationException("reload stopped at " + c.name + ": the balancer does not send it "
                            + "requests again; the containers after it were not restarted");
                }
            }
            out.accept("reloaded " + all.size() + " app container(s) in "
                    + (System.currentTimeMillis() - started) / 1000 + " s");
        } finally {
            unlock();
        }
    }

    private List<AppContainer> wanted() {
        return containers.values().stream().filter(AppContainer::wanted)
                .sorted(Comparator.comparingInt(AppContainer::index)).collect(Collectors.toList());
    }

    /** @return true when the balancer sends the container requests again */
    boolean restartGracefully(AppContainer c, String reason, Consumer<String> out) throws OperationException {
        if (!c.busy.compareAndSet(false, true)) {
            throw new OperationException(c.name + " is busy with another operation");
        }
        long begin = System.currentTimeMillis();
        try {
            boolean eligible = cycle.run(c, out, () -> {
                c.mark(AppContainer.State.RESTARTING);
                boolean graceful = c.stop(seconds(config.stop_timeoutSeconds()));
                c.ended(reason, System.currentTimeMillis());
                out.accept(c.name + ": stopped" + (graceful ? "" : " (killed after " + config.stop_timeoutSeconds() + " s)"));
                c.launch();
                c.restarted();
                int port = c.httpPort();
                if (!HealthProbe.awaitStable(port, seconds(config.start_timeoutSeconds()),
                        seconds(config.start_settleSeconds()), () -> c.process().isPresent(), "/health")) {
                    throw new OperationException(c.name + " did not answer http://127.0.0.1:" + port + "/health with 200 "
                            + "within " + config.start_timeoutSeconds() + " s of its restart (log: " + c.consoleLog
                            .getParent().resolve("karaf.log") + ")");
                }
                out.accept(c.name + ": started as pid " + c.pid() + ", healthy after "
                        + (System.currentTimeMillis() - begin) / 1000 + " s");
            });
            LOG.info("App container {} restarted gracefully ({}) in {} ms", c.name, reason,
                    System.currentTimeMillis() - begin);
            return eligible;
        } catch (OperationException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationException("interrupted while restarting " + c.name, e);
        } catch (Exception e) {
            throw new OperationException("restart of " + c.name + " failed: " + e.getMessage(), e);
        } finally {
            c.busy.set(false);
        }
    }

    /** {@code cluster:scale}: adds containers laid out by ./platform, or drains and removes the highest-numbered. */
    public void scale(String count, Consumer<String> out) throws OperationException {
        int max = config.scale_max();
        int target = ScaleRequest.parse(count, max);
        requireActive();
        lock("scale to " + target);
        try {
            List<AppContainer> now = wanted();
            if (target == now.size()) {
                out.accept("already " + target + " app container(s): nothing to do");
                return;
            }
            PlatformLayout layout = layout();
            if (target > now.size()) {
                scaleUp(target, now, layout, out);
            } else {
                scaleDown(target, now, out);
            }
            layout.writeBackends();
            out.accept("now " + wanted().size() + " app container(s): " + String.join(", ", names()));
        } finally {
            unlock();
        }
    }

    private PlatformLayout layout() throws OperationException {
        Path script = PlatformLayout.find(config.platform());
        if (script == null) {
            throw new OperationException("no ./platform script to lay out and reach the app containers (set the "
                    + "gatehouse.platform system property or the platform property of " + SupervisorConfig.PID + ")");
        }
        return new PlatformLayout(script, runtime);
    }

    private void scaleUp(int target, List<AppContainer> now, PlatformLayout layout, Consumer<String> out)
            throws OperationException {
        List<String> running = now.stream().map(c -> c.name).collect(Collectors.toList());
        List<AppContainer> added = new ArrayList<>();
        for (int i = 1; added.size() + running.size() < target; i++) {
            String name = "app-" + i;
            if (running.contains(name)) {
                continue;
            }
            layout.prepare(name, Math.max(target, i));
            AppContainer c = add(name);
            try {
                c.busy.set(true);
                c.launch();
            } catch (IOException e) {
                c.busy.set(false);
                throw new OperationException("cannot start " + name + ": " + e.getMessage(), e);
            }
            out.accept(name + ": started as pid " + c.pid() + " on port " + c.httpPort());
            added.add(c);
        }
        List<String> failed = new ArrayList<>();
        try {
            for (AppContainer c : added) {
                int port = c.httpPort();
                if (!HealthProbe.awaitStable(port, seconds(config.start_timeoutSeconds()),
                        seconds(config.start_settleSeconds()), () -> c.process().isPresent(), "/health")) {
                    failed.add(c.name);
                    out.accept(c.name + ": not healthy within " + config.start_timeoutSeconds() + " s; it keeps running "
                            + "under supervision, out of rotation until the balancer's health checks pass");
                }
                String id = BalancerGate.id(port);
                gate.admit(id, port);
                if (!failed.contains(c.name) && gate.awaitEligible(id, seconds(config.readmit_timeoutSeconds()))) {
                    out.accept(c.name + ": healthy, added to the balancer as " + id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationException("interrupted while scaling up", e);
        } finally {
            added.forEach(c -> c.busy.set(false));
        }
        if (!failed.isEmpty()) {
            throw new OperationException(String.join(", ", failed) + " did not become healthy (logs: "
                    + runtime.resolve("logs") + ")");
        }
    }

    private void scaleDown(int target, List<AppContainer> now, Consumer<String> out) throws OperationException {
        List<AppContainer> remove = new ArrayList<>(now.subList(target, now.size()));
        java.util.Collections.reverse(remove);
        for (AppContainer c : remove) {
            if (!c.busy.compareAndSet(false, true)) {
                throw new OperationException(c.name + " is busy with another operation");
            }
            try {
                int port = c.httpPort();
                String id = BalancerGate.id(port);
                c.mark(AppContainer.State.DRAINING);
                if (gate.drain(id)) {
                    int left = gate.awaitIdle(id, seconds(config.drain_timeoutSeconds()));
                    out.accept(c.name + ": drained" + (left > 0 ? " (" + left + " request(s) still in flight)" : ""));
                }
                c.stop(seconds(config.stop_timeoutSeconds()));
                gate.remove(id);
                Files.deleteIfExists(c.pidFile);
                Files.deleteIfExists(c.historyFile);
                c.markStopped();
                // the folder goes while the container is still known: the periodic discovery skips known names, and
                // would otherwise take a folder still being deleted (its launch script still there) for a new
                // container and list it, stopped, until the gateway restarts
                deleteTree(c.folder);
                containers.remove(c.name);
                unregister(c.name);
                out.accept(c.name + ": stopped and removed (" + id + " left the balancer; logs kept in "
                        + c.consoleLog.getParent() + ")");
            } catch (IOException e) {
                throw new OperationException("cannot remove " + c.name + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationException("interrupted while removing " + c.name, e);
            } finally {
                c.busy.set(false);
            }
        }
    }

    /** {@code cluster:deploy}: a feature or bundle onto every app container in turn, rolled back where it fails. */
    public void deploy(String what, String checkPath, Consumer<String> out) throws OperationException {
        if (checkPath != null && !checkPath.isBlank() && !checkPath.startsWith("/")) {
            throw new OperationException("the health check path must start with '/', was '" + checkPath + "'");
        }
        requireActive();
        lock("deploy of " + what);
        try {
            List<AppContainer> targets = wanted();
            if (targets.isEmpty()) {
                throw new OperationException("no app container to deploy to");
            }
            Deployer deployer = new Deployer(runtime, layout(), cycle, seconds(config.deploy_timeoutSeconds()));
            DeployArtifact artifact = DeployArtifact.resolve(what, deployer.folder());
            out.accept("deploying " + artifact.describe() + " to " + targets.size() + " app container(s), one at a time");
            deployer.deploy(targets, artifact, checkPath, out);
        } finally {
            unlock();
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
