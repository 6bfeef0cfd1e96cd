package io.openelb.kube;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.openelb.announce.NodeState;
import io.openelb.announce.ServiceState;
import io.openelb.model.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The planners' inputs read from the informer caches, shared by the BGP and Layer 2 halves of the speaker. */
public final class AnnounceInputs {
    public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

    private AnnounceInputs() {}

    public static NodeState nodeState(Node node) {
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        Map<String, String> labels = Objects.requireNonNullElse(node.getMetadata().getLabels(), Map.of());
        return new NodeState(node.getMetadata().getName(), ready, labels.containsKey(EXCLUDE_LABEL));
    }

    /** LoadBalancer Services with addresses in their status, with the nodes holding their ready endpoints. */
    public static List<ServiceState> services(Informers informers) {
        Map<String, Set<String>> readyNodes = new HashMap<>();
        for (EndpointSlice slice : informers.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get("kubernetes.io/service-name");
            if (service == null || slice.getEndpoints() == null) {
                continue;
            }
            Set<String> nodes = readyNodes.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service,
                    k -> new HashSet<>());
            for (Endpoint e : slice.getEndpoints()) {
                boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
                if (ready && e.getNodeName() != null) {
                    nodes.add(e.getNodeName());
                }
            }
        }
        List<ServiceState> states = new ArrayList<>();
        for (Service s : informers.services()) {
            List<IpAddress> addresses = loadBalancerAddresses(s).orElse(null);
            if (addresses == null) {
                continue;
            }
            String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
            states.add(new ServiceState(key, addresses, "Local".equals(s.getSpec().getExternalTrafficPolicy()),
                    readyNodes.getOrDefault(key, Set.of())));
        }
        return states;
    }

    /**
     * The addresses in a LoadBalancer Service's status (host names and garbage left out), or empty for a
     * Service of another type or without a load balancer status yet.
     */
    public static java.util.Optional<List<IpAddress>> loadBalancerAddresses(Service s) {
        if (s.getSpec() == null || !"LoadBalancer".equals(s.getSpec().getType()) || s.getStatus() == null
                || s.getStatus().getLoadBalancer() == null || s.getStatus().getLoadBalancer().getIngress() == null) {
            return java.util.Optional.empty();
        }
        List<IpAddress> addresses = new ArrayList<>();
        for (LoadBalancerIngress ingress : s.getStatus().getLoadBalancer().getIngress()) {
            try {
                addresses.add(IpAddress.parse(Objects.requireNonNullElse(ingress.getIp(), "")));
            } catch (IllegalArgumentException hostNameOrGarbage) {
                // not an address of ours
            }
        }
        return java.util.Optional.of(addresses);
    }
}
