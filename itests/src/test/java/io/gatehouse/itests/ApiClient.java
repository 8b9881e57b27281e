package io.gatehouse.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A small HTTP client for the application's JSON API: straight to an app container, or through the gateway's HTTPS
 * listener, where it plays a trusted proxy (a load balancer in front of the gateway) that names each request's client
 * in X-Forwarded-For, and checks that every answer carries the gateway's security headers and a request id.
 */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What the gateway puts on every response (proxied, static or its own error), whatever the backend sent. */
    static final List<String> GATEWAY_HEADERS = List.of("Strict-Transport-Security", "Content-Security-Policy",
            "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
            "Cross-Origin-Opener-Policy", "X-Request-Id");

    /** How a request authenticates. */
    record Auth(String token, String csrf, boolean cookie) {
        static final Auth NONE = new Auth(null, null, false);

        Auth bearer() {
            return new Auth(token, csrf, false);
        }

        Auth viaCookie() {
            return new Auth(token, csrf, true);
        }

        Auth withCsrf(String value) {
            return new Auth(token, value, cookie);
        }

        Auth withToken(String value) {
            return new Auth(value, csrf, cookie);
        }
    }

    /** A response with its body parsed as JSON where there is one. */
    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse("");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final String base;
    private final HttpClient http;
    /** The client address each request claims (X-Forwarded-For); null: none, the request comes from this JVM. */
    private final Supplier<String> clientAddress;
    private final boolean throughGateway;

    /** Straight to an app container. */
    ApiClient(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), null, false);
    }

    private ApiClient(String base, HttpClient http, Supplier<String> clientAddress, boolean throughGateway) {
        this.base = base;
        this.http = http;
        this.clientAddress = clientAddress;
        this.throughGateway = throughGateway;
    }

    /**
     * Through the gateway listener at {@code base} (https://...), trusting {@code tls}, over HTTP/2; each request
     * names the client {@code clientAddress} supplies (the listener must list this JVM's address in trusted.proxies).
     */
    static ApiClient throughGateway(String base, SSLContext tls, Supplier<String> clientAddress) {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return new ApiClient(base, http, clientAddress, true);
    }

    /** The same client over HTTP/1.1 (one connection per concurrent request) instead of HTTP/2. */
    ApiClient overHttp11() {
        HttpClient h1 = HttpClient.newBuilder().sslContext(http.sslContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return new ApiClient(base, h1, clientAddress, throughGateway);
    }

    /** The same client, every request of it from {@code address}. */
    ApiClient from(String address) {
        return new ApiClient(base, http, () -> address, throughGateway);
    }

    Reply send(String method, String path, String body, Auth auth) {
        return send(method, path, body, auth, "application/json");
    }

    Reply send(String method, String path, String body, Auth auth, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        if (auth.token() != null) {
            if (auth.cookie()) {
                b.header("Cookie", "gatehouse_session=" + auth.token());
            } else {
                b.header("Authorization", "Bearer " + auth.token());
            }
        }
        if (auth.csrf() != null && auth.cookie()) {
            b.header("X-CSRF-Token", auth.csrf());
        }
        if (clientAddress != null) {
            b.header("X-Forwarded-For", clientAddress.get());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Reply reply = new Reply(r.statusCode(), r.body(), r);
            if (throughGateway) {
                assertGatewayHeaders(method + " " + path, reply);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, Auth auth) {
        return send("GET", path, null, auth);
    }

    /** Logs in and returns the bearer credentials (and the CSRF token for cookie use). */
    Auth login(String username, String password) {
        Reply r = send("POST", "/api/auth/login", json("username", username, "password", password), Auth.NONE);
        if (r.status() != 200) {
            throw new AssertionError("login of " + username + " failed: " + r);
        }
        JsonNode j = r.json();
        return new Auth(j.get("token").textValue(), j.get("csrfToken").textValue(), false);
    }

    /** The status of a login attempt that is expected to fail. */
    int login401(String username, String password) {
        return send("POST", "/api/auth/login", json("username", username, "password", password), Auth.NONE).status();
    }

    /** Fails unless {@code reply} carries every gateway header and no Server header. */
    static void assertGatewayHeaders(String request, Reply reply) {
        for (String header : GATEWAY_HEADERS) {
            if (reply.header(header).isEmpty()) {
                throw new AssertionError("no " + header + " on the gateway's answer to " + request + ": " + reply
                        + " " + reply.raw().headers().map());
            }
        }
        if (reply.raw().headers().firstValue("Server").isPresent()) {
            throw new AssertionError("the gateway disclosed a Server header answering " + request + ": "
                    + reply.raw().headers().map());
        }
    }

    /** A JSON object from alternating names and values (strings, numbers, booleans, JsonNodes, string arrays). */
    static String json(Object... pairs) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.set((String) pairs[i], JSON.valueToTree(pairs[i + 1]));
        }
        return node.toString();
    }
}
