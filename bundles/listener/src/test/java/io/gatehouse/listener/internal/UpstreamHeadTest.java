package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a request goes into the upstream request head: ISO-8859-1, one line per header, whatever the client sent. */
class UpstreamHeadTest {

    private static String line(String name, String value) {
        return new RequestHead(8).field(name, value).toString();
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

    @Test
    void theRequestLineHasThePathTheQueryAndTheVersion() {
        assertEquals("GET /items?page=2&q=a%20b HTTP/1.1\r\n",
                new RequestHead(8).requestLine("GET", "/items", "page=2&q=a%20b").toString());
        assertEquals("OPTIONS / HTTP/1.1\r\n", new RequestHead(8).requestLine("OPTIONS", "", null).toString());
        assertEquals("GET / HTTP/1.1\r\n", new RequestHead(8).requestLine("GET", null, null).toString());
        assertEquals("GET /caf? HTTP/1.1\r\n", new RequestHead(8).requestLine("GET", "/caf\u20ac", null).toString());
    }

    @Test
    void aHeadLargerThanItsArrayGrowsAndAClearedOneIsReusedWhole() {
        RequestHead head = new RequestHead(4);
        String big = "v".repeat(10_000);
        head.requestLine("POST", "/upload", null).field("X-Big", big).field("Host", "app").end();
        String expected = "POST /upload HTTP/1.1\r\nX-Big: " + big + "\r\nHost: app\r\n\r\n";
        assertEquals(expected, head.toString());
        assertEquals(expected.length(), head.length());
        ByteBuffer buffer = ByteBuffer.allocate(head.length());
        head.copyTo(buffer);
        assertEquals(expected, new String(buffer.array(), StandardCharsets.ISO_8859_1));

        head.clear().requestLine("GET", "/", null).end();
        assertEquals("GET / HTTP/1.1\r\n\r\n", head.toString());
    }
}
