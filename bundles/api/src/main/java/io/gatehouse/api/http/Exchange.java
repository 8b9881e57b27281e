package io.gatehouse.api.http;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One request as the gateway sees it, before it is proxied or served. Implemented by the listener; read by filters,
 * rate limiters and balancing strategies. Header names are case-insensitive.
 */
@ProviderType
public interface Exchange {

    /** The request method, upper case ({@code GET}, {@code POST}...). */
    String method();

    /** The normalised, percent-decoded path, always starting with {@code /}. */
    String path();

    /** The path exactly as the client sent it, before decoding and normalisation. */
    String rawPath();

    /** The raw query string without the leading {@code ?}, or {@code null} when there is none. */
    String query();

    /** {@code https} or {@code http}, as the client reached the gateway. */
    String scheme();

    /** The first value of a request header, or {@code null}. */
    String header(String name);

    /** Every value of a request header, in order; empty when absent. */
    List<String> headers(String name);

    /** The names of the request headers, in the order received. */
    List<String> headerNames();

    /** The declared request body length, or -1 when unknown (chunked or absent). */
    long contentLength();

    /** The address of the TCP peer. */
    String peerAddress();

    /**
     * The client's address: the peer, or the address from {@code X-Forwarded-For} when the peer is a trusted proxy.
     */
    String clientAddress();

    /** The request id: the client's {@code X-Request-Id} when it sent a valid one, else generated. */
    String requestId();

    /** A value another filter attached to this exchange, or {@code null}. */
    Object attribute(String name);

    void setAttribute(String name, Object value);

    /**
     * Sets a header on whatever response this exchange ends with: proxied, static or an error the gateway generates.
     * A later call for the same name replaces the earlier value.
     */
    void setResponseHeader(String name, String value);

    /**
     * As {@link #setResponseHeader(String, String)}, for a header fixed at configuration time: the listener keeps its
     * encoded form instead of encoding it again for every response.
     */
    default void setResponseHeader(FixedHeader header) {
        setResponseHeader(header.name(), header.value());
    }

    /** Runs {@code action} exactly once when the exchange has completed, successfully or not. */
    void onComplete(Runnable action);
}
