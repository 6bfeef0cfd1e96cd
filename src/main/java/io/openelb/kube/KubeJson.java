package io.openelb.kube;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The process's one JSON mapper for Kubernetes objects, shared by its API clients and its writers (one
 * mapper caches its (de)serializers once). fabric8's default looks up every kind of every API group
 * through the class path at the first watch event (about 350 kinds: Gateway API, storage, admission,
 * ...) and so loads and keeps some 500 classes this program never reads (~9 MiB of RSS per role). Here
 * only the kinds that arrive untyped (an object in a watch event) are registered; any other kind
 * deserializes as a generic resource, which fabric8 converts to the type asked for.
 *
 * <p>{@code metadata.managedFields} (which manager wrote which field, a third to a half of a Service's or
 * an EndpointSlice's bytes) is skipped unread: no role reads it, and building its nested maps took half the
 * time of reading a Service (measured with this mapper and C1 alone: 32 -> 16 us, 27 -> 17 KiB allocated).
 * A write never needs it either: the API server keeps an object's managedFields when a request omits them.
 */
public final class KubeJson {
    /** Every kind the roles watch, lock or post, and Status (a watch's ERROR event carries one). */
    private static final List<Class<? extends KubernetesResource>> KINDS = List.of(Service.class,
            EndpointSlice.class, Node.class, Namespace.class, Secret.class, Event.class, Lease.class, Eip.class,
            BgpConf.class, BgpPeer.class, BgpAdvertisement.class, Status.class);

    /** The one instance (a mapper is thread-safe once built). */
    public static final KubernetesSerialization SERIALIZATION = create();

    private KubeJson() {}

    @JsonIgnoreProperties({"managedFields"})
    private abstract static class WithoutManagedFields {}

    private static KubernetesSerialization create() {
        // the mapper fabric8's default constructor builds, without its class-path scan (false)
        KubernetesSerialization serialization = new KubernetesSerialization(
                JsonMapper.builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule())
                        .addMixIn(ObjectMeta.class, WithoutManagedFields.class).build(), false);
        KINDS.forEach(serialization::registerKubernetesResource);
        return serialization;
    }
}
