package io.gatehouse.console.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * Runs a Gatehouse shell command for the console, so the console does exactly what the command does. Arguments
 * are validated by the caller against known values before they get here; nothing typed by a user is passed raw.
 */
class ShellRunner {

    private final Supplier<SessionFactory> sessions;

    ShellRunner(Supplier<SessionFactory> sessions) {
        this.sessions = sessions;
    }

    /** Whether {@code scope:name} is a registered command now. */
    boolean has(String scope, String name) {
        SessionFactory factory = sessions.get();
        if (factory == null) {
            return false;
        }
        for (Command c : factory.getRegistry().getCommands()) {
            if (scope.equals(c.getScope()) && name.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs one command line and returns what it printed.
     *
     * @throws IllegalStateException with the command's own message when it fails
     */
    String run(String commandLine) {
        SessionFactory factory = sessions.get();
        if (factory == null) {
            throw new IllegalStateException("the Karaf shell is not running");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            Session session = factory.create(new ByteArrayInputStream(new byte[0]), out, out);
            try {
                session.put("SCOPE", "cluster:audit:balancer:ratelimit:gateway:*");
                session.put(Session.COMPLETION_MODE, "GLOBAL");
                Object result = session.execute(commandLine);
                if (result != null) {
                    out.println(result);
                }
            } catch (Exception e) {
                out.flush();
                String printed = buffer.toString(StandardCharsets.UTF_8).trim();
                throw new IllegalStateException((printed.isEmpty() ? "" : printed + " ") + e.getMessage(), e);
            } finally {
                session.close();
            }
        }
        return stripAnsi(buffer.toString(StandardCharsets.UTF_8));
    }

    static String stripAnsi(String s) {
        return s.replaceAll("\u001B\\[[;\\d]*[ -/]*[@-~]", "");
    }
}
