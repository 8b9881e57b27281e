package io.gatehouse.util.net;

import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address; with
 * {@link #parseOrAll(String)}, also {@code all}. Addresses are literals only (see {@link IpLiteral}): parsing or
 * matching never resolves a host name.
 */
public final class Cidr {

    /** Every address, and also a client whose address is not a literal. */
    public static final Cidr ALL = new Cidr(null, 0, "all");

    private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the value when it is not an address or a CIDR */
    public static Cidr parse(String value) {
        return parse(value, false);
    }

    /** As {@link #parse(String)}, and {@code all} (any case) gives {@link #ALL}. */
    public static Cidr parseOrAll(String value) {
        return parse(value, true);
    }

    private static Cidr parse(String value, boolean orAll) {
        String t = value == null ? "" : value.trim();
        if (orAll && t.equalsIgnoreCase("all")) {
            return ALL;
        }
        int slash = t.indexOf('/');
        byte[] address = IpLiteral.bytes(slash < 0 ? t : t.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("CIDR '" + value + "' is not an IPv4 or IPv6 address"
                    + (orAll ? ", a network such as 10.0.0.0/8 or 2001:db8::/32, or 'all'"
                            : " or a network such as 10.0.0.0/8 or 2001:db8::/32"));
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!PREFIX.matcher(p).matches() || Integer.parseInt(p) > bits) {
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
     * Whether the address (the bytes {@link IpLiteral#bytes(String)} gives) is in this network. An IPv4 address is
     * never in an IPv6 network nor the reverse; null (not a literal) is only in {@link #ALL}.
     */
    public boolean contains(byte[] address) {
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

    /** As configured (trimmed): {@code 10.0.0.0/8}, {@code ::1}, {@code all}. */
    @Override
    public String toString() {
        return text;
    }
}
