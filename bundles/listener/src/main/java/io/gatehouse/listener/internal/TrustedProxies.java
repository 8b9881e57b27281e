package io.gatehouse.listener.internal;

import io.gatehouse.util.net.Cidr;
import io.gatehouse.util.net.IpLiteral;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-For} is believed. The client is the right-most address in the chain that is not
 * itself a trusted proxy (so a client cannot spoof its address by sending the header itself).
 */
final class TrustedProxies {

    static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = ranges;
    }

    /** @throws IllegalArgumentException naming the first entry that is not a CIDR or a literal address */
    static TrustedProxies parse(String[] cidrs) {
        List<Cidr> ranges = new ArrayList<>();
        for (String cidr : cidrs) {
            if (cidr != null && !cidr.isBlank()) {
                try {
                    ranges.add(Cidr.parse(cidr.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("trusted.proxies: " + e.getMessage(), e);
                }
            }
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean trusts(String address) {
        if (ranges.isEmpty() || address == null) {
            return false;
        }
        byte[] bytes = IpLiteral.bytes(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    String clientAddress(String peer, List<String> forwardedFor) {
        if (forwardedFor.isEmpty() || !trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                String trimmed = hop.trim();
                if (!trimmed.isEmpty()) {
                    hops.add(trimmed);
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (IpLiteral.bytes(hop) == null) {
                return peer; // garbage in the chain: believe only what we saw
            }
            if (!trusts(hop) || i == 0) {
                return hop;
            }
        }
        return peer;
    }
}
