package io.gatehouse.app.internal.security;

import java.util.Locale;
import java.util.Optional;

/** The application's roles. */
public enum Role {
    ADMIN, EDITOR, VIEWER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String id) {
        for (Role r : values()) {
            if (r.id().equals(id)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
