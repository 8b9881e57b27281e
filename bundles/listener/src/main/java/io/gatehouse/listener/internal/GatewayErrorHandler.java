package io.gatehouse.listener.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (malformed requests, oversized headers, handler failures) in the gateway's JSON shape,
 * with the exchange's response headers when the request got as far as becoming an exchange. Never a stack trace.
 */
final class GatewayErrorHandler extends ErrorHandler {

    GatewayErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (status < 400 && status >= 300) {
            // Jetty routes bodiless answers such as 304 Not Modified through here too
            JettyExchange exchange = (JettyExchange) request.getAttribute(JettyExchange.ATTRIBUTE);
            if (exchange != null) {
                exchange.applyResponseHeaders(response.getHeaders());
            }
            response.write(true, null, callback);
            return true;
        }
        status = status >= 400 ? status : 500;
        ErrorResponses.send(request, response, callback, status, reason(status));
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        return ByteBuffer.wrap(Json.error(status, reason(status), null).getBytes(StandardCharsets.UTF_8));
    }

    static String reason(int status) {
        String reason = HttpStatus.getMessage(status);
        return reason == null ? "Error" : reason;
    }
}
