package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.util.ArrayList;
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

    /** For each address of a BGP pool held by a Service, the names of the nodes that announce it. */
    public static Map<IpAddress, SortedSet<String>> announcers(Collection<NodeState> nodes,
            Collection<ServiceState> services, Collection<Pool> pools) {
        Map<IpAddress, SortedSet<String>> out = new TreeMap<>();
        for (ServiceState service : services) {
            for (IpAddress address : service.addresses()) {
                if (pools.stream().noneMatch(p -> p.protocol() == Protocol.BGP && p.range().contains(address))) {
                    continue;
                }
                for (NodeState node : nodes) {
                    if (shouldAnnounce(node, service).isEmpty()) {
                        out.computeIfAbsent(address, a -> new TreeSet<>()).add(node.name());
                    }
                }
            }
        }
        return out;
    }

    /**
     * A Service address this node started or stopped announcing.
     *
     * @param why for a stop, the reason ({@link #shouldAnnounce} or {@code notInBgpEip}); "" for a start
     */
    public record Change(String service, IpAddress address, boolean announced, String why) {}

    /**
     * What this node started and stopped announcing between two plans, for the Events on the Services.
     * An address its Service no longer holds is not reported: the Service let it go (the controller's
     * Events say so).
     */
    public static List<Change> changes(NodeState node, Collection<ServiceState> services, Set<IpAddress> before,
            Set<IpAddress> now) {
        List<Change> out = new ArrayList<>();
        for (ServiceState service : services) {
            for (IpAddress address : service.addresses()) {
                boolean was = before.contains(address);
                boolean is = now.contains(address);
                if (is && !was) {
                    out.add(new Change(service.key(), address, true, ""));
                } else if (was && !is) {
                    String why = shouldAnnounce(node, service);
                    out.add(new Change(service.key(), address, false, why.isEmpty() ? "notInBgpEip" : why));
                }
            }
        }
        return out;
    }

    /** The reason of {@link #shouldAnnounce} in words, for a user reading an Event. */
    public static String explain(String why) {
        return switch (why) {
            case "nodeNotReady" -> "the node is not Ready";
            case "nodeExcluded" -> "the node is excluded from load balancers "
                    + "(label node.kubernetes.io/exclude-from-external-load-balancers)";
            case "noLocalEndpoint" -> "externalTrafficPolicy is Local and no ready endpoint runs on this node";
            case "notInBgpEip" -> "no BGP Eip contains the address any more";
            default -> why;
        };
    }
}
