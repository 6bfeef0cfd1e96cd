package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.cluster.ResourceKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The informers of the kinds this role watches, created stopped, and read access to their caches.
 * {@link KubeVerticle} starts and stops them. Reads are thread-safe and never call the API server.
 */
public final class Informers {
    private final Map<ResourceKind, SharedIndexInformer<? extends HasMetadata>> informers =
            new EnumMap<>(ResourceKind.class);

    private final String ownNamespace;

    /** Informers of these kinds; Secrets only of {@code ownNamespace}, the program's. */
    public Informers(KubernetesClient client, Set<ResourceKind> kinds, String ownNamespace) {
        this.ownNamespace = ownNamespace;
        for (ResourceKind kind : kinds) {
            informers.put(kind, switch (kind) {
                case SERVICE -> client.services().inAnyNamespace().runnableInformer(0);
                case ENDPOINT_SLICE -> client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
                case NODE -> client.nodes().runnableInformer(0);
                case NAMESPACE -> client.namespaces().runnableInformer(0);
                case EIP -> client.resources(Eip.class).runnableInformer(0);
                case BGP_CONF -> client.resources(BgpConf.class).runnableInformer(0);
                case BGP_PEER -> client.resources(BgpPeer.class).runnableInformer(0);
                case SECRET -> client.secrets().inNamespace(ownNamespace).runnableInformer(0);
            });
        }
    }

    public Set<ResourceKind> kinds() {
        return informers.keySet();
    }

    SharedIndexInformer<? extends HasMetadata> informer(ResourceKind kind) {
        return informers.get(kind);
    }

    /** Whether every informer has its initial list. */
    public boolean synced() {
        return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public Optional<Service> service(String namespace, String name) {
        return Optional.ofNullable(typed(ResourceKind.SERVICE, Service.class).getStore().getByKey(namespace + "/" + name));
    }

    public List<Service> services() {
        return typed(ResourceKind.SERVICE, Service.class).getStore().list();
    }

    public List<Eip> eips() {
        return typed(ResourceKind.EIP, Eip.class).getStore().list();
    }

    public List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice> endpointSlices() {
        return typed(ResourceKind.ENDPOINT_SLICE, io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class)
                .getStore().list();
    }

    public List<io.fabric8.kubernetes.api.model.Node> nodes() {
        return typed(ResourceKind.NODE, io.fabric8.kubernetes.api.model.Node.class).getStore().list();
    }

    public Optional<io.fabric8.kubernetes.api.model.Node> node(String name) {
        return Optional.ofNullable(typed(ResourceKind.NODE, io.fabric8.kubernetes.api.model.Node.class)
                .getStore().getByKey(name));
    }

    public Optional<BgpConf> bgpConf(String name) {
        return Optional.ofNullable(typed(ResourceKind.BGP_CONF, BgpConf.class).getStore().getByKey(name));
    }

    public List<BgpConf> bgpConfs() {
        return typed(ResourceKind.BGP_CONF, BgpConf.class).getStore().list();
    }

    public List<BgpPeer> bgpPeers() {
        return typed(ResourceKind.BGP_PEER, BgpPeer.class).getStore().list();
    }

    /** The program's namespace, the only one whose Secrets it reads. */
    public String ownNamespace() {
        return ownNamespace;
    }

    /** A Secret of the program's namespace. */
    public Optional<io.fabric8.kubernetes.api.model.Secret> secret(String name) {
        return Optional.ofNullable(typed(ResourceKind.SECRET, io.fabric8.kubernetes.api.model.Secret.class)
                .getStore().getByKey(ownNamespace + "/" + name));
    }

    /** Labels of a namespace; empty when unknown. */
    public Map<String, String> namespaceLabels(String namespace) {
        Namespace ns = typed(ResourceKind.NAMESPACE, Namespace.class).getStore().getByKey(namespace);
        return ns == null || ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> SharedIndexInformer<T> typed(ResourceKind kind, Class<T> type) {
        SharedIndexInformer<? extends HasMetadata> informer = informers.get(kind);
        if (informer == null) {
            throw new IllegalStateException(kind + " is not watched by this role");
        }
        return (SharedIndexInformer<T>) informer;
    }
}
