package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app container as {@code ./platform} lays it out: {@code containers/<name>/launch} runs it, {@code run/<name>.pid}
 * holds "{@code <pid> <epoch seconds>}" of the running process. The supervisor and {@code ./platform} share that pid
 * file, so either can start the container and both see the same process.
 */
final class AppContainer {

    private static final Logger LOG = LoggerFactory.getLogger(AppContainer.class);

    enum State { RUNNING, CRASHED, DRAINING, RESTARTING, DEPLOYING, STOPPED }

    final String name;
    final Path runtime;
    final Path folder;
    final Path pidFile;
    /** Restart count and last exit, kept across gateway restarts as PM2 keeps them across its own. */
    final Path historyFile;
    final Path consoleLog;
    final Backoff backoff;

    private volatile State state = State.STOPPED;
    private volatile long pid = -1;
    private volatile Instant startedAt;
    private volatile int restarts;
    private volatile String lastExit = "-";
    private volatile long restartAtMillis;
    private volatile Process child;
    /** Held while an operation (restart, reload, deploy, scale down) owns the container: no crash handling then. */
    final AtomicBoolean busy = new AtomicBoolean();
    /** Set when the supervisor drained a crashed container: it re-admits it once /health answers 200. */
    final AtomicBoolean drainedAfterCrash = new AtomicBoolean();
    /** Since when /health has answered 200 without a break, while waiting to re-admit after a crash; -1: not yet. */
    volatile long healthySince = -1;

    AppContainer(Path runtime, String name, Backoff backoff) {
        this.name = name;
        this.runtime = runtime;
        this.folder = runtime.resolve("containers").resolve(name);
        this.pidFile = runtime.resolve("run").resolve(name + ".pid");
        this.historyFile = runtime.resolve("run").resolve(name + ".history");
        this.consoleLog = runtime.resolve("logs").resolve(name).resolve("console.log");
        this.backoff = backoff;
        loadHistory();
    }

    /** Reads the restart count and last exit a previous supervisor left; a missing or unreadable file is a fresh start. */
    private void loadHistory() {
        if (!Files.isRegularFile(historyFile)) {
            return;
        }
        Properties history = new Properties();
        try (Reader in = Files.newBufferedReader(historyFile, StandardCharsets.UTF_8)) {
            history.load(in);
            restarts = Math.max(0, Integer.parseInt(history.getProperty("restarts", "0").trim()));
            lastExit = history.getProperty("lastExit", "-");
        } catch (IOException | RuntimeException e) {
            restarts = 0;
            lastExit = "-";
        }
    }

    private void saveHistory() {
        Properties history = new Properties();
        history.setProperty("restarts", Integer.toString(restarts));
        history.setProperty("lastExit", lastExit);
        try {
            Files.createDirectories(historyFile.getParent());
            Path next = historyFile.resolveSibling(historyFile.getFileName() + ".next");
            try (Writer out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
                history.store(out, "restart history of " + name);
            }
            Files.move(next, historyFile, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the counters stay right in memory; only a later gateway restart would start them over
            LOG.warn("Cannot keep the restart history of {} in {}: {}", name, historyFile, e.toString());
        }
    }

    /** The process recorded in the pid file, if it is alive and still this container (not a recycled pid). */
    Optional<ProcessHandle> process() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String[] parts = Files.readString(pidFile, StandardCharsets.UTF_8).trim().split("\\s+");
            long recorded = Long.parseLong(parts[0]);
            Optional<ProcessHandle> handle = ProcessHandle.of(recorded).filter(ProcessHandle::isAlive)
                    // every stage of the launch chain (setsid, launch, bin/karaf, the JVM) names the runtime folder
                    .filter(p -> p.info().commandLine().map(c -> c.contains(runtime.toString())).orElse(true));
            if (handle.isPresent() && recorded != pid) {
                pid = recorded;
                startedAt = parts.length > 1 ? Instant.ofEpochSecond(Long.parseLong(parts[1])) : Instant.now();
            }
            return handle;
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the platform wants this container running: {@code ./platform stop} removes the pid file. */
    boolean wanted() {
        return Files.exists(pidFile);
    }

    /** Starts the container in its own session with the platform's launch script and records its pid. */
    synchronized void launch() throws IOException {
        Files.createDirectories(consoleLog.getParent());
        ProcessBuilder pb = new ProcessBuilder("setsid", folder.resolve("launch").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // the launch script sets what the container needs; the gateway's own Karaf and Java settings must not leak in
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_") || k.startsWith("JAVA_") || k.startsWith("GATEHOUSE_")
                || k.equals("EXTRA_JAVA_OPTS") || k.equals("CHECK_ROOT_INSTANCE_RUNNING"));
        Process p = pb.start();
        child = p;
        pid = p.pid();
        startedAt = Instant.now();
        Files.writeString(pidFile, p.pid() + " " + startedAt.getEpochSecond() + "\n", StandardCharsets.UTF_8);
        state = State.RUNNING;
    }

    /** Records a death: the exit code when the supervisor started the process, else what is known. */
    void died(long nowMillis) {
        Process p = child;
        String reason;
        if (p != null && p.pid() == pid && !p.isAlive()) {
            int code = p.exitValue();
            reason = code > 128 ? "killed by signal " + (code - 128) + " (exit " + code + ")" : "exit " + code;
        } else {
            reason = "process " + pid + " gone (started outside the supervisor: exit code unknown)";
        }
        lastExit = reason + " at " + Instant.ofEpochMilli(nowMillis);
        saveHistory();
        long uptime = startedAt == null ? 0 : nowMillis - startedAt.toEpochMilli();
        restartAtMillis = nowMillis + backoff.delayAfter(uptime);
        state = State.CRASHED;
    }

    void restarted() {
        restarts++;
        saveHistory();
    }

    /** Records why a planned stop ended the previous process ("restart requested", "memory limit"...). */
    void ended(String reason, long nowMillis) {
        lastExit = reason + " at " + Instant.ofEpochMilli(nowMillis);
        saveHistory();
    }

    void mark(State next) {
        state = next;
    }

    /**
     * Stops the container's process gracefully: SIGTERM (Karaf shuts down cleanly), then SIGKILL for the process and
     * whatever it started once {@code timeoutMillis} has passed. The pid file stays: the container is still wanted.
     *
     * @return true when it stopped within the timeout, false when it had to be killed
     */
    boolean stop(long timeoutMillis) throws InterruptedException {
        Optional<ProcessHandle> handle = process();
        if (handle.isEmpty()) {
            return true;
        }
        ProcessHandle p = handle.get();
        var tree = new java.util.ArrayList<ProcessHandle>();
        p.descendants().forEach(tree::add);
        p.destroy();
        boolean graceful = waitGone(p, timeoutMillis);
        if (!graceful) {
            p.destroyForcibly();
            waitGone(p, 5000);
        }
        for (ProcessHandle d : tree) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
        return graceful;
    }

    private static boolean waitGone(ProcessHandle p, long timeoutMillis) throws InterruptedException {
        try {
            p.onExit().get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !p.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !p.isAlive();
        }
    }

    /** The container's HTTP port, from the configuration ./platform wrote into its etc/. */
    int httpPort() {
        String value = etc("org.ops4j.pax.web.cfg").getProperty("org.osgi.service.http.port", "").trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("app container " + name + " has no HTTP port in "
                    + folder.resolve("etc/org.ops4j.pax.web.cfg") + " (org.osgi.service.http.port = '" + value + "')");
        }
    }

    /** The number N of app-N, for ordering (app-10 after app-9). */
    int index() {
        return Integer.parseInt(name.substring(name.indexOf('-') + 1));
    }

    /** One of the container's configuration files, as ./platform wrote it; empty when it cannot be read. */
    Properties etc(String file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(folder.resolve("etc").resolve(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            // an absent or unreadable file reads as empty: callers name the missing key
        }
        return p;
    }

    void markRunning() {
        state = State.RUNNING;
    }

    void markStopped() {
        state = State.STOPPED;
        pid = -1;
    }

    State state() {
        return state;
    }

    long pid() {
        return pid;
    }

    Instant startedAt() {
        return startedAt;
    }

    int restarts() {
        return restarts;
    }

    String lastExit() {
        return lastExit;
    }

    long restartAtMillis() {
        return restartAtMillis;
    }
}
