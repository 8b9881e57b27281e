package io.gatehouse.app.internal;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.persistence.SchemaMigrations;
import io.gatehouse.app.internal.security.PasswordHasher;
import io.gatehouse.app.internal.security.Role;
import io.gatehouse.app.internal.store.Db;
import io.gatehouse.app.internal.store.RecordStore;
import io.gatehouse.app.internal.store.SessionStore;
import io.gatehouse.app.internal.store.UserStore;
import io.gatehouse.app.internal.web.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's tables: applies the app bundle's migrations (owner {@code app}) and creates the first admin,
 * retrying in the background while the database is unreachable, then hands out the stores.
 */
@Component(service = AppDatabase.class, configurationPid = AppConfig.PID)
public class AppDatabase {

    static final String SESSIONS_ACTIVE = "gatehouse.app.sessions.active";
    private static final Logger LOG = LoggerFactory.getLogger(AppDatabase.class);

    private final SchemaMigrations migrations;
    private final MetricRegistry registry;
    private final Recorder recorder;
    private final AppSettings settings;
    private final UserStore users;
    private final SessionStore sessions;
    private final RecordStore records;
    private final ScheduledExecutorService setup = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "gatehouse-app-schema"));
    private volatile boolean ready;

    @Activate
    public AppDatabase(AppConfig config,
            @Reference(target = SchemaMigrations.DATASOURCE_FILTER) DataSource dataSource,
            @Reference SchemaMigrations migrations, @Reference MetricRegistry registry,
            @Reference Recorder recorder) {
        this.settings = AppSettings.of(config);
        this.migrations = migrations;
        this.registry = registry;
        this.recorder = recorder;
        Db db = new Db(dataSource, registry);
        this.users = new UserStore(db);
        this.sessions = new SessionStore(db);
        this.records = new RecordStore(db);
        registry.remove(SESSIONS_ACTIVE);
        registry.register(SESSIONS_ACTIVE, new CachedGauge<Long>(5, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return ready ? sessions.countLive() : 0L;
                } catch (RuntimeException e) {
                    return -1L;
                }
            }
        });
        setup.execute(this::prepare);
    }

    @Deactivate
    void deactivate() {
        setup.shutdownNow();
        registry.remove(SESSIONS_ACTIVE);
    }

    private void prepare() {
        try {
            int applied = migrations.migrate("app", AppDatabase.class.getClassLoader(), "db/migration/app");
            LOG.info("Application schema ready ({} migration(s) applied now)", applied);
            bootstrapAdmin();
            ready = true;
        } catch (RuntimeException e) {
            LOG.warn("Application schema not ready, retrying in 5 s: {}", e.getMessage());
            setup.schedule(this::prepare, 5, TimeUnit.SECONDS);
        }
    }

    private void bootstrapAdmin() {
        if (users.anyAdmin()) {
            return;
        }
        if (settings.adminPasswordFile().isEmpty()) {
            LOG.warn("No admin user exists and bootstrap.admin.passwordFile is not set: nobody can administer the app");
            return;
        }
        Path file = Path.of(settings.adminPasswordFile());
        String password;
        try {
            password = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            LOG.error("No admin user exists and bootstrap.admin.passwordFile {} cannot be read: {}", file, e.toString());
            return;
        }
        if (password.isEmpty()) {
            LOG.error("bootstrap.admin.passwordFile {} is empty: no admin user created", file);
            return;
        }
        String hash = new PasswordHasher(settings.passwordIterations()).hash(password.toCharArray());
        boolean created = users.create(settings.adminUsername(), hash, EnumSet.of(Role.ADMIN)).isPresent();
        if (created) {
            LOG.info("Created the admin user '{}' from {}", settings.adminUsername(), file);
            recorder.audit("system", "user.bootstrap", "user/" + settings.adminUsername(), "success", null);
        } else if (users.anyAdmin()) {
            LOG.info("Another app container created the admin user first");
        } else {
            LOG.error("No admin exists but the user name '{}' is taken: no admin user created", settings.adminUsername());
        }
    }

    public boolean ready() {
        return ready;
    }

    private void requireReady() {
        if (!ready) {
            throw ApiException.unavailable();
        }
    }

    public UserStore users() {
        requireReady();
        return users;
    }

    public SessionStore sessions() {
        requireReady();
        return sessions;
    }

    public RecordStore records() {
        requireReady();
        return records;
    }
}
