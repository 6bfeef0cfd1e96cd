package io.openelb.announce;

import io.openelb.bgp.codec.Prefix;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/**
 * What one session should have announced, from the cluster-wide plan (which nodes announce which
 * address) and the advertisement policy (which peers get an address, with which attributes and prefix
 * length). Without ADD-PATH: this node's addresses, this node as next hop. With ADD-PATH (OpenELB's mode):
 * one path per announcing node, whether it peers with the router or not, that node as third-party next hop;
 * so a router peering with a few nodes still spreads traffic over all of them.
 *
 * <p>An address goes out under the prefix the policy gives it ({@link RoutePolicy#prefixLength}): its host
 * route, or the covering aggregate. An aggregate is announced from a node while that node announces at least
 * one address in it, so the nodes that carry an aggregate are the announcers of its addresses, with
 * {@code externalTrafficPolicy: Local} already applied; its attributes are as {@link CoveredPaths} says.
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
     * One address's part in one path: the address goes out under {@code prefix} (its host route or the
     * covering aggregate, with the announcing node's path identifier under ADD-PATH) with this next hop.
     *
     * @param attributes the policy's attributes for the address ({@link RoutePolicy#toPeer})
     * @param shared     those without the address's own overrides ({@link RoutePolicy#sharedToPeer}); the
     *                   same as {@code attributes} for a host route, which has no other address to agree with
     */
    public record Contribution(Prefix prefix, IpAddress nextHop, RouteAttributes attributes, RouteAttributes shared) {}

    /**
     * The routes of one family for the BgpPeer named {@code peer}: prefix (with its path identifier under
     * ADD-PATH) to next hop and attributes, in prefix order.
     *
     * @param localNextHop this node's address on the session
     */
    public Map<Prefix, Route> of(String peer, IpFamily family, boolean addPath, IpAddress localNextHop) {
        return paths(peer, family, addPath, localNextHop).routes();
    }

    /** {@link #of} with the addresses each path covers, ready to follow changes address by address. */
    public CoveredPaths paths(String peer, IpFamily family, boolean addPath, IpAddress localNextHop) {
        CoveredPaths paths = new CoveredPaths();
        List<Prefix> touched = new ArrayList<>();
        for (IpAddress address : announcers.keySet()) {
            paths.put(address, contributions(peer, address, family, addPath, localNextHop), touched);
            touched.clear();
        }
        return paths;
    }

    /**
     * What one address adds to the routes of one family for {@code peer}: one part per path it is in; none
     * when the policy does not announce it to {@code peer} or no node with a next hop of the family does.
     */
    public List<Contribution> contributions(String peer, IpAddress address, IpFamily family, boolean addPath,
            IpAddress localNextHop) {
        Set<String> names = announcers.getOrDefault(address, Collections.emptySortedSet());
        if (address.family() != family || names.isEmpty()) {
            return List.of();
        }
        if (!addPath) {
            if (!names.contains(self) || localNextHop.family() != family) {
                return List.of();
            }
            Contribution mine = contribution(policy.forNode(self), peer, address, Prefix.NO_PATH_ID, localNextHop);
            return mine == null ? List.of() : List.of(mine);
        }
        List<Contribution> parts = new ArrayList<>(names.size());
        for (String name : names) { // each node's path as the policy sends it from that node
            NodeHop node = nodes.get(name);
            IpAddress nextHop = name.equals(self) ? localNextHop : node == null ? null : node.address(family);
            if (node != null && nextHop != null && nextHop.family() == family) {
                Contribution part = contribution(policy.forNode(name), peer, address, node.pathId(), nextHop);
                if (part != null) {
                    parts.add(part);
                }
            }
        }
        return parts;
    }

    private static Contribution contribution(RoutePolicy policy, String peer, IpAddress address, long pathId,
            IpAddress nextHop) {
        RouteAttributes attributes = policy.toPeer(peer, address);
        if (attributes == null) {
            return null;
        }
        int length = policy.prefixLength(peer, address);
        RouteAttributes shared = length == address.family().bits() ? attributes : policy.sharedToPeer(peer, address);
        return new Contribution(Prefix.covering(address, length, pathId), nextHop, attributes, shared);
    }
}
