package io.gatehouse.security.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), a single address, or {@code all}. Addresses
 * are parsed as literals only: nothing here ever resolves a host name.
 */
final class Cidr {

    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the value when it is not an address, a CIDR or {@code all} */
    static Cidr parse(String value) {
        String t = value == null ? "" : value.trim();
        if (t.equalsIgnoreCase("all")) {
            return new Cidr(null, 0, "all");
        }
        int slash = t.indexOf('/');
        byte[] address = address(slash < 0 ? t : t.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("CIDR '" + value + "' is not an IPv4 or IPv6 address, a network "
                    + "such as 10.0.0.0/8 or 2001:db8::/32, or 'all'");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("CIDR '" + value + "' has an invalid prefix length '" + p
                        + "': expected 0-" + bits);
            }
            prefix = Integer.parseInt(p);
        }
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            address[i] &= (byte) (0xff << (8 - keep));
        }
        return new Cidr(address, prefix, t);
    }

    /**
     * The bytes of an address literal (4 for IPv4, including IPv4-mapped IPv6; 16 for IPv6), or null when the text
     * is not one. Accepts {@code [::1]} and drops an IPv6 zone ({@code fe80::1%eth0}).
     */
    static byte[] address(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (t.indexOf(':') < 0) {
            return ipv4(t);
        }
        if (!IPV6_CHARS.matcher(t).matches()) {
            return null;
        }
        try {
            // a literal with ':' is never looked up in DNS
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("[0-9]{1,3}")) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    boolean matches(byte[] address) {
        if (network == null) {
            return true;
        }
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (address[full] & mask) == (network[full] & 0xff);
    }

    @Override
    public String toString() {
        return text;
    }
}
