package io.gatehouse.listener.internal;

import io.gatehouse.api.http.RequestFilter;
import java.util.concurrent.atomic.LongAdder;

/** One filter in the chain, with its counters for {@code gateway:filters}. */
public final class FilterEntry {

    private final RequestFilter filter;
    private final String name;
    private final int ranking;
    private final long serviceId;
    private final String bundle;
    final LongAdder seen = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder delayed = new LongAdder();
    final LongAdder failed = new LongAdder();

    public FilterEntry(RequestFilter filter, String name, int ranking, long serviceId, String bundle) {
        this.filter = filter;
        this.name = name;
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.bundle = bundle;
    }

    public RequestFilter filter() {
        return filter;
    }

    public String name() {
        return name;
    }

    public int ranking() {
        return ranking;
    }

    public long serviceId() {
        return serviceId;
    }

    public String bundle() {
        return bundle;
    }

    public long seen() {
        return seen.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long delayed() {
        return delayed.sum();
    }

    /** Calls that threw: the request got a 500 and the chain stopped. */
    public long failed() {
        return failed.sum();
    }
}
