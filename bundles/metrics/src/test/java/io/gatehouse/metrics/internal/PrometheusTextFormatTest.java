package io.gatehouse.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.metrics.MetricNames;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrometheusTextFormatTest {

    private static String render(MetricRegistry registry) throws Exception {
        StringWriter out = new StringWriter();
        PrometheusTextFormat.write(registry, out);
        return out.toString();
    }

    @Test
    void countersCarryLabelsAndOneTypeLinePerFamily() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.counter(MetricNames.name("gatehouse.backend.requests", "backend", "127.0.0.1:5005")).inc(3);
        registry.counter(MetricNames.name("gatehouse.backend.requests", "backend", "127.0.0.1:5006")).inc();
        String text = render(registry);
        assertEquals(1, text.split("# TYPE gatehouse_backend_requests_total counter", -1).length - 1, text);
        assertTrue(text.contains("gatehouse_backend_requests_total{backend=\"127.0.0.1:5005\"} 3\n"), text);
        assertTrue(text.contains("gatehouse_backend_requests_total{backend=\"127.0.0.1:5006\"} 1\n"), text);
    }

    @Test
    void timersBecomeSummariesInSeconds() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.timer("gatehouse.request.latency").update(250, TimeUnit.MILLISECONDS);
        String text = render(registry);
        assertTrue(text.contains("# TYPE gatehouse_request_latency summary"), text);
        assertTrue(text.contains("gatehouse_request_latency{quantile=\"0.5\"} 0.25\n"), text);
        assertTrue(text.contains("gatehouse_request_latency_count 1\n"), text);
    }

    @Test
    void gaugesSkipNonNumericValues() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.register("gatehouse.up", (Gauge<Integer>) () -> 1);
        registry.register("gatehouse.name", (Gauge<String>) () -> "not a number");
        String text = render(registry);
        assertTrue(text.contains("gatehouse_up 1\n"), text);
        assertTrue(!text.contains("not a number"), text);
    }

    @Test
    void labelValuesAreEscaped() {
        assertEquals("m{k=\"a\\\"b\\\\c\"}", MetricNames.name("m", "k", "a\"b\\c"));
    }

    @Test
    void badNamesAreRejectedWithTheValue() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MetricNames.name("bad name"));
        assertTrue(e.getMessage().contains("bad name"));
    }
}
