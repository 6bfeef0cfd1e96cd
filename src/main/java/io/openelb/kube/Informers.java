package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.cluster.ResourceKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The informers of the kinds this role watches, created stopped. {@link WatchVerticle} starts and stops
 * them and is their only reader: everything else takes the cluster snapshot it publishes.
 */
public final class Informers {
    private final Map<ResourceKind, SharedIndexInformer<? extends HasMetadata>> informers =
            new EnumMap<>(ResourceKind.class);

    /** Informers of these kinds; Secrets only of {@code ownNamespace}, the program's. */
    public Informers(KubernetesClient client, Set<ResourceKind> kinds, String ownNamespace) {
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
}
