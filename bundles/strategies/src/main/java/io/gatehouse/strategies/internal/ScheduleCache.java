package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import java.util.List;

/**
 * Keeps the smooth weighted schedule of the last candidate list seen. The balancer passes the same list instance
 * until its backend set changes, so the schedule is rebuilt only then or when an effective weight moves (slow start).
 */
final class ScheduleCache {

    private volatile SmoothWeightedSchedule schedule;

    SmoothWeightedSchedule scheduleFor(List<Backend> candidates) {
        SmoothWeightedSchedule s = schedule;
        if (s == null || !s.matches(candidates)) {
            s = SmoothWeightedSchedule.of(candidates);
            schedule = s;
        }
        return s;
    }
}
