package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
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

    private final Informers informers;
    private final KubeMetrics metrics;

    public KubeVerticle(Informers informers, KubeMetrics metrics) {
        this.informers = informers;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        Set<ResourceKind> kinds = informers.kinds();
        for (ResourceKind kind : kinds) {
            SharedIndexInformer<? extends HasMetadata> informer = informers.informer(kind);
            watch(kind, informer);
            informer.exceptionHandler((started, error) -> {
                LOG.warn("watching {} failed, retrying: {}", kind.plural(), error.getMessage());
                return true;
            });
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
        informers.kinds().forEach(kind -> informers.informer(kind).close());
        return Future.succeededFuture();
    }

    private <T extends HasMetadata> void watch(ResourceKind kind, SharedIndexInformer<T> informer) {
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
    }

    private void changed(ResourceKind kind, Change change, HasMetadata obj) {
        metrics.watchEvent(kind, change);
        String namespace = Objects.requireNonNullElse(obj.getMetadata().getNamespace(), "");
        vertx.eventBus().publish(Addresses.RESOURCE_CHANGED,
                new ResourceChanged(kind, change, namespace, obj.getMetadata().getName()));
    }
}
