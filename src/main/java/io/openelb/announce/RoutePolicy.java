package io.openelb.announce;

import io.openelb.model.IpAddress;

/**
 * Which Service addresses are announced to which BGP peers, from which nodes, and with which attributes:
 * the advertisement policy, resolved from the cluster's objects once per change. Pure and immutable;
 * read from any thread.
 */
public interface RoutePolicy {
    /** Every address to every peer from every node, with no attributes: the behaviour without a policy. */
    RoutePolicy ANNOUNCE_ALL = new RoutePolicy() {
        @Override
        public RouteAttributes toPeer(String peer, IpAddress address) {
            return RouteAttributes.NONE;
        }

        @Override
        public boolean fromNode(String node, IpAddress address) {
            return true;
        }
    };

    /**
     * The attributes of the routes of {@code address} sent to the BgpPeer named {@code peer}, or null when
     * the address is not announced to that peer.
     */
    RouteAttributes toPeer(String peer, IpAddress address);

    /**
     * The length of the prefix that announces {@code address} to the BgpPeer named {@code peer}: the family's
     * width for a host route (/32, /128), shorter for the covering aggregate (BgpAdvertisement
     * {@code aggregationLength}). Meaningful only where {@link #toPeer} announces the address.
     */
    default int prefixLength(String peer, IpAddress address) {
        return address.family().bits();
    }

    /**
     * The attributes the policy gives {@code address} towards {@code peer} before anything particular to the
     * address (a Service's annotation overrides): what an aggregate carries when the addresses it covers
     * disagree. Null where {@link #toPeer} is.
     */
    default RouteAttributes sharedToPeer(String peer, IpAddress address) {
        return toPeer(peer, address);
    }

    /** Whether the node named {@code node} may announce {@code address} (the policy's node selection). */
    boolean fromNode(String node, IpAddress address);

    /**
     * This policy for the routes that {@code node} announces: {@link #toPeer} then answers for that node's
     * paths alone (a policy may send an address to one peer from some nodes and to another from others).
     */
    default RoutePolicy forNode(String node) {
        return this;
    }
}
