package io.gatehouse.util.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IPv4 and IPv6 address literals. Nothing here ever resolves a host name. */
public final class IpLiteral {

    private static final Pattern IPV4_PART = Pattern.compile("[0-9]{1,3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    /**
     * The bytes of an address literal (4 for IPv4, including IPv4-mapped IPv6; 16 for IPv6), or null when the text
     * is not one. Surrounding white space is ignored; accepts {@code [::1]} and drops an IPv6 zone
     * ({@code fe80::1%eth0}).
     */
    public static byte[] bytes(String text) {
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
        // InetAddress takes text starting with a hex digit or ':' as a literal and anything else as a host name
        if (!IPV6_CHARS.matcher(t).matches() || t.charAt(0) == '.') {
            return null;
        }
        try {
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
            if (!IPV4_PART.matcher(parts[i]).matches()) {
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
}
