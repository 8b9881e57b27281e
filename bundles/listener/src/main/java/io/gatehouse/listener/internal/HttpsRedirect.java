package io.gatehouse.listener.internal;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The plain-HTTP connector's only answer: a permanent redirect to the same path and query over HTTPS. */
final class HttpsRedirect {

    private HttpsRedirect() {
    }

    static void send(Request request, Response response, Callback callback, int httpsPort) {
        String host = Request.getServerName(request);
        if (host == null || host.isEmpty()) {
            host = Request.getLocalAddr(request);
        }
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        StringBuilder location = new StringBuilder(64).append("https://").append(host);
        if (httpsPort != 443) {
            location.append(':').append(httpsPort);
        }
        String pathQuery = request.getHttpURI().getPathQuery();
        location.append(pathQuery == null || pathQuery.isEmpty() ? "/" : pathQuery);
        String method = request.getMethod();
        // 301 keeps browsers' GET semantics; 308 makes other methods repeat with their body
        int status = "GET".equals(method) || "HEAD".equals(method) ? 301 : 308;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.LOCATION, location.toString());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
    }
}
