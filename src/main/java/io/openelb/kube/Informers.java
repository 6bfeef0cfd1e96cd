package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.cluster.ResourceKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The informers of the kinds this role watches, created stopped. {@link WatchVerticle} starts and stops
 * them and is their only reader: everything else takes the cluster snapshot it publishes. They have no
 * resync period and their caches hold skeletons ({@link SkeletonStore}): the handlers of {@link WatchVerticle},
 * added before the informers start, get each watch event's full object.
 */
public final class Informers {
    /**
     * The label the EndpointSlice controller puts on the slices of Services without a cluster IP (headless
     * ones). A LoadBalancer Service always has one, so the slice watch leaves these out, as kube-proxy's does.
     */
    static final String HEADLESS = "service.kubernetes.io/headless";

    private final Map<ResourceKind, SharedIndexInformer<? extends HasMetadata>> informers =
            new EnumMap<>(ResourceKind.class);

    /** Informers of these kinds; Secrets only of {@code ownNamespace}, the program's. */
    public Informers(KubernetesClient client, Set<ResourceKind> kinds, String ownNamespace) {
        for (ResourceKind kind : kinds) {
            informers.put(kind, switch (kind) {
                case SERVICE -> skeletal(client.services().inAnyNamespace().runnableInformer(0), Service::new);
                case ENDPOINT_SLICE -> skeletal(client.discovery().v1().endpointSlices().inAnyNamespace()
                        .withoutLabel(HEADLESS).runnableInformer(0), EndpointSlice::new);
                case NODE -> skeletal(client.nodes().runnableInformer(0), Node::new);
                case NAMESPACE -> skeletal(client.namespaces().runnableInformer(0), Namespace::new);
                case EIP -> skeletal(client.resources(Eip.class).runnableInformer(0), Eip::new);
                case BGP_CONF -> skeletal(client.resources(BgpConf.class).runnableInformer(0), BgpConf::new);
                case BGP_PEER -> skeletal(client.resources(BgpPeer.class).runnableInformer(0), BgpPeer::new);
                case BGP_ADVERTISEMENT -> skeletal(client.resources(BgpAdvertisement.class).runnableInformer(0),
                        BgpAdvertisement::new);
                case SECRET -> skeletal(client.secrets().inNamespace(ownNamespace).runnableInformer(0), Secret::new);
            });
        }
    }

    /**
     * The informer caches keep skeletons only ({@link SkeletonStore}) and no index: every object lives once,
     * as our model, and the informers remember just enough to tell adds, changes and deletes apart.
     */
    private static <T extends HasMetadata> SharedIndexInformer<T> skeletal(SharedIndexInformer<T> informer,
            Supplier<T> empty) {
        return informer.itemStore(new SkeletonStore<>(empty)).removeNamespaceIndex();
    }

    public Set<ResourceKind> kinds() {
        return informers.keySet();
    }

    /**
     * The informer of a kind, to add a handler to before it starts: {@link WatchVerticle}'s, and the speaker
     * stand-ins of the many-speakers benchmark (so that they watch exactly what a speaker watches).
     */
    public SharedIndexInformer<? extends HasMetadata> informer(ResourceKind kind) {
        return informers.get(kind);
    }
}
