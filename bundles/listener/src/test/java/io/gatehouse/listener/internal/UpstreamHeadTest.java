package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.jetty.http.HttpField;
import org.junit.jupiter.api.Test;

/** How a header goes into the upstream request head: one line, ISO-8859-1, whatever the client sent. */
class UpstreamHeadTest {

    private static String line(String name, String value) {
        StringBuilder head = new StringBuilder();
        UpstreamProxy.appendField(head, new HttpField(name, value));
        return head.toString();
    }

    @Test
    void aPlainValueIsCopiedWhole() {
        assertEquals("X-Trace: abc; q=0.5, \u00e9t\u00e9\r\n", line("X-Trace", "abc; q=0.5, \u00e9t\u00e9"));
        assertEquals("X-Empty: \r\n", line("X-Empty", ""));
    }

    @Test
    void lineBreaksBecomeSpacesAndWhatIsBeyondLatin1BecomesAQuestionMark() {
        assertEquals("X-Bad: a  Set-Cookie: x\r\n", line("X-Bad", "a\r\nSet-Cookie: x"));
        assertEquals("X-Euro: 5 ? and ?\r\n", line("X-Euro", "5 \u20ac and \u4e2d"));
        assertEquals("X-Mixed: ok then ? then   end\r\n", line("X-Mixed", "ok then \u20ac then \n end"));
    }
}
