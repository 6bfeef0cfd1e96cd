package io.openelb.announce;

import io.openelb.bgp.codec.Prefix;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * What one session should have announced, from the cluster-wide plan (which nodes announce which
 * address) and the advertisement policy (which peers get an address, with which attributes). Without
 * ADD-PATH: this node's addresses, this node as next hop. With ADD-PATH (OpenELB's mode): one path per
 * announcing node, whether it peers with the router or not, that node as third-party next hop; so a router
 * peering with a few nodes still spreads traffic over all of them.
 *
 * @param self       this node's name
 * @param announcers address to the names of the nodes that announce it ({@link BgpPlan#announcers}, the
 *                   policy's node selection applied); not copied: the speaker passes its live
 *                   {@link Announcements#announcers()} view and reads it on its own event loop only (a copy
 *                   per change would cost every address)
 * @param nodes      node name to its next-hop addresses and path identifier
 * @param policy     which peers an address goes to, with which attributes ({@link RoutePolicy#toPeer})
 */
public record BgpRoutes(String self, Map<IpAddress, SortedSet<String>> announcers, Map<String, NodeHop> nodes,
        RoutePolicy policy) {
    public BgpRoutes {
        nodes = Map.copyOf(nodes);
    }

    /** Without an advertisement policy: every address to every peer, without attributes. */
    public BgpRoutes(String self, Map<IpAddress, SortedSet<String>> announcers, Map<String, NodeHop> nodes) {
        this(self, announcers, nodes, RoutePolicy.ANNOUNCE_ALL);
    }

    public static BgpRoutes none(String self) {
        return new BgpRoutes(self, Map.of(), Map.of());
    }

    /** One path as the policy wants it sent: its next hop and the attributes the policy gives it for the peer. */
    public record Route(IpAddress nextHop, RouteAttributes attributes) {}

    /**
     * The routes of one family for the BgpPeer named {@code peer}: prefix (with its path identifier under
     * ADD-PATH) to next hop and attributes.
     *
     * @param localNextHop this node's address on the session
     */
    public Map<Prefix, Route> of(String peer, IpFamily family, boolean addPath, IpAddress localNextHop) {
        Map<Prefix, Route> routes = new TreeMap<>(BgpRoutes::compare);
        announcers.keySet().forEach(address -> routesOf(peer, address, family, addPath, localNextHop, routes));
        return routes;
    }

    /**
     * The routes of one address ({@link #of} for that address alone), added to {@code into}; none when the
     * policy does not announce the address to {@code peer}.
     */
    public void routesOf(String peer, IpAddress address, IpFamily family, boolean addPath, IpAddress localNextHop,
            Map<Prefix, Route> into) {
        Set<String> names = announcers.getOrDefault(address, Collections.emptySortedSet());
        if (address.family() != family || names.isEmpty()) {
            return;
        }
        if (!addPath) {
            RouteAttributes attributes = policy.forNode(self).toPeer(peer, address);
            if (attributes != null && names.contains(self) && localNextHop.family() == family) {
                into.put(Prefix.host(address), new Route(localNextHop, attributes));
            }
            return;
        }
        for (String name : names) { // each node's path as the policy sends it from that node
            NodeHop node = nodes.get(name);
            IpAddress nextHop = name.equals(self) ? localNextHop : node == null ? null : node.address(family);
            RouteAttributes attributes = policy.forNode(name).toPeer(peer, address);
            if (attributes != null && node != null && nextHop != null && nextHop.family() == family) {
                into.put(Prefix.host(address, node.pathId()), new Route(nextHop, attributes));
            }
        }
    }

    private static int compare(Prefix a, Prefix b) {
        int byAddress = a.address().compareTo(b.address());
        return byAddress != 0 ? byAddress : Long.compare(a.pathId(), b.pathId());
    }
}
