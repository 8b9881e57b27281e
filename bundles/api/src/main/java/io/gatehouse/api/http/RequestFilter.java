package io.gatehouse.api.http;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A request filter: a whiteboard service run by the listener for every request before it is served, in order of
 * descending {@code service.ranking}. The first filter that rejects ends the chain.
 * <p>
 * Filters run on the request hot path: they must not block on I/O.
 */
@ConsumerType
public interface RequestFilter {

    /** Service property naming the filter in {@code gateway:filters} and the metrics. */
    String NAME = "filter.name";

    /** Decides what happens to the exchange: {@link Verdict#proceed()} or a rejection. */
    Verdict filter(Exchange exchange);
}
