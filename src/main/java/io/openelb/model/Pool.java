package io.openelb.model;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A valid Eip, as the allocator and the announcers see it.
 *
 * @param avoidNetworkAndBroadcast hand out neither the network nor the broadcast address of an IPv4
 *                                 CIDR (OpenELB hands them out; some clients cannot reach them)
 */
public record Pool(
        String name,
        AddressRange range,
        Protocol protocol,
        String iface,
        boolean disabled,
        int priority,
        boolean isDefault,
        List<String> namespaces,
        Map<String, String> namespaceSelector,
        boolean avoidNetworkAndBroadcast) {

    public Pool {
        namespaces = List.copyOf(namespaces);
        namespaceSelector = Map.copyOf(namespaceSelector);
    }

    public IpFamily family() {
        return range.family();
    }

    /** Whether the pool names this namespace, or its selector matches the namespace's labels. */
    public boolean admits(String namespace, Map<String, String> namespaceLabels) {
        if (namespaces.contains(namespace)) {
            return true;
        }
        return !namespaceSelector.isEmpty()
                && namespaceSelector.entrySet().stream()
                        .allMatch(e -> e.getValue().equals(namespaceLabels.get(e.getKey())));
    }

    /** First address the allocator may hand out. */
    public IpAddress firstUsable() {
        return skipsEnds() ? range.first().plus(1) : range.first();
    }

    /** Last address the allocator may hand out. */
    public IpAddress lastUsable() {
        return skipsEnds() ? range.last().plus(-1) : range.last();
    }

    /** How many addresses the allocator may hand out: {@link #firstUsable()} to {@link #lastUsable()}. */
    public BigInteger size() {
        return lastUsable().value().subtract(firstUsable().value()).add(BigInteger.ONE).max(BigInteger.ZERO);
    }

    /** Whether the allocator may hand this address out (inside the pool, not a skipped end). */
    public boolean usable(IpAddress address) {
        return address.family() == family()
                && address.compareTo(firstUsable()) >= 0
                && address.compareTo(lastUsable()) <= 0;
    }

    private boolean skipsEnds() {
        return avoidNetworkAndBroadcast && range.hasNetworkAndBroadcast();
    }
}
