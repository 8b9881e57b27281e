package io.gatehouse.membership.internal;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs on the key's owner: replaces the state if it is still the expected one. */
final class CompareAndSetProcessor implements EntryProcessor<String, long[], Boolean> {

    private static final long serialVersionUID = 1L;

    private final long[] expected;
    private final long[] update;
    private final long ttlMillis;

    CompareAndSetProcessor(long[] expected, long[] update, long ttlMillis) {
        this.expected = expected;
        this.update = update;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public Boolean process(Map.Entry<String, long[]> entry) {
        long[] current = entry.getValue();
        if (expected == null ? current != null : !Arrays.equals(expected, current)) {
            return false;
        }
        if (entry instanceof ExtendedMapEntry<String, long[]> extended) {
            extended.setValue(update, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(update);
        }
        return true;
    }
}
