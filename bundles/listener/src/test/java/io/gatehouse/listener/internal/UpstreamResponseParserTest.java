package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backend response parser on bytes: every framing (length, chunked, close), interim answers, HEAD, pieces split
 * at every byte, pauses, and each malformed response it refuses, named.
 */
class UpstreamResponseParserTest {

    private static final int LIMIT = 1024;

    /** Records what the parser reports; pauses on every piece when asked to. */
    static final class Recorder implements UpstreamResponseParser.Handler {
        int status = -1;
        List<HttpField> fields;
        final StringBuilder body = new StringBuilder();
        int pieces;
        boolean complete;
        String bad;
        boolean pauseEveryPiece;

        @Override
        public void onHead(int status, List<HttpField> fields) {
            assertEquals(-1, this.status, "one head per response");
            this.status = status;
            this.fields = fields;
        }

        @Override
        public boolean onContent(ByteBuffer piece) {
            assertTrue(piece.hasRemaining(), "no empty pieces");
            pieces++;
            body.append(StandardCharsets.ISO_8859_1.decode(piece));
            return pauseEveryPiece;
        }

        @Override
        public void onComplete() {
            assertFalse(complete, "complete once");
            complete = true;
        }

        @Override
        public void onBad(String reason) {
            bad = reason;
        }

        String field(String name) {
            return fields.stream().filter(f -> f.is(name)).map(HttpField::getValue).findFirst().orElse(null);
        }
    }

    private static ByteBuffer buffer(int capacity) {
        ByteBuffer buffer = ByteBuffer.allocate(capacity);
        buffer.flip();
        return buffer;
    }

    /** Appends bytes to a buffer in flush mode, as a socket read does (compacting first when it is full). */
    private static void append(ByteBuffer buffer, byte[] bytes, int from, int length) {
        if (!buffer.hasRemaining()) {
            buffer.clear().flip();
        } else if (buffer.limit() + length > buffer.capacity()) {
            buffer.compact().flip();
        }
        int position = buffer.position();
        buffer.position(buffer.limit()).limit(buffer.limit() + length);
        buffer.put(bytes, from, length);
        buffer.position(position);
    }

    /** Feeds {@code response} in pieces of {@code step} bytes, parsing after each, then EOF when asked. */
    private static Recorder parse(String response, int step, boolean headRequest, boolean eofAtEnd, boolean pause) {
        UpstreamResponseParser parser = new UpstreamResponseParser(LIMIT);
        parser.reset(headRequest);
        Recorder recorder = new Recorder();
        recorder.pauseEveryPiece = pause;
        byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer in = buffer(4096);
        for (int at = 0; at < bytes.length && !recorder.complete && recorder.bad == null; at += step) {
            append(in, bytes, at, Math.min(step, bytes.length - at));
            while (parser.parse(in, recorder) && !recorder.complete && recorder.bad == null) {
                // paused on a piece: go on, as the connection does once the client took it
            }
        }
        if (eofAtEnd && !recorder.complete && recorder.bad == null) {
            parser.atEOF();
            parser.parse(in, recorder);
        }
        return recorder;
    }

    private static UpstreamResponseParser fresh() {
        UpstreamResponseParser parser = new UpstreamResponseParser(LIMIT);
        parser.reset(false);
        return parser;
    }

    private static ByteBuffer bytes(String response) {
        return ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Recorder parse(String response) {
        return parse(response, Integer.MAX_VALUE, false, false, false);
    }

    @Test
    void fixedLengthResponseAtEverySplitAndWithPauses() {
        String response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 16\r\n"
                + "X-Custom:  spaced value \t\r\n\r\n{\"conn\":0,\"n\":0}";
        for (int step = 1; step <= response.length(); step++) {
            for (boolean pause : new boolean[] {false, true}) {
                Recorder r = parse(response, step, false, false, pause);
                assertNull(r.bad, r.bad);
                assertTrue(r.complete, "step " + step);
                assertEquals(200, r.status);
                assertEquals("{\"conn\":0,\"n\":0}", r.body.toString(), "step " + step);
                assertEquals("application/json", r.field("Content-Type"));
                assertEquals("spaced value", r.field("X-Custom"));
                assertEquals(16, r.fields.stream().filter(f -> f.getHeader() == HttpHeader.CONTENT_LENGTH)
                        .findFirst().orElseThrow().getLongValue());
            }
        }
    }

    @Test
    void knownHeadersAreResolvedInAnyCaseAndOthersKeepTheirName() {
        Recorder r = parse("HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/plain\r\nset-cookie: a=1\r\nX-Accel-Buffering: no\r\n"
                + "Content-Length: 0\r\n\r\n");
        assertTrue(r.complete);
        assertEquals(HttpHeader.CONTENT_TYPE, r.fields.get(0).getHeader());
        assertEquals("Content-Type", r.fields.get(0).getName());
        assertEquals(HttpHeader.SET_COOKIE, r.fields.get(1).getHeader());
        assertNull(r.fields.get(2).getHeader());
        assertEquals("X-Accel-Buffering", r.fields.get(2).getName());
        assertEquals("", r.body.toString());
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersAtEverySplit() {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1A \r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";
        for (int step = 1; step <= response.length(); step++) {
            Recorder r = parse(response, step, false, false, step % 2 == 0);
            assertNull(r.bad, r.bad);
            assertTrue(r.complete, "step " + step);
            assertEquals("helloabcdefghijklmnopqrstuvwxyz", r.body.toString(), "step " + step);
        }
    }

    @Test
    void bareLineFeedsAreLineEnds() {
        Recorder r = parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
        assertTrue(r.complete);
        assertEquals("ok", r.body.toString());
        Recorder chunked = parse("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n");
        assertTrue(chunked.complete);
        assertEquals("ok", chunked.body.toString());
    }

    @Test
    void bodyWithoutLengthEndsWithTheConnectionAndIsNotPersistent() {
        UpstreamResponseParser parser = fresh();
        Recorder r = new Recorder();
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\n\r\nuntil close");
        assertFalse(parser.parse(in, r));
        assertFalse(r.complete);
        assertEquals("until close", r.body.toString());
        parser.atEOF();
        assertTrue(parser.parse(in, r));
        assertTrue(r.complete);
        assertFalse(parser.persistent());
    }

    @Test
    void persistenceFollowsVersionAndConnection() {
        assertTrue(persistent("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertFalse(persistent("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n"));
        assertFalse(persistent("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
    }

    private static boolean persistent(String response) {
        UpstreamResponseParser parser = fresh();
        Recorder r = new Recorder();
        assertTrue(parser.parse(bytes(response), r));
        assertTrue(r.complete);
        return parser.persistent();
    }

    @Test
    void interimAnswersAreSkippedAndHeadAnd204And304HaveNoBody() {
        Recorder early = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 3, false, false, false);
        assertTrue(early.complete);
        assertEquals(201, early.status);
        assertEquals("ok", early.body.toString());
        assertNull(early.field("Link"), "an interim answer's fields are not the final answer's");

        Recorder head = parse("HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n", 5, true, false, false);
        assertTrue(head.complete);
        assertEquals("16", head.field("Content-Length"));
        assertEquals("", head.body.toString());
        for (int code : new int[] {204, 304}) {
            Recorder none = parse("HTTP/1.1 " + code + " X\r\nContent-Length: 5\r\n\r\n");
            assertTrue(none.complete, String.valueOf(code));
            assertEquals(code, none.status);
        }
    }

    @Test
    void whatFollowsAResponseIsLeftInTheBuffer() {
        UpstreamResponseParser parser = fresh();
        Recorder r = new Recorder();
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
        assertTrue(parser.parse(in, r));
        assertTrue(r.complete);
        assertEquals("EXTRA", StandardCharsets.ISO_8859_1.decode(in).toString());
    }

    @Test
    void aStatusLineWithoutReasonAndCodesOfUnknownClassesAreAccepted() {
        Recorder r = parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
        assertTrue(r.complete, r.bad);
        assertEquals(200, r.status);
        Recorder unknown = parse("HTTP/1.1 999 Request denied\r\nContent-Length: 0\r\n\r\n");
        assertTrue(unknown.complete, unknown.bad);
        assertEquals(999, unknown.status);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/2.0 200 OK\r\n\r\n|malformed status line 'HTTP/2.0 200 OK'",
        "HTTP/1.1 20 OK\r\n\r\n|malformed status line",
        "HTTP/1.1 1000 Nope\r\n\r\n|malformed status line",
        "HTTP/1.1 099 Low\r\n\r\n|malformed status line",
        "HTTP/1.1 200OK\r\n\r\n|malformed status line",
        "ICY 200 OK\r\n\r\n|malformed status line",
        "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n|obsolete line folding",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n|header name 'Bad Name' is not an HTTP token",
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n|header line 'NoColon' has no name and colon",
        "HTTP/1.1 200 OK\r\n: empty\r\n\r\n|has no name and colon",
        "HTTP/1.1 200 OK\r\nX-A: a\u0001b\r\n\r\n|header 'X-A' has a control character in its value",
        "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n|a bare CR in a header line",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx|more than one Content-Length",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n|invalid Content-Length '-1'",
        "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n|invalid Content-Length '1 2'",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n|both Content-Length and Transfer-Encoding",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n|chunked is not the final transfer coding",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n|101 Switching Protocols",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n|malformed chunk-size line 'zz'",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n|malformed chunk-size line",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n|malformed chunk-size line",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n|a chunk's data is not followed by CRLF",
    })
    void malformedResponsesAreRefusedWithTheReason(String spec) {
        String response = spec.substring(0, spec.indexOf('|'));
        String reason = spec.substring(spec.indexOf('|') + 1);
        for (int step : new int[] {1, 7, Integer.MAX_VALUE}) {
            Recorder r = parse(response, step, false, false, false);
            assertTrue(r.bad != null && r.bad.contains(reason), "step " + step + ": " + r.bad);
            assertFalse(r.complete);
            assertTrue(r.bad.chars().noneMatch(c -> c < ' '), "one line: " + r.bad);
        }
    }

    @Test
    void aHeadLongerThanTheLimitIsRefusedInsteadOfAwaited() {
        String response = "HTTP/1.1 200 OK\r\nX-Long: " + "x".repeat(LIMIT) + "\r\n\r\n";
        Recorder r = parse(response, 100, false, false, false);
        assertEquals("the response head is longer than " + LIMIT + " bytes", r.bad);
    }

    @Test
    void endlessTrailersAreRefused() {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                + "X-T: x\r\n".repeat(LIMIT / 8 + 1) + "\r\n";
        Recorder r = parse(response, 64, false, false, false);
        assertEquals("the trailer section is longer than " + LIMIT + " bytes", r.bad);
    }

    @Test
    void aResponseCutShortIsNotComplete() {
        Recorder r = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 4, false, true, false);
        assertFalse(r.complete);
        assertNull(r.bad);
        assertEquals("short", r.body.toString());
    }

    @Test
    void aPausedLastPieceEndsTheResponseOnTheNextParseWithNoMoreBytes() {
        UpstreamResponseParser parser = fresh();
        Recorder r = new Recorder();
        r.pauseEveryPiece = true;
        ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody");
        assertTrue(parser.parse(in, r));
        assertFalse(r.complete, "paused on the piece");
        assertFalse(in.hasRemaining());
        assertTrue(parser.parse(in, r));
        assertTrue(r.complete);
        assertTrue(parser.persistent());
    }
}
