package io.gatehouse.membership.internal;

import io.gatehouse.api.cluster.ClusterMember.Health;
import io.gatehouse.api.cluster.ClusterMember.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps this member's announcement fresh: an app member probes its own endpoint's health path every interval and
 * announces the result; a gateway announces itself as up. The announcement lives for three intervals, so a member
 * that stops renewing it disappears even if no one saw it leave. An endpoint is announced down after two failed
 * probes in a row.
 */
public final class EndpointAnnouncer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EndpointAnnouncer.class.getName());
    private static final Duration MIN_TTL = Duration.ofSeconds(10);
    private static final Duration MIN_PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** Consecutive failed probes before an endpoint is announced down: one slow answer is not an outage. */
    private static final int FAILURES_FOR_DOWN = 2;

    private final MemberDirectory directory;
    private final MemberSettings settings;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final MemberRecord base;
    private volatile Health lastHealth = Health.UNKNOWN;
    private int failedProbes;

    public EndpointAnnouncer(MemberDirectory directory, MemberSettings settings) {
        this.directory = directory;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(probeTimeout(settings)).build();
        boolean app = settings.role() == Role.APP;
        this.base = new MemberRecord(directory.localAddress(), settings.role(),
                app ? settings.endpoint().toString() : null, app ? Health.UNKNOWN : Health.UP, Instant.now());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gatehouse-membership-announcer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Announces now and then every interval. */
    public EndpointAnnouncer start() {
        directory.announce(base, ttl());
        long interval = settings.announceInterval().toMillis();
        timer.scheduleWithFixedDelay(this::renew, 0, interval, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Three intervals, and at least {@link #MIN_TTL}: expiry is only the safety net for a member no one saw leave
     * (the membership listener removes a departed member at once), so a busy machine must not lose its entry.
     */
    private Duration ttl() {
        Duration three = settings.announceInterval().multipliedBy(3);
        return three.compareTo(MIN_TTL) < 0 ? MIN_TTL : three;
    }

    private static Duration probeTimeout(MemberSettings settings) {
        return settings.announceInterval().compareTo(MIN_PROBE_TIMEOUT) < 0 ? MIN_PROBE_TIMEOUT
                : settings.announceInterval();
    }

    private void renew() {
        try {
            Health health = settings.role() == Role.APP ? debounced(probe()) : Health.UP;
            if (health != lastHealth) {
                LOG.info("endpoint " + (base.endpoint() == null ? directory.localAddress() : base.endpoint())
                        + " is " + health);
                lastHealth = health;
            }
            directory.announce(base.withHealth(health), ttl());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not renew the membership announcement: " + e.getMessage(), e);
        }
    }

    private Health debounced(Health probed) {
        if (probed == Health.UP) {
            failedProbes = 0;
            return Health.UP;
        }
        failedProbes++;
        return failedProbes >= FAILURES_FOR_DOWN || lastHealth == Health.UNKNOWN ? Health.DOWN : lastHealth;
    }

    private Health probe() {
        URI uri = URI.create("http://" + settings.endpoint() + settings.healthPath());
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(probeTimeout(settings))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() >= 200 && response.statusCode() < 300 ? Health.UP : Health.DOWN;
        } catch (java.io.IOException e) {
            return Health.DOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastHealth;
        }
    }

    /** Stops renewing and withdraws the announcement. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            directory.withdraw();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not withdraw the announcement (the cluster is shutting down?)", e);
        }
    }
}
