package io.gatehouse.console.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleBasicsTest {

    @Test
    void csrfTokensArePerUserAndPerConsoleStart() {
        CsrfTokens tokens = new CsrfTokens();
        String admin = tokens.tokenFor("admin");
        assertTrue(tokens.valid("admin", admin));
        assertFalse(tokens.valid("viewer", admin));
        assertFalse(tokens.valid("admin", null));
        assertFalse(tokens.valid("admin", admin + "x"));
        assertFalse(new CsrfTokens().valid("admin", admin));
    }

    @Test
    void htmlEscapesEverythingThatCouldOpenMarkup() {
        assertEquals("&lt;script&gt;&amp;&quot;&#39;", Html.esc("<script>&\"'"));
    }

    @Test
    void metricNamesSplitIntoLabels() {
        assertEquals(Map.of("backend", "127.0.0.1:5005", "route", "a\"b"),
                MetricLookup.labels("gatehouse.backend.requests{backend=\"127.0.0.1:5005\",route=\"a\\\"b\"}"));
        assertTrue(MetricLookup.labels("gatehouse.process.uptime.seconds").isEmpty());
    }

    @Test
    void basicCredentialsAreDecodedOrRefused() {
        String header = "Basic " + Base64.getEncoder().encodeToString("ann:pa:ss".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new String[] {"ann", "pa:ss"}, ConsoleSecurityProvider.basicCredentials(header));
        assertNull(ConsoleSecurityProvider.basicCredentials(null));
        assertNull(ConsoleSecurityProvider.basicCredentials("Bearer x"));
        assertNull(ConsoleSecurityProvider.basicCredentials("Basic !!!"));
        assertNull(ConsoleSecurityProvider.basicCredentials(
                "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void actionResultsMapToAuditOutcomes() {
        assertEquals("success", ActionResult.done("x").outcome());
        assertEquals("failure", ActionResult.badInput("x").outcome());
        assertEquals("denied", ActionResult.forbidden("x").outcome());
    }
}
