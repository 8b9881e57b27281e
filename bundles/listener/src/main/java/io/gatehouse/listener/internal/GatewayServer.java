package io.gatehouse.listener.internal;

import io.gatehouse.api.balancer.LoadBalancer;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Jetty 12 server built from one configuration: HTTPS (h2, http/1.1), the HTTP redirect, the proxy. */
final class GatewayServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    final ListenerConfig config;
    private final Server server;
    /** Opens the backend side of WebSocket tunnels. */
    private final GatewayConnector https;
    private final ServerConnector http;
    final CertificateWatcher certificates;
    /** The keep-alive connections to the backends. */
    final UpstreamPool pool;

    /**
     * Builds and starts a server. STACK.md trap 2: Jetty finds the ALPN processor (when the connection factory is
     * built) and the HPACK pre-encoder (when PreEncodedHttpField initialises) with ServiceLoader through the thread
     * context class loader; this bundle embeds both with their META-INF/services, so it is the TCCL meanwhile.
     */
    static GatewayServer start(ListenerConfig config, TlsMaterial tls, FilterChain chain, Supplier<LoadBalancer> balancer,
            GatewayMetrics metrics, java.util.function.Function<ListenerConfig, TlsMaterial> reload) throws Exception {
        return start(config, tls, chain, balancer, metrics, reload, null);
    }

    /** As above, with the buffer pool given ({@code null}: Jetty's default), so a test can account for every buffer. */
    static GatewayServer start(ListenerConfig config, TlsMaterial tls, FilterChain chain, Supplier<LoadBalancer> balancer,
            GatewayMetrics metrics, java.util.function.Function<ListenerConfig, TlsMaterial> reload, ByteBufferPool buffers)
            throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader bundle = GatewayServer.class.getClassLoader();
        try {
            thread.setContextClassLoader(bundle);
            Class.forName("org.eclipse.jetty.http.PreEncodedHttpField", true, bundle);
            GatewayServer server = new GatewayServer(config, tls, chain, balancer, metrics, buffers);
            server.certificates.loader(() -> reload.apply(config));
            server.start();
            return server;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private GatewayServer(ListenerConfig config, TlsMaterial tls, FilterChain chain, Supplier<LoadBalancer> balancer,
            GatewayMetrics metrics, ByteBufferPool buffers) {
        this.config = config;
        TrustedProxies trusted = ConfigLists.trustedProxies(config);
        StaticRoutes routes = ConfigLists.staticRoutes(config);

        QueuedThreadPool threads = new GatewayThreadPool(200, 4);
        threads.setName("gatehouse-listener");
        // no reserved threads: Jetty would otherwise hand the selector's production to a reserved thread for every
        // task that may run either way (the TLS layer's), a thread wake-up per read; without them such tasks run on
        // the selector thread itself, as non-blocking ones already do (~4% less CPU per request, docs/benchmarks.md);
        // the HTTPS connector's own selector (ReadyOrderSelector) runs its tasks by the same rule
        threads.setReservedThreads(0);
        server = buffers == null ? new Server(threads) : new Server(threads, null, buffers);
        server.setStopTimeout(config.drain_timeout_ms());
        Set<String> errorHeaderFilters = ConfigLists.errorHeaderFilters(config);
        server.setErrorHandler(new GatewayErrorHandler(chain, errorHeaderFilters));

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        // no compliance-violation listener is configured, so none is notified either way; with the default (false)
        // Jetty wraps the no-op listener in an allowed-only filter twice per request (~0.5% of the selector's CPU)
        httpConfig.setNotifyForbiddenComplianceViolations(true);
        httpConfig.setRequestHeaderSize(config.max_request_header_bytes());
        httpConfig.setIdleTimeout(config.idle_timeout_ms());
        httpConfig.setMinRequestDataRate(config.min_request_data_rate());
        httpConfig.setSecureScheme("https");
        httpConfig.setSecurePort(config.https_port());

        HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // the self-signed default certificate names localhost and 127.0.0.1 only
        httpsConfig.addCustomizer(secure);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(tls.password());
        ssl.setKeyManagerPassword(tls.password());
        ssl.setIncludeProtocols(ConfigLists.split(config.tls_protocols(), ConfigLists.COMMA));
        ssl.setIncludeCipherSuites(ConfigLists.split(config.tls_ciphers(), ConfigLists.COMMA));
        ssl.setUseCipherSuitesOrder(true);
        ssl.setRenegotiationAllowed(false);
        ssl.setSniRequired(false);

        HttpConnectionFactory h1 = new HttpConnectionFactory(httpsConfig);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(httpsConfig);
        h2.setMaxConcurrentStreams(config.h2_max_concurrent_streams());
        // WebSocket over HTTP/2 (RFC 8441): the extended CONNECT is tunnelled to the backend as an HTTP/1.1 upgrade
        h2.setConnectProtocolEnabled(true);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol(h1.getProtocol());
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());

        Connection.Listener counter = new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                metrics.activeConnections.increment();
            }

            @Override
            public void onClosed(Connection connection) {
                metrics.activeConnections.decrement();
            }
        };
        https = new GatewayConnector(server, config.upstream_connect_timeout_ms(), tlsFactory, alpn, h2, h1);
        https.setHost(config.host());
        https.setPort(config.https_port());
        https.setIdleTimeout(config.idle_timeout_ms());
        https.addEventListener(counter);
        server.addConnector(https);
        if (config.http_port() >= 0) {
            http = new ServerConnector(server, 1, 1, new HttpConnectionFactory(httpConfig));
            http.setHost(config.host());
            http.setPort(config.http_port());
            http.setIdleTimeout(config.idle_timeout_ms());
            server.addConnector(http);
        } else {
            http = null;
        }


        pool = new UpstreamPool(https, config.upstream_max_connections_per_backend(),
                config.upstream_max_queued_per_backend(), config.upstream_idle_timeout_ms());
        UpstreamProxy proxy = new UpstreamProxy(pool, server.getScheduler(), balancer, metrics, config);
        WebSocketTunnel webSockets = new WebSocketTunnel(https, balancer, metrics, config);
        GatewayHandler gateway = new GatewayHandler(chain, routes, proxy, webSockets, metrics, trusted, config,
                errorHeaderFilters);
        server.setHandler(new GracefulHandler(gateway));
        certificates = new CertificateWatcher(ssl, tls, config.tls_watch_interval_seconds());
    }

    private void start() throws Exception {
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw e;
        }
        LOG.info("Gatehouse listener on https://{}:{} (h2, http/1.1){}, certificate from {}", config.host(),
                https.getLocalPort(), http == null ? "" : ", http://" + config.host() + ":" + http.getLocalPort()
                        + " redirects", certificates.current().source());
    }

    org.eclipse.jetty.util.thread.Invocable.InvocationType invocationType() {
        return server.getInvocationType();
    }

    int httpsPort() {
        return https.getLocalPort();
    }

    int httpPort() {
        return http == null ? -1 : http.getLocalPort();
    }

    /** Stops accepting, lets in-flight requests finish within the drain time, then closes everything. */
    void stop() {
        certificates.close();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Listener did not stop cleanly", e);
        }
    }
}
