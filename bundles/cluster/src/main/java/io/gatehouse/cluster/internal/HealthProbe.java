package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.function.BooleanSupplier;

/** Plain-HTTP checks of an app container on loopback: {@code GET /health} (or another path) answering 2xx. */
final class HealthProbe {

    private static final long POLL_MILLIS = 250;

    private HealthProbe() {
    }

    static boolean passes(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            c.setUseCaches(false);
            int code = c.getResponseCode();
            try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return code >= 200 && code < 300;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Polls until every path passes, the deadline passes, or {@code alive} turns false (the process died).
     *
     * @return true when healthy
     */
    static boolean await(int port, long timeoutMillis, BooleanSupplier alive, String... paths)
            throws InterruptedException {
        return awaitStable(port, timeoutMillis, 0, alive, paths);
    }

    /**
     * Like {@link #await}, but every path must keep passing for {@code settleMillis}: a container that has just
     * started answers /health before its web application has settled (the JAX-RS whiteboard republishes it as the
     * last resources arrive, answering 404 meanwhile), so the first 200 alone does not mean it is ready for traffic.
     */
    static boolean awaitStable(int port, long timeoutMillis, long settleMillis, BooleanSupplier alive, String... paths)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long passingSince = -1;
        while (alive.getAsBoolean()) {
            boolean all = true;
            for (String path : paths) {
                all = all && passes(port, path);
            }
            long now = System.currentTimeMillis();
            passingSince = all ? (passingSince < 0 ? now : passingSince) : -1;
            if (all && now - passingSince >= settleMillis) {
                return true;
            }
            if (now >= deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return false;
    }
}
