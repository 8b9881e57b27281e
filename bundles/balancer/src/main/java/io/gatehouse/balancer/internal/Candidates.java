package io.gatehouse.balancer.internal;

import io.gatehouse.api.balancer.Backend;
import java.util.List;

/**
 * The eligible backends, computed when the backend set or a backend's eligibility changes, and read without a lock
 * on every request.
 *
 * @param primaries eligible non-backup backends, in registration order
 * @param backups eligible backup backends, used only when no primary can take the request
 * @param limited whether any backend has a {@code max_conns}, so the request path must check limits
 * @param validUntil clock time at which a passively-down backend becomes eligible again, Long.MAX_VALUE if none
 */
record Candidates(List<Backend> primaries, List<Backend> backups, boolean limited, long validUntil) {

    static final Candidates NONE = new Candidates(List.of(), List.of(), false, Long.MAX_VALUE);
}
