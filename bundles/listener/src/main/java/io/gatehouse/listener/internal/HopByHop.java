package io.gatehouse.listener.internal;

import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;

/** Headers that describe one connection, never forwarded (RFC 9110 7.6.1), plus what the gateway sets itself. */
final class HopByHop {

    /**
     * Expect is met on the client's connection (the listener sends 100 Continue when the body is first read), so the
     * upstream request carries the body without one, as NGINX does.
     */
    static final Set<HttpHeader> REQUEST = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_CONNECTION, HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER,
            HttpHeader.UPGRADE, HttpHeader.PROXY_AUTHORIZATION, HttpHeader.HOST, HttpHeader.EXPECT);

    /** Upstream Server and Date are hidden as NGINX does: the gateway answers with its own Date and no Server. */
    static final Set<HttpHeader> RESPONSE = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_CONNECTION, HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER,
            HttpHeader.UPGRADE, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.SERVER, HttpHeader.DATE);

    private HopByHop() {
    }

    /**
     * Whether {@code name} is one of the tokens of a {@code Connection} header value; compared in place, without a
     * substring per token, since it runs once per relayed field.
     */
    static boolean listedIn(String connection, String name) {
        int start = 0;
        int length = connection.length();
        while (start < length) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            while (start < end && connection.charAt(start) <= ' ') {
                start++;
            }
            int last = end;
            while (last > start && connection.charAt(last - 1) <= ' ') {
                last--;
            }
            if (last - start == name.length() && connection.regionMatches(true, start, name, 0, name.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
