package io.gatehouse.listener.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the public listener (PID {@code io.gatehouse.listener}). */
@ObjectClassDefinition(name = "Gatehouse listener", description = "The public HTTPS listener and reverse proxy")
public @interface ListenerConfig {

    @AttributeDefinition(description = "Address the HTTPS and HTTP connectors bind to")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "HTTPS port (TLS 1.2/1.3, ALPN h2 and http/1.1)")
    int https_port() default 8443;

    @AttributeDefinition(description = "Plain HTTP port that redirects to HTTPS; -1 disables it")
    int http_port() default 8080;

    @AttributeDefinition(description = "HTTPS port written into redirects (when a NAT maps 443 to https.port); 0 means https.port")
    int redirect_port() default 0;

    @AttributeDefinition(description = "PKCS12 keystore with the server key and certificate chain; empty to use PEM files or a generated certificate")
    String tls_keystore() default "";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD, description = "Keystore password")
    String tls_keystore_password() default "";

    @AttributeDefinition(description = "PEM certificate chain (used with tls.private.key when no keystore is set)")
    String tls_certificate() default "";

    @AttributeDefinition(description = "PEM PKCS#8 private key (unencrypted) matching tls.certificate")
    String tls_private_key() default "";

    @AttributeDefinition(description = "Seconds between checks of the certificate files for rotation; 0 disables watching")
    int tls_watch_interval_seconds() default 5;

    @AttributeDefinition(description = "Enabled TLS protocols")
    String[] tls_protocols() default {"TLSv1.3", "TLSv1.2"};

    @AttributeDefinition(description = "Enabled cipher suites (TLS 1.3 suites plus ECDHE AEAD suites for 1.2)")
    String[] tls_ciphers() default {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    @AttributeDefinition(description = "Peers (CIDRs) whose X-Forwarded-For is believed for the client address")
    String[] trusted_proxies() default {};

    @AttributeDefinition(description = "Static routes, prefix=directory (every other path is proxied)")
    String[] static_routes() default {"/ui/=${karaf.home}/web/ui"};

    @AttributeDefinition(description = "Cache-Control per path glob for static files, glob=value; first match wins (in a .cfg file, separate entries with ;)")
    String[] static_cache_control() default {"*.html=no-cache", "*=public, max-age=3600"};

    @AttributeDefinition(description = "Responses smaller than this are never gzipped on the fly")
    int gzip_min_bytes() default 512;

    @AttributeDefinition(description = "Upstream connect timeout, ms")
    long upstream_connect_timeout_ms() default 2000;

    @AttributeDefinition(description = "Upstream idle timeout (no bytes either way), ms")
    long upstream_idle_timeout_ms() default 30000;

    @AttributeDefinition(description = "Upstream total timeout for one exchange, ms; 0 for none (WebSocket, streams)")
    long upstream_total_timeout_ms() default 60000;

    @AttributeDefinition(description = "WebSocket tunnels: closed (both sides) after this long without a byte either way, ms")
    long websocket_idle_timeout_ms() default 300000;

    @AttributeDefinition(description = "Keep-alive connections kept per backend")
    int upstream_max_connections_per_backend() default 256;

    @AttributeDefinition(description = "Requests that may wait for a free connection to one backend once it has upstream.max.connections.per.backend; beyond, 503 at once (0: no waiting)")
    int upstream_max_queued_per_backend() default 1024;

    @AttributeDefinition(description = "How long a request may wait for a free connection to its backend before a 504, ms; 0: as long as upstream.total.timeout.ms allows (which bounds the wait in any case)")
    long upstream_queue_timeout_ms() default 0;

    @AttributeDefinition(description = "Extra backends an idempotent request may try after a connection failure")
    int upstream_retries() default 2;

    @AttributeDefinition(description = "Responses up to this many bytes (of known length, or chunked while they fit) "
            + "are held whole before the client gets a byte, so an idempotent request whose backend dies "
            + "mid-response is retried elsewhere; longer ones, event streams and X-Accel-Buffering: no are streamed. "
            + "0 streams everything (0 to 16777216)")
    int upstream_buffer_bytes() default 65536;

    @AttributeDefinition(description = "Maximum request header block in bytes (request line included); larger gets 431")
    int max_request_header_bytes() default 8192;

    @AttributeDefinition(description = "Maximum number of request headers; more gets 431")
    int max_request_headers() default 100;

    @AttributeDefinition(description = "Maximum request target length in bytes; longer gets 414")
    int max_request_line_bytes() default 4096;

    @AttributeDefinition(description = "Client idle timeout (headers or body stalled), ms: bounds slowloris")
    long idle_timeout_ms() default 20000;

    @AttributeDefinition(description = "Minimum request body data rate, bytes/s; 0 disables the check")
    long min_request_data_rate() default 1024;

    @AttributeDefinition(description = "Maximum concurrent HTTP/2 streams per connection")
    int h2_max_concurrent_streams() default 128;

    @AttributeDefinition(description = "On stop or update: how long in-flight requests may take to finish, ms")
    long drain_timeout_ms() default 10000;

    @AttributeDefinition(description = "Run the request filters on a worker thread instead of the connection's own: "
            + "for filters that may block, such as rate-limit zones with scope = cluster (they ask the cluster)")
    boolean filters_on_worker() default false;

    @AttributeDefinition(description = "Request filters (by filter.name) that also decorate the listener's own error "
            + "responses to requests it could not parse (400, 431...): they must only set response headers")
    String[] error_header_filters() default {"security-headers"};

    @AttributeDefinition(description = "One JSON line per request on the io.gatehouse.access logger")
    boolean access_log() default true;
}
