package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which Service addresses this node announces over BGP. A decision per Service, with the reason when
 * the answer is no, as MetalLB's {@code ShouldAnnounce} does.
 */
public final class BgpPlan {
    private BgpPlan() {}

    /** Why this node does not announce a Service's addresses, or "" when it does. */
    public static String shouldAnnounce(NodeState node, ServiceState service) {
        if (!node.ready()) {
            return "nodeNotReady";
        }
        if (node.excluded()) {
            return "nodeExcluded";
        }
        if (service.localTrafficOnly() && !service.nodesWithReadyEndpoints().contains(node.name())) {
            return "noLocalEndpoint";
        }
        return "";
    }

    /** Every address this node announces: addresses of BGP pools of the Services it should announce. */
    public static Set<IpAddress> addresses(NodeState node, Collection<ServiceState> services, Collection<Pool> pools) {
        return new TreeSet<>(announcers(List.of(node), services, pools).keySet());
    }

    /** {@link #announcers(Collection, Collection, Collection, RoutePolicy)} without an advertisement policy. */
    public static Map<IpAddress, SortedSet<String>> announcers(Collection<NodeState> nodes,
            Collection<ServiceState> services, Collection<Pool> pools) {
        return announcers(nodes, services, pools, RoutePolicy.ANNOUNCE_ALL);
    }

    /**
     * For each address of a BGP pool held by a Service, the names of the nodes that announce it: those
     * {@link #shouldAnnounce} allows and the policy's node selection ({@link RoutePolicy#fromNode}) lets
     * announce that address.
     */
    public static Map<IpAddress, SortedSet<String>> announcers(Collection<NodeState> nodes,
            Collection<ServiceState> services, Collection<Pool> pools, RoutePolicy policy) {
        Map<IpAddress, SortedSet<String>> out = new TreeMap<>();
        for (ServiceState service : services) {
            for (IpAddress address : service.addresses()) {
                if (pools.stream().noneMatch(p -> p.protocol() == Protocol.BGP && p.range().contains(address))) {
                    continue;
                }
                for (NodeState node : nodes) {
                    if (shouldAnnounce(node, service).isEmpty() && policy.fromNode(node.name(), address)) {
                        out.computeIfAbsent(address, a -> new TreeSet<>()).add(node.name());
                    }
                }
            }
        }
        return out;
    }

    /**
     * A reason in words, for a user reading an Event: of {@link #shouldAnnounce}, or {@code nodeDeleted},
     * {@code notInBgpEip}, {@code noBgpSession}.
     */
    public static String explain(String why) {
        return switch (why) {
            case "nodeNotReady" -> "the node is not Ready";
            case "nodeExcluded" -> "the node is excluded from load balancers "
                    + "(label node.kubernetes.io/exclude-from-external-load-balancers)";
            case "noLocalEndpoint" -> "externalTrafficPolicy is Local and no ready endpoint runs on the node";
            case "nodeDeleted" -> "the node was deleted";
            case "notInBgpEip" -> "no BGP Eip contains the address any more";
            case "noBgpSession" -> "no BGP session of the node is Established";
            default -> why;
        };
    }
}
