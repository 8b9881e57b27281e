package io.gatehouse.balancer.internal;

/** A backend address, {@code host:port} or {@code [v6-address]:port}. */
public record HostPort(String host, int port) {

    /** @throws IllegalArgumentException naming the address when it does not parse */
    public static HostPort parse(String address) {
        String a = address == null ? "" : address.trim();
        String host;
        String port;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0 || close + 1 >= a.length() || a.charAt(close + 1) != ':') {
                throw bad(address);
            }
            host = a.substring(1, close);
            port = a.substring(close + 2);
        } else {
            int colon = a.lastIndexOf(':');
            if (colon <= 0 || a.indexOf(':') != colon) {
                throw bad(address);
            }
            host = a.substring(0, colon);
            port = a.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw bad(address);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("backend address '" + address + "': port must be 1-65535");
            }
            return new HostPort(host, p);
        } catch (NumberFormatException e) {
            throw bad(address);
        }
    }

    private static IllegalArgumentException bad(String address) {
        return new IllegalArgumentException("backend address '" + address + "' is not host:port (e.g. 127.0.0.1:5005)");
    }
}
