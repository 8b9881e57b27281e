package io.gatehouse.app.internal.web;

import java.util.UUID;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;

/**
 * Who is asking and which request this is, for audit rows and security events. The client address is the socket
 * peer, or the last {@code X-Forwarded-For} hop when the peer is the gateway on the loopback interface.
 */
public record RequestInfo(String clientAddress, String requestId) {

    private static final String ATTRIBUTE = RequestInfo.class.getName();
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:\\[\\]]{1,45}");

    public static RequestInfo of(HttpServletRequest request) {
        Object known = request.getAttribute(ATTRIBUTE);
        if (known instanceof RequestInfo info) {
            return info;
        }
        String peer = request.getRemoteAddr() == null ? "unknown" : request.getRemoteAddr();
        String address = peer;
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded != null && isLoopback(peer)) {
            String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
            if (ADDRESS.matcher(last).matches()) {
                address = last;
            }
        }
        String id = request.getHeader("X-Request-Id");
        if (id == null || !REQUEST_ID.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
        }
        RequestInfo info = new RequestInfo(address, id);
        request.setAttribute(ATTRIBUTE, info);
        return info;
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }
}
