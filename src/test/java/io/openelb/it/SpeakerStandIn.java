package io.openelb.it;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.cluster.ResourceKind;
import io.openelb.config.Role;
import io.openelb.kube.SkeletonStore;
import io.openelb.kube.WatchedKinds;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A simulated speaker for {@link ManySpeakersBenchmark}: its own client (so its own connections, with the
 * speaker ServiceAccount's token, so RBAC applies as to a real one) and the informers a speaker has, made as
 * {@code io.openelb.kube.Informers} makes them: the kinds {@link WatchedKinds} gives the speaker role, no
 * resync, a {@link SkeletonStore} as cache, EndpointSlices without the headless ones, Secrets of its own
 * namespace only. Instead of planning, its handlers count the events by kind and note the first time each
 * Service shows an address. Handlers run on the client's task executor, one informer at a time.
 */
final class SpeakerStandIn implements AutoCloseable {
    /** The label {@code Informers} leaves out of the EndpointSlice watch (slices of headless Services). */
    private static final String HEADLESS = "service.kubernetes.io/headless";

    private final KubernetesClient client;
    private final Sightings sightings;
    private final Map<ResourceKind, LongAdder> events;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    /** Services this stand-in has seen with an address, so each counts once. */
    private final Set<String> served = ConcurrentHashMap.newKeySet();

    /**
     * @param events counters shared by all stand-ins, one per kind
     */
    SpeakerStandIn(KubernetesClient client, String ownNamespace, Sightings sightings,
            Map<ResourceKind, LongAdder> events) {
        this.client = client;
        this.sightings = sightings;
        this.events = events;
        for (ResourceKind kind : WatchedKinds.of(Role.SPEAKER)) {
            informers.add(informer(kind, ownNamespace));
        }
    }

    /** Counters for every kind, to share among stand-ins. */
    static Map<ResourceKind, LongAdder> counters() {
        Map<ResourceKind, LongAdder> counters = new EnumMap<>(ResourceKind.class);
        for (ResourceKind kind : ResourceKind.values()) {
            counters.put(kind, new LongAdder());
        }
        return counters;
    }

    /** Starts every informer; completes when all have their initial list. */
    CompletableFuture<Void> start() {
        return CompletableFuture.allOf(informers.stream().map(i -> i.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    private SharedIndexInformer<? extends HasMetadata> informer(ResourceKind kind, String ownNamespace) {
        return switch (kind) {
            case SERVICE -> handled(kind, client.services().inAnyNamespace().runnableInformer(0), Service::new);
            case ENDPOINT_SLICE -> handled(kind, client.discovery().v1().endpointSlices().inAnyNamespace()
                    .withoutLabel(HEADLESS).runnableInformer(0), EndpointSlice::new);
            case NODE -> handled(kind, client.nodes().runnableInformer(0), Node::new);
            case NAMESPACE -> handled(kind, client.namespaces().runnableInformer(0), Namespace::new);
            case EIP -> handled(kind, client.resources(Eip.class).runnableInformer(0), Eip::new);
            case BGP_CONF -> handled(kind, client.resources(BgpConf.class).runnableInformer(0), BgpConf::new);
            case BGP_PEER -> handled(kind, client.resources(BgpPeer.class).runnableInformer(0), BgpPeer::new);
            case SECRET -> handled(kind, client.secrets().inNamespace(ownNamespace).runnableInformer(0), Secret::new);
        };
    }

    /** The production cache setup, and a handler added before the start (SkeletonStore's condition). */
    private <T extends HasMetadata> SharedIndexInformer<T> handled(ResourceKind kind, SharedIndexInformer<T> informer,
            Supplier<T> empty) {
        informer.itemStore(new SkeletonStore<>(empty)).removeNamespaceIndex();
        LongAdder counter = events.get(kind);
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                onUpdate(null, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                counter.increment();
                if (newObj instanceof Service s && !IpamFixture.ingress(s).isEmpty()) {
                    String key = Cache.metaNamespaceKeyFunc(s);
                    if (served.add(key)) {
                        sightings.seen(key, System.nanoTime());
                    }
                }
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                counter.increment();
            }
        });
        return informer;
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        client.close();
    }
}
