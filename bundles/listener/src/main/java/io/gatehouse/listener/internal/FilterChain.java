package io.gatehouse.listener.internal;

import io.gatehouse.api.http.RequestFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The request filter whiteboard: every {@link RequestFilter} service, highest {@code service.ranking} first (ties:
 * lowest service id first, as OSGi orders services). Copy-on-write, so the hot path reads one volatile array.
 */
@Component(service = FilterChain.class)
public class FilterChain {

    private volatile FilterEntry[] entries = new FilterEntry[0];

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addFilter(RequestFilter filter, Map<String, Object> properties) {
        Bundle bundle = FrameworkUtil.getBundle(filter.getClass());
        add(new FilterEntry(filter, name(filter, properties), ranking(properties), serviceId(properties),
                bundle == null ? "?" : bundle.getSymbolicName()));
    }

    void removeFilter(RequestFilter filter) {
        remove(filter);
    }

    synchronized void add(FilterEntry entry) {
        List<FilterEntry> list = new ArrayList<>(Arrays.asList(entries));
        list.add(entry);
        list.sort(Comparator.comparingInt(FilterEntry::ranking).reversed().thenComparingLong(FilterEntry::serviceId));
        entries = list.toArray(new FilterEntry[0]);
    }

    synchronized void remove(RequestFilter filter) {
        entries = Arrays.stream(entries).filter(e -> e.filter() != filter).toArray(FilterEntry[]::new);
    }

    /** The chain now, in execution order; the caller must not modify the array. */
    public FilterEntry[] entries() {
        return entries;
    }

    private static String name(RequestFilter filter, Map<String, Object> properties) {
        Object name = properties.get(RequestFilter.NAME);
        return name == null ? filter.getClass().getSimpleName() : String.valueOf(name);
    }

    private static int ranking(Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        return ranking instanceof Integer ? (Integer) ranking : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        Object id = properties.get(Constants.SERVICE_ID);
        return id instanceof Long ? (Long) id : 0L;
    }
}
