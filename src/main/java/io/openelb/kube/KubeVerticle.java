package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.bus.Addresses;
import io.openelb.bus.InformersSynced;
import io.openelb.bus.ResourceChanged;
import io.openelb.bus.ResourceChanged.Change;
import io.openelb.bus.ResourceKind;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kinds this role needs with fabric8 informers and tells the bus: one {@link ResourceChanged}
 * per watch event, and {@link InformersSynced} once every informer has listed its resources.
 *
 * <p>Informers call back on fabric8's own threads; this verticle only publishes from there (the event
 * bus is thread-safe), it never blocks an event loop. Informers retry on their own while the API server
 * is unreachable or a CRD is missing; readiness stays false meanwhile.
 */
public final class KubeVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KubeVerticle.class);

    private final KubernetesClient client;
    private final Set<ResourceKind> kinds;
    private final KubeMetrics metrics;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();

    public KubeVerticle(KubernetesClient client, Set<ResourceKind> kinds, KubeMetrics metrics) {
        this.client = client;
        this.kinds = Set.copyOf(kinds);
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (ResourceKind kind : kinds) {
            SharedIndexInformer<? extends HasMetadata> informer = informerFor(kind);
            informer.exceptionHandler((started, error) -> {
                LOG.warn("watching {} failed, retrying: {}", kind.plural(), error.getMessage());
                return true;
            });
            informers.add(informer);
            synced.add(informer.start().toCompletableFuture());
        }
        CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                LOG.info("informers synced: {}", kinds);
                metrics.informersSynced();
                vertx.eventBus().publish(Addresses.INFORMERS_SYNCED, new InformersSynced(List.copyOf(kinds)));
            } else {
                LOG.error("informers did not sync", error);
            }
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        informers.forEach(SharedIndexInformer::close);
        return Future.succeededFuture();
    }

    private SharedIndexInformer<? extends HasMetadata> informerFor(ResourceKind kind) {
        return switch (kind) {
            case SERVICE -> watch(kind, client.services().inAnyNamespace().runnableInformer(0));
            case ENDPOINT_SLICE -> watch(kind,
                    client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
            case NODE -> watch(kind, client.nodes().runnableInformer(0));
            case NAMESPACE -> watch(kind, client.namespaces().runnableInformer(0));
            case EIP -> watch(kind, client.resources(Eip.class).runnableInformer(0));
            case BGP_CONF -> watch(kind, client.resources(BgpConf.class).runnableInformer(0));
            case BGP_PEER -> watch(kind, client.resources(BgpPeer.class).runnableInformer(0));
        };
    }

    private <T extends HasMetadata> SharedIndexInformer<T> watch(ResourceKind kind, SharedIndexInformer<T> informer) {
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                changed(kind, Change.ADDED, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(kind, Change.UPDATED, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(kind, Change.DELETED, obj);
            }
        });
        return informer;
    }

    private void changed(ResourceKind kind, Change change, HasMetadata obj) {
        metrics.watchEvent(kind, change);
        String namespace = Objects.requireNonNullElse(obj.getMetadata().getNamespace(), "");
        vertx.eventBus().publish(Addresses.RESOURCE_CHANGED,
                new ResourceChanged(kind, change, namespace, obj.getMetadata().getName()));
    }
}
