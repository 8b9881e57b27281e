package io.gatehouse.cluster.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.metrics.MetricNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PM2 part of the gateway: watches the app containers {@code ./platform} laid out under the runtime folder and
 * restarts one that dies (kill -9, crash, OOM) after a backoff, counting restarts and remembering why it ended.
 * <p>
 * The containers are separate Karaf JVMs started by their {@code launch} script, not children of the gateway, so a
 * gateway restart neither stops them nor loses them: the supervisor adopts whatever the pid files name.
 */
@Component(service = Supervisor.class, immediate = true, configurationPid = SupervisorConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SupervisorConfig.class)
public class Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final MetricRegistry registry;
    private final Map<String, AppContainer> containers = new ConcurrentSkipListMap<>();
    private final ScheduledExecutorService timer;
    private final Path runtime;
    private final SupervisorConfig config;

    @Activate
    public Supervisor(SupervisorConfig config, @Reference MetricRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.runtime = runtimeFolder(config);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gatehouse-supervisor"));
        if (!config.enabled() || runtime == null) {
            LOG.info("Supervisor idle: {}", !config.enabled() ? "disabled by configuration"
                    : "no platform runtime folder (set gatehouse.runtime or the runtime property)");
            return;
        }
        LOG.info("Supervising the app containers under {}", runtime);
        timer.scheduleWithFixedDelay(this::check, 0, Math.max(100, config.check_intervalMillis()),
                TimeUnit.MILLISECONDS);
    }

    static Path runtimeFolder(SupervisorConfig config) {
        String value = config.runtime().isBlank() ? System.getProperty("gatehouse.runtime", "") : config.runtime();
        if (value.isBlank()) {
            return null;
        }
        Path path = Path.of(value);
        return Files.isDirectory(path.resolve("containers")) ? path : null;
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        containers.keySet().forEach(name -> registry.removeMatching((n, m) -> n.contains("instance=\"" + name + "\"")));
    }

    /** One pass: discover containers, notice deaths, restart those whose backoff has passed. */
    void check() {
        try {
            discover();
            long now = System.currentTimeMillis();
            for (AppContainer c : containers.values()) {
                supervise(c, now);
            }
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
            return;
        }
        if (!c.wanted()) {
            c.markStopped();
            return;
        }
        if (c.state() == AppContainer.State.RUNNING || c.state() == AppContainer.State.STOPPED) {
            c.died(now);
            LOG.warn("App container {} died ({}); restarting in {} ms", c.name, c.lastExit(), c.restartAtMillis() - now);
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

    private void discover() {
        try (Stream<Path> dirs = Files.list(runtime.resolve("containers"))) {
            dirs.filter(d -> d.getFileName().toString().matches("app-[0-9]+"))
                    .filter(d -> Files.isExecutable(d.resolve("launch")))
                    .map(d -> d.getFileName().toString())
                    .filter(name -> !containers.containsKey(name))
                    .forEach(this::add);
        } catch (IOException e) {
            LOG.warn("Cannot list {}: {}", runtime.resolve("containers"), e.getMessage());
        }
    }

    private void add(String name) {
        AppContainer c = new AppContainer(runtime, name, new Backoff(config.backoff_initialMillis(),
                config.backoff_maxMillis(), TimeUnit.SECONDS.toMillis(config.backoff_stableSeconds())));
        containers.put(name, c);
        register(name, "gatehouse.instance.up", () -> c.state() == AppContainer.State.RUNNING ? 1 : 0);
        register(name, "gatehouse.instance.restarts", c::restarts);
        register(name, "gatehouse.instance.uptime.seconds", () -> {
            Instant started = c.startedAt();
            return c.state() == AppContainer.State.RUNNING && started != null
                    ? Duration.between(started, Instant.now()).toSeconds() : 0L;
        });
        register(name, "gatehouse.instance.memory.bytes", () -> residentBytes(c.pid()));
    }

    private void register(String instance, String metric, Gauge<?> gauge) {
        String name = MetricNames.name(metric, "instance", instance);
        registry.remove(name);
        registry.register(name, gauge);
    }

    /** Resident memory from /proc (Linux); 0 when unknown. */
    static long residentBytes(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** A snapshot for the shell and the console. */
    public List<InstanceView> instances() {
        List<InstanceView> out = new ArrayList<>();
        for (AppContainer c : containers.values()) {
            Instant started = c.startedAt();
            boolean running = c.state() == AppContainer.State.RUNNING;
            out.add(new InstanceView(c.name, c.state().name().toLowerCase(), running ? c.pid() : -1,
                    running && started != null ? Duration.between(started, Instant.now()) : Duration.ZERO,
                    c.restarts(), c.lastExit(), running ? residentBytes(c.pid()) : 0));
        }
        return out;
    }

    public boolean active() {
        return runtime != null && config.enabled();
    }
}
