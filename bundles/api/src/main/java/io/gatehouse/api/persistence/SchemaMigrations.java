package io.gatehouse.api.persistence;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Applies a bundle's versioned SQL migrations to the Gatehouse database. Each owner keeps its own history, so
 * bundles that own tables can be installed, updated and removed independently.
 */
@ProviderType
public interface SchemaMigrations {

    /** The DataSource service filter every Gatehouse bundle uses. */
    String DATASOURCE_FILTER = "(osgi.jndi.service.name=jdbc/gatehouse)";

    /**
     * Brings {@code owner}'s tables up to date with the migrations ({@code V1__name.sql}, {@code V2__name.sql}...)
     * found at {@code location} in {@code loader}. A no-op when they are already applied.
     *
     * @param owner a short name for the history, for example {@code audit} or {@code app}
     * @param loader the owning bundle's class loader
     * @param location the resource folder holding the migrations, for example {@code db/migration/audit}
     * @return how many migrations were applied now
     * @throws IllegalStateException naming the migration that failed, or when the database is unreachable
     */
    int migrate(String owner, ClassLoader loader, String location);
}
