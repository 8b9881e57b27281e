package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One app container as {@code ./platform} lays it out: {@code containers/<name>/launch} runs it, {@code run/<name>.pid}
 * holds "{@code <pid> <epoch seconds>}" of the running process. The supervisor and {@code ./platform} share that pid
 * file, so either can start the container and both see the same process.
 */
final class AppContainer {

    enum State { RUNNING, CRASHED, RESTARTING, STOPPED }

    final String name;
    final Path runtime;
    final Path folder;
    final Path pidFile;
    final Path consoleLog;
    final Backoff backoff;

    private volatile State state = State.STOPPED;
    private volatile long pid = -1;
    private volatile Instant startedAt;
    private volatile int restarts;
    private volatile String lastExit = "-";
    private volatile long restartAtMillis;
    private volatile Process child;

    AppContainer(Path runtime, String name, Backoff backoff) {
        this.name = name;
        this.runtime = runtime;
        this.folder = runtime.resolve("containers").resolve(name);
        this.pidFile = runtime.resolve("run").resolve(name + ".pid");
        this.consoleLog = runtime.resolve("logs").resolve(name).resolve("console.log");
        this.backoff = backoff;
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
        long uptime = startedAt == null ? 0 : nowMillis - startedAt.toEpochMilli();
        restartAtMillis = nowMillis + backoff.delayAfter(uptime);
        state = State.CRASHED;
    }

    void restarted() {
        restarts++;
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
