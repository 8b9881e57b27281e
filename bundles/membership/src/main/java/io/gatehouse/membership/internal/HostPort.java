package io.gatehouse.membership.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A {@code host:port} pair parsed from configuration, with errors that name the bad value. */
public record HostPort(String host, int port) {

    /**
     * @param what what the value is, for the error message ("member address", "endpoint")
     * @param defaultPort used when the value has no port; 0 means a port is required
     */
    public static HostPort parse(String value, int defaultPort, String what) {
        String text = value == null ? "" : value.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(what + " '" + value + "' is not host:port");
            }
            host = text.substring(1, close);
            port = text.length() > close + 1 && text.charAt(close + 1) == ':' ? text.substring(close + 2) : null;
        } else {
            int colon = text.lastIndexOf(':');
            if (colon != text.indexOf(':')) {
                throw new IllegalArgumentException(what + " '" + value + "' is not host:port (write IPv6 as [addr]:port)");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(what + " '" + value + "' has no host");
        }
        int number;
        if (port == null) {
            if (defaultPort == 0) {
                throw new IllegalArgumentException(what + " '" + value + "' has no port (expected host:port)");
            }
            number = defaultPort;
        } else {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " '" + value + "' has a port that is not a number");
            }
        }
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException(what + " '" + value + "' has port " + number + ", expected 1-65535");
        }
        return new HostPort(host, number);
    }

    /** @throws IllegalArgumentException naming the value when its host does not resolve */
    HostPort resolvable(String what) {
        try {
            InetAddress.getByName(host);
            return this;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + " '" + this + "' does not resolve: unknown host '" + host + "'");
        }
    }

    /** The host's first address, as text; call after {@link #resolvable}. */
    String address() {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' does not resolve: unknown host");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
