package io.gatehouse.listener.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Answers a request with the gateway's small JSON error body, carrying the exchange's response headers. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static void send(Request request, Response response, Callback callback, int status, String message,
            Map<String, String> extraHeaders) {
        send(request, response, callback, status, message, extraHeaders, null);
    }

    /** As above; {@code requestId} names the request in the body when it never became an exchange. */
    static void send(Request request, Response response, Callback callback, int status, String message,
            Map<String, String> extraHeaders, String requestId) {
        if (response.isCommitted()) {
            callback.failed(new IllegalStateException("response already committed, cannot send " + status + " " + message));
            return;
        }
        response.reset();
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        JettyExchange exchange = (JettyExchange) request.getAttribute(JettyExchange.ATTRIBUTE);
        if (exchange != null) {
            exchange.applyResponseHeaders(headers);
            requestId = exchange.requestId();
        }
        extraHeaders.forEach(headers::put);
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        byte[] body = Json.error(status, message, requestId).getBytes(StandardCharsets.UTF_8);
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, "HEAD".equals(request.getMethod()) ? null : ByteBuffer.wrap(body), callback);
    }

    static void send(Request request, Response response, Callback callback, int status, String message) {
        send(request, response, callback, status, message, Map.of());
    }
}
