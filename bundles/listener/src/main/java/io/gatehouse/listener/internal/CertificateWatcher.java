package io.gatehouse.listener.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the HTTPS connector's certificate current: when a certificate file changes (or on {@link #reload}), the new
 * material is loaded and checked first; only valid material replaces the old one, and only new connections use it.
 */
final class CertificateWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

    private final SslContextFactory.Server ssl;
    private final ScheduledExecutorService timer;
    private volatile Supplier<TlsMaterial> loader;
    private volatile TlsMaterial current;
    private volatile List<String> stamps;

    CertificateWatcher(SslContextFactory.Server ssl, TlsMaterial initial, int intervalSeconds) {
        this.ssl = ssl;
        this.current = initial;
        this.stamps = stamps(initial.files());
        if (intervalSeconds > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-listener-certificates");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::checkFiles, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        } else {
            timer = null;
        }
    }

    /** What to load on a file change: the current configuration's material (null result: keep the old one). */
    void loader(Supplier<TlsMaterial> loader) {
        this.loader = loader;
    }

    TlsMaterial current() {
        return current;
    }

    private void checkFiles() {
        Supplier<TlsMaterial> l = loader;
        if (l == null) {
            return;
        }
        List<String> now = stamps(current.files());
        if (!now.equals(stamps)) {
            stamps = now;
            TlsMaterial next = l.get();
            if (next != null) {
                apply(next);
            }
        }
    }

    /** Swaps the connector to {@code next}; on failure the previous material stays in use. */
    synchronized boolean apply(TlsMaterial next) {
        try {
            ssl.reload(factory -> {
                SslContextFactory.Server server = (SslContextFactory.Server) factory;
                server.setKeyStore(next.keyStore());
                server.setKeyStorePassword(next.password());
                server.setKeyManagerPassword(next.password());
            });
            current = next;
            stamps = stamps(next.files());
            LOG.info("HTTPS certificate reloaded from {}; new connections use it, open ones finish on the old one", next.source());
            return true;
        } catch (Exception e) {
            LOG.error("HTTPS certificate from {} was rejected ({}); still serving the certificate from {}",
                    next.source(), e.getMessage(), current.source(), e);
            return false;
        }
    }

    private static List<String> stamps(List<Path> files) {
        List<String> out = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(file + "@" + attributes.lastModifiedTime().toMillis() + "/" + attributes.size()
                        + "/" + Objects.toString(attributes.fileKey()));
            } catch (IOException e) {
                out.add(file + "@missing");
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
