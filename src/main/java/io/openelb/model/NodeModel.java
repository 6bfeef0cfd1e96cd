package io.openelb.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Node as every part of the program needs it, converted once from the watched object.
 *
 * @param excluded    carries {@code node.kubernetes.io/exclude-from-external-load-balancers}
 * @param internalIps the node's InternalIP addresses, in the order the node lists them (garbage left out)
 * @param addresses   every IP address in the node's status, with its type (InternalIP, ExternalIP, ...)
 */
public record NodeModel(String name, boolean ready, boolean excluded, Map<String, String> labels,
        List<IpAddress> internalIps, Map<IpAddress, String> addresses) {
    public NodeModel {
        labels = Map.copyOf(labels);
        internalIps = List.copyOf(internalIps);
        addresses = Map.copyOf(addresses);
    }

    /** The node's first InternalIP of this family: its next hop, router id and neighbour checks use it. */
    public Optional<IpAddress> internalIp(IpFamily family) {
        return internalIps.stream().filter(a -> a.family() == family).findFirst();
    }

    /** Where one address of the node is needed (the membership binds to it): IPv4 preferred. */
    public Optional<IpAddress> preferredInternalIp() {
        return internalIp(IpFamily.IPV4).or(() -> internalIp(IpFamily.IPV6));
    }
}
