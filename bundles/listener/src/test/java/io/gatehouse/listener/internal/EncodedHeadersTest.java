package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.http.FixedHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.junit.jupiter.api.Test;

class EncodedHeadersTest {

    @Test
    void aFixedHeaderIsEncodedOnceAndKeptByInstance() {
        FixedHeader frame = new FixedHeader("X-Frame-Options", "DENY");
        HttpField encoded = EncodedHeaders.of(frame);
        assertSame(encoded, EncodedHeaders.of(frame), "encoded once");
        assertNotSame(encoded, EncodedHeaders.of(new FixedHeader("X-Frame-Options", "DENY")), "keyed by instance");
        PreEncodedHttpField pre = assertInstanceOf(PreEncodedHttpField.class, encoded);
        ByteBuffer bytes = ByteBuffer.allocate(64);
        pre.putTo(bytes, HttpVersion.HTTP_1_1);
        assertEquals("X-Frame-Options: DENY\r\n", new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII));
        assertTrue(pre.getEncodedLength(HttpVersion.HTTP_2) > 0, "HPACK's encoding too");
    }

    @Test
    void keptHeadersAreBounded() {
        for (int i = 0; i < EncodedHeaders.MAX * 2; i++) {
            EncodedHeaders.of(new FixedHeader("X-Generation", String.valueOf(i)));
            assertTrue(EncodedHeaders.size() <= EncodedHeaders.MAX, EncodedHeaders.size() + " kept");
        }
    }
}
