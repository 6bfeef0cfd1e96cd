package io.openelb.cluster;

import io.openelb.announce.NodeState;
import io.openelb.announce.ServiceState;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.IpAddress;
import io.openelb.model.NodeModel;
import io.openelb.model.PoolSet;
import io.openelb.model.ServiceModel;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything this process watches, converted and validated, at one moment: the one input of the
 * controller, the speaker's BGP and Layer 2 halves and the status pages. Immutable and safe to read from
 * any thread; published by {@code WatchVerticle} on every change. Kinds that did not change since the
 * previous snapshot share its maps, so a snapshot costs a copy of the changed kinds only.
 *
 * <p>The CRD objects (Eip, BgpConf, BgpPeer) are held as watched and must not be modified.
 *
 * @param revision    increases by one per snapshot
 * @param synced      every watched kind has its initial list; before that, a consumer acts on nothing
 * @param watched     the kinds this role watches (the others are always empty)
 * @param changes     what changed since the previous snapshot
 * @param services    every Service, by {@code namespace/name}
 * @param announced   the LoadBalancer Services that hold addresses, with the nodes of their ready endpoints
 * @param pools       every Eip checked against itself and the others
 * @param bgpAdvertisements every BgpAdvertisement as written, by name (checked by {@code BgpAdvertisementSet})
 * @param secrets     the data of the Secrets of the program's namespace, by Secret name (values base64)
 * @param namespaces  labels of every namespace, by name
 */
public record ClusterSnapshot(long revision, boolean synced, Set<ResourceKind> watched, Changes changes,
        Map<String, ServiceModel> services, Map<String, ServiceState> announced, Map<String, NodeModel> nodes,
        Map<String, Eip> eips, PoolSet pools, Map<String, BgpConf> bgpConfs, Map<String, BgpPeer> bgpPeers,
        Map<String, BgpAdvertisementObject> bgpAdvertisements,
        Map<String, Map<String, String>> secrets, Map<String, Map<String, String>> namespaces) {

    /**
     * What changed since the previous snapshot.
     *
     * @param kinds      kinds of which at least one object was added, updated or deleted
     * @param services   keys of the Services added, updated or deleted
     * @param namespaces names of the namespaces added, updated or deleted
     * @param announced  keys of the Services whose entry in {@code announced} changed (their addresses, their
     *                   traffic policy or their endpoints' nodes), or that left it
     */
    public record Changes(Set<ResourceKind> kinds, Set<String> services, Set<String> namespaces,
            Set<String> announced) {
        public static final Changes NONE = new Changes(Set.of(), Set.of(), Set.of(), Set.of());

        public Changes {
            kinds = Set.copyOf(kinds);
            services = Set.copyOf(services);
            namespaces = Set.copyOf(namespaces);
            announced = Set.copyOf(announced);
        }
    }

    /** Before the first watch event. */
    public static ClusterSnapshot empty(Set<ResourceKind> watched) {
        return new ClusterSnapshot(0, false, watched, Changes.NONE, Map.of(), Map.of(), Map.of(), Map.of(),
                PoolSet.of(List.of()), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    public Optional<ServiceModel> service(String key) {
        return Optional.ofNullable(services.get(key));
    }

    /** The addresses in the status of the Service {@code namespace/name}; none when it does not exist. */
    public List<IpAddress> ingressOf(String key) {
        ServiceModel service = services.get(key);
        return service == null ? List.of() : service.ingress();
    }

    public Optional<NodeModel> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** A node as the planners see it. */
    public static NodeState state(NodeModel node) {
        return new NodeState(node.name(), node.ready(), node.excluded());
    }

    public List<NodeState> nodeStates() {
        return nodes.values().stream().map(ClusterSnapshot::state).toList();
    }

    public Collection<ServiceState> announcedServices() {
        return announced.values();
    }

    /** Labels of a namespace; empty when unknown. */
    public Map<String, String> namespaceLabels(String namespace) {
        return namespaces.getOrDefault(namespace, Map.of());
    }

    public Optional<BgpConf> bgpConf(String name) {
        return Optional.ofNullable(bgpConfs.get(name));
    }

    /** The data of a Secret of the program's namespace, when it exists. */
    public Optional<Map<String, String>> secret(String name) {
        return Optional.ofNullable(secrets.get(name));
    }
}
