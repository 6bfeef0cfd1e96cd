package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.util.Collection;
import java.util.Set;
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
        Set<IpAddress> out = new TreeSet<>();
        for (ServiceState service : services) {
            if (!shouldAnnounce(node, service).isEmpty()) {
                continue;
            }
            for (IpAddress address : service.addresses()) {
                if (pools.stream().anyMatch(p -> p.protocol() == Protocol.BGP && p.range().contains(address))) {
                    out.add(address);
                }
            }
        }
        return out;
    }
}
