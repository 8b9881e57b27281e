package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Lays out app containers exactly as {@code ./platform start} does, by running the script's internal verbs, so
 * ports, features, credentials and the launch script are decided in one place:
 * {@code ./platform __container app-N} prepares {@code containers/app-N}, {@code ./platform __backends} writes the
 * gateway's balancer backends for the containers present (so a gateway restart keeps a scaled set), and
 * {@code ./platform __exec app-N '<command>'} runs a Karaf command in an app container's shell (SSH, as admin).
 * The script reads the configuration {@code start} saved in {@code run/platform.conf}.
 */
final class PlatformLayout {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path script;
    private final Path runtime;

    PlatformLayout(Path script, Path runtime) {
        this.script = script;
        this.runtime = runtime;
    }

    /** The platform script named by configuration or by the gateway's launch script; null when there is none. */
    static Path find(String configured) {
        String value = configured == null || configured.isBlank() ? System.getProperty("gatehouse.platform", "") : configured;
        if (value.isBlank()) {
            return null;
        }
        Path path = Path.of(value);
        return Files.isExecutable(path) ? path : null;
    }

    void prepare(String name, int instances) throws OperationException {
        run(Map.of("GATEHOUSE_APP_INSTANCES", Integer.toString(instances)), "__container", name);
    }

    void writeBackends() throws OperationException {
        run(Map.of(), "__backends");
    }

    /** One Karaf shell command in an app container; its output, or an exception carrying Karaf's error text. */
    String exec(String container, String command) throws OperationException {
        return run(Map.of(), "__exec", container, command);
    }

    private String run(Map<String, String> env, String... args) throws OperationException {
        Path saved = runtime.resolve("run").resolve("platform.conf");
        if (!Files.isReadable(saved)) {
            throw new OperationException("cannot lay out containers: " + saved + " is missing (./platform start writes it)");
        }
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // exactly the configuration the platform was started with, not the environment this JVM inherited
        pb.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        pb.environment().put("GATEHOUSE_CONFIG", saved.toString());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try {
            Process p = pb.start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new OperationException(script + " " + String.join(" ", args) + " did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new OperationException(text.isEmpty() ? script + " " + String.join(" ", args) + " failed (exit "
                        + p.exitValue() + ")" : text.replaceFirst("^platform: ", ""));
            }
            return text;
        } catch (IOException e) {
            throw new OperationException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationException("interrupted while running " + script, e);
        }
    }
}
