package io.gatehouse.listener.internal;

import io.gatehouse.api.http.FixedHeader;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.PreEncodedHttpField;

/**
 * The filters' {@link FixedHeader}s in their encoded form, kept across exchanges: a security header is encoded once
 * per configuration instead of once per response (HTTP/1.1 copies its bytes, HPACK its encoding). Keyed by instance;
 * a filter reconfigured many times leaves its old headers here until {@link #MAX} are kept, when all are dropped.
 */
final class EncodedHeaders {

    static final int MAX = 512;
    private static final ConcurrentHashMap<FixedHeader, HttpField> FIELDS = new ConcurrentHashMap<>();

    private EncodedHeaders() {
    }

    static HttpField of(FixedHeader header) {
        HttpField field = FIELDS.get(header);
        if (field == null) {
            if (FIELDS.size() >= MAX) {
                FIELDS.clear();
            }
            field = encode(header);
            FIELDS.put(header, field);
        }
        return field;
    }

    static int size() {
        return FIELDS.size();
    }

    /** Pre-encoded for HTTP/1.1 and HTTP/2, or plain when an encoder is missing (Jetty finds them by ServiceLoader). */
    static HttpField encode(FixedHeader header) {
        PreEncodedHttpField encoded = new PreEncodedHttpField(header.name(), header.value());
        try {
            encoded.getEncodedLength(HttpVersion.HTTP_1_1);
            encoded.getEncodedLength(HttpVersion.HTTP_2);
            return encoded;
        } catch (RuntimeException e) {
            return new HttpField(header.name(), header.value());
        }
    }
}
