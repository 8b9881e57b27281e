package io.gatehouse.app.internal.security;

import java.security.Principal;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated user of one request, as read from the database on this request (so role changes and
 * revocations apply at once).
 *
 * @param viaCookie true when authenticated by the session cookie (state-changing requests then need the CSRF token)
 */
public record Caller(long userId, String username, Set<Role> roles, UUID sessionId, boolean viaCookie)
        implements Principal {

    @Override
    public String getName() {
        return username;
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
