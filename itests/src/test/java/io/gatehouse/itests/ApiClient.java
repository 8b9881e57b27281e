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

/** A small HTTP client for the application's JSON API, used from inside the test container. */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String base) {
        this.base = base;
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
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
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

    /** A JSON object from alternating names and values (strings, numbers, booleans, JsonNodes, string arrays). */
    static String json(Object... pairs) {
        var node = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.set((String) pairs[i], JSON.valueToTree(pairs[i + 1]));
        }
        return node.toString();
    }
}
