package io.gatehouse.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.http.Verdict;
import io.gatehouse.tools.exchange.TestExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestHardeningFilterTest {

    private final List<SecurityEvent> events = new ArrayList<>();
    private final RequestHardeningFilter filter = new RequestHardeningFilter(
            Annotations.config(HardeningConfig.class, Map.of()), new SecurityEventRecorder(events::add));

    private Verdict send(String method, String rawPath) {
        return filter.filter(new TestExchange(method, rawPath, "10.0.0.1"));
    }

    @Test
    void traversalAndEncodingTricksGet400() {
        for (String raw : new String[] {"/../etc/passwd", "/static/../../etc/passwd", "/a/..", "/%2e%2e/etc",
            "/%2E%2E%2Fetc/passwd", "/static/%2e%2e%2fapi", "/.%2e/x", "/a/..;/admin", "/a%2fb", "/a\\b",
            "/a%5cb", "/a%00b", "/a\u0000b", "/%252e%252e%252f", "/a%0d%0a", "/a\nb", "/..\\x"}) {
            Verdict v = send("GET", raw);
            assertEquals(400, v.status(), raw);
        }
    }

    @Test
    void ordinaryPathsPass() {
        for (String raw : new String[] {"/", "/api/items/42", "/static/app.min.js", "/..hidden", "/a/.../b",
            "/a/./b", "/files/report%20final.pdf", "/search%3Fq", "/%E2%82%AC"}) {
            assertNull(RawPathInspector.problem(raw), raw);
            assertEquals(0, send("GET", raw).status(), raw);
        }
    }

    @Test
    void theProblemIsNamed() {
        assertEquals("path traversal", RawPathInspector.problem("/../x"));
        assertEquals("encoded path traversal", RawPathInspector.problem("/%2e%2e%2fx"));
        assertEquals("encoded slash in path", RawPathInspector.problem("/a%2Fb"));
        assertEquals("double-encoded path", RawPathInspector.problem("/%252e%252e/x"));
        assertEquals("path traversal", RawPathInspector.problem("/a/..;/admin"));
        assertEquals("path traversal", RawPathInspector.problem("/a/b/.."));
        assertEquals("backslash in path", RawPathInspector.problem("/a\\b"));
    }

    @Test
    void aTraversalAttemptIsASecurityEvent() {
        send("GET", "/%2e%2e%2fetc/passwd");
        assertEquals(1, events.size());
        assertEquals(SecurityEventType.REQUEST_REJECTED, events.get(0).type());
    }

    @Test
    void aMethodNotServedGets405WithAllow() {
        Verdict v = send("TRACE", "/");
        assertEquals(405, v.status());
        assertEquals("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", v.headers().get("Allow"));
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413() {
        TestExchange e = new TestExchange("POST", "/upload", "10.0.0.1");
        e.contentLength(1_048_577);
        assertEquals(413, filter.filter(e).status());
        e.contentLength(1_048_576);
        assertEquals(0, filter.filter(e).status());
    }

    @Test
    void anOverlongRequestTargetGets414() {
        assertEquals(414, send("GET", "/" + "a".repeat(8192)).status());
        TestExchange e = new TestExchange("GET", "/search", "10.0.0.1");
        e.query("q=" + "x".repeat(8190));
        assertEquals(414, filter.filter(e).status());
        assertEquals(0, send("GET", "/" + "a".repeat(8191)).status());
    }

    @Test
    void aBadUpdateKeepsThePreviousLimits() {
        filter.modified(Annotations.config(HardeningConfig.class, Map.of("allowed.methods", "GET,post")));
        assertEquals(0, send("PUT", "/").status());
        filter.modified(Annotations.config(HardeningConfig.class, Map.of("max.body.bytes", -5L)));
        TestExchange e = new TestExchange("POST", "/", "10.0.0.1");
        e.contentLength(10);
        assertEquals(0, filter.filter(e).status());
        filter.modified(Annotations.config(HardeningConfig.class, Map.of("allowed.methods", "GET, HEAD")));
        assertEquals(405, send("PUT", "/").status());
    }
}
