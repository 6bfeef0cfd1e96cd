package io.openelb.announce;

import io.openelb.bgp.codec.Prefix;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * What one session should have announced, from the cluster-wide plan (which nodes announce which
 * address). Without ADD-PATH: this node's addresses, this node as next hop. With ADD-PATH (OpenELB's
 * mode): one path per announcing node, whether it peers with the router or not, that node as third-party
 * next hop; so a router peering with a few nodes still spreads traffic over all of them.
 *
 * @param self       this node's name
 * @param announcers address to the names of the nodes that announce it ({@link BgpPlan#announcers}); not
 *                   copied: the speaker passes its live {@link Announcements#announcers()} view and reads it
 *                   on its own event loop only (a copy per change would cost every address)
 * @param nodes      node name to its next-hop addresses and path identifier
 */
public record BgpRoutes(String self, Map<IpAddress, SortedSet<String>> announcers, Map<String, NodeHop> nodes) {
    public BgpRoutes {
        nodes = Map.copyOf(nodes);
    }

    public static BgpRoutes none(String self) {
        return new BgpRoutes(self, Map.of(), Map.of());
    }

    /**
     * The routes of one family: prefix (with its path identifier under ADD-PATH) to next hop.
     *
     * @param localNextHop this node's address on the session
     */
    public Map<Prefix, IpAddress> of(IpFamily family, boolean addPath, IpAddress localNextHop) {
        Map<Prefix, IpAddress> routes = new TreeMap<>(BgpRoutes::compare);
        announcers.keySet().forEach(address -> routesOf(address, family, addPath, localNextHop, routes));
        return routes;
    }

    /** The routes of one address ({@link #of} for that address alone), added to {@code into}. */
    public void routesOf(IpAddress address, IpFamily family, boolean addPath, IpAddress localNextHop,
            Map<Prefix, IpAddress> into) {
        java.util.Set<String> names = announcers.getOrDefault(address, java.util.Collections.emptySortedSet());
        if (address.family() != family) {
            return;
        }
        if (!addPath) {
            if (names.contains(self) && localNextHop.family() == family) {
                into.put(Prefix.host(address), localNextHop);
            }
            return;
        }
        for (String name : names) {
            NodeHop node = nodes.get(name);
            IpAddress nextHop = name.equals(self) ? localNextHop : node == null ? null : node.address(family);
            if (node != null && nextHop != null && nextHop.family() == family) {
                into.put(Prefix.host(address, node.pathId()), nextHop);
            }
        }
    }

    private static int compare(Prefix a, Prefix b) {
        int byAddress = a.address().compareTo(b.address());
        return byAddress != 0 ? byAddress : Long.compare(a.pathId(), b.pathId());
    }
}
