package io.gatehouse.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Drives the repository's {@code ./platform} script against a private runtime folder and private ports, so a test
 * never touches (or collides with) a platform a developer runs on the default ports.
 */
final class PlatformScript {

    /** The result of one {@code ./platform} run. */
    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    final Path root;
    final Path runtime;
    final Map<String, String> env = new HashMap<>();

    PlatformScript(Path runtime) {
        this.root = repositoryRoot();
        this.runtime = runtime;
        env.put("GATEHOUSE_RUNTIME", runtime.toString());
        // the reactor built the distribution; a test never starts a Maven build of its own
        env.put("GATEHOUSE_BUILD", "never");
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("platform"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no ./platform script above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Chooses free loopback ports for every part; app ports get {@code apps} consecutive free ports. */
    PlatformScript freePorts(int apps) {
        env.put("GATEHOUSE_DB_PORT", String.valueOf(GatehouseOptions.freePort()));
        for (String key : List.of("LISTENER_HTTPS_PORT", "LISTENER_HTTP_PORT", "GATEWAY_HTTP_PORT", "GATEWAY_SSH_PORT", "GATEWAY_JMX_REGISTRY_PORT",
                "GATEWAY_JMX_SERVER_PORT", "GATEWAY_CLUSTER_PORT")) {
            env.put("GATEHOUSE_" + key, String.valueOf(GatehouseOptions.freePort()));
        }
        int next = 20000 + (int) (ProcessHandle.current().pid() % 20000);
        for (String key : List.of("APP_HTTP_PORT_BASE", "APP_SSH_PORT_BASE", "APP_JMX_REGISTRY_PORT_BASE",
                "APP_JMX_SERVER_PORT_BASE", "APP_CLUSTER_PORT_BASE")) {
            next = freeRange(next, apps);
            env.put("GATEHOUSE_" + key, String.valueOf(next));
            next += apps;
        }
        env.put("GATEHOUSE_APP_INSTANCES", String.valueOf(apps));
        // a cluster of its own: never joins another test's (or a developer's) platform
        env.put("GATEHOUSE_CLUSTER_NAME", "itest-" + env.get("GATEHOUSE_GATEWAY_CLUSTER_PORT"));
        return this;
    }

    private static int freeRange(int from, int length) {
        for (int base = from; base < 60000; base++) {
            boolean free = true;
            for (int p = base; p < base + length && free; p++) {
                free = isFree(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + length + " consecutive free ports above " + from);
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    int port(String key) {
        return Integer.parseInt(env.get("GATEHOUSE_" + key));
    }

    Result run(long timeoutSeconds, String... args) {
        return run(Map.of(), timeoutSeconds, args);
    }

    /** Runs {@code ./platform args} with extra environment, bounded in time; a run that hangs fails the test. */
    Result run(Map<String, String> extraEnv, long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("platform").toString());
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile(runtime.getParent(), "platform-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            pb.environment().putAll(env);
            extraEnv.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process process = pb.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("./platform " + String.join(" ", args) + " did not finish within "
                        + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every live process whose command line names this runtime folder. */
    List<String> processes() {
        String marker = runtime.toString() + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(line -> line.contains(marker))
                .collect(Collectors.toList());
    }

    /** Last resort after a failed test: ends what this test's platform left running. */
    void killLeftovers() {
        String marker = runtime.toString() + "/";
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
