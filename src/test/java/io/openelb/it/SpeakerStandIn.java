package io.openelb.it;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.openelb.cluster.ResourceKind;
import io.openelb.config.Role;
import io.openelb.kube.Informers;
import io.openelb.kube.WatchedKinds;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A simulated speaker for {@link ManySpeakersBenchmark}: its own client (so its own connections, with the
 * speaker ServiceAccount's token, so RBAC applies as to a real one) and the speaker role's informers, made by
 * {@link Informers} itself (skeleton caches, the same selectors). Instead of planning, its handlers count the
 * events by kind and note the first time each Service shows an address. Handlers run on the client's task
 * executor, one informer at a time.
 */
final class SpeakerStandIn implements AutoCloseable {
    private final KubernetesClient client;
    private final Sightings sightings;
    private final Map<ResourceKind, LongAdder> events;
    private final Informers informers;
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
        this.informers = new Informers(client, WatchedKinds.of(Role.SPEAKER), ownNamespace);
        // handlers before the start, as WatchVerticle adds them (SkeletonStore's condition)
        informers.kinds().forEach(kind -> handle(kind, informers.informer(kind)));
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
        return CompletableFuture.allOf(informers.kinds().stream()
                .map(kind -> informers.informer(kind).start().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    private <T extends HasMetadata> void handle(ResourceKind kind, SharedIndexInformer<T> informer) {
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
    }

    @Override
    public void close() {
        informers.kinds().forEach(kind -> informers.informer(kind).close());
        client.close();
    }
}
