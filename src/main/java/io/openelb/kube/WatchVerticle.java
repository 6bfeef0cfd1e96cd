package io.openelb.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.bus.Addresses;
import io.openelb.bus.ClusterChanged;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.cluster.SnapshotBuilder;
import io.openelb.cluster.WatchChange;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kinds this role needs with fabric8 informers and publishes one {@link ClusterSnapshot} per
 * change ({@link ClusterChanged}): each watch event's object is converted once ({@link Conversion}, on
 * the informer's thread), the snapshot is built incrementally on this verticle's event loop (persistent
 * maps: a snapshot costs what changed, not what exists) and published on the loop's next turn, carrying
 * every change that arrived meanwhile. Consumers that are slower than the changes pace themselves and
 * take the newest snapshot when they run.
 *
 * <p>Informers retry on their own while the API server is unreachable or a CRD is missing; snapshots say
 * {@code synced=false} until every informer has its initial list.
 */
public final class WatchVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(WatchVerticle.class);

    private final Informers informers;
    private final KubeMetrics metrics;
    private final Conversion conversion;
    private SnapshotBuilder builder;
    private Context loop;
    private ClusterSnapshot latest;
    private boolean synced;
    private boolean queued;

    public WatchVerticle(Informers informers, KubeMetrics metrics, Conversion conversion) {
        this.informers = informers;
        this.metrics = metrics;
        this.conversion = conversion;
    }

    @Override
    public Future<?> start() {
        loop = context;
        builder = new SnapshotBuilder(informers.kinds());
        latest = ClusterSnapshot.empty(informers.kinds());
        vertx.eventBus().consumer(Addresses.CURRENT_SNAPSHOT, msg -> msg.reply(new ClusterChanged(latest)));
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (ResourceKind kind : informers.kinds()) {
            SharedIndexInformer<? extends HasMetadata> informer = informers.informer(kind);
            watch(kind, informer);
            informer.exceptionHandler((isStarted, error) -> {
                LOG.warn("watching {} failed, retrying: {}", kind.plural(), error.getMessage());
                return true;
            });
            started.add(informer.start().toCompletableFuture());
        }
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                LOG.info("informers synced: {}", informers.kinds());
                metrics.informersSynced();
                loop.runOnContext(v -> {
                    synced = true;
                    publishSoon();
                });
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
                put(kind, WatchChange.ADDED, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                put(kind, WatchChange.UPDATED, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                metrics.watchEvent(kind, WatchChange.DELETED);
                String key = Conversion.key(kind, obj);
                loop.runOnContext(v -> {
                    builder.remove(kind, key);
                    publishSoon();
                });
            }
        });
    }

    /** On the informer's thread: converts there, hands the value to the event loop. */
    private void put(ResourceKind kind, WatchChange change, HasMetadata obj) {
        metrics.watchEvent(kind, change);
        Object value = conversion.convert(kind, obj);
        String key = Conversion.key(kind, obj);
        loop.runOnContext(v -> {
            builder.put(kind, key, value);
            publishSoon();
        });
    }

    private void publishSoon() {
        if (queued) {
            return;
        }
        queued = true;
        loop.runOnContext(v -> publish());
    }

    private void publish() {
        queued = false;
        ClusterSnapshot next = builder.snapshot(synced);
        if (next == latest) {
            return;
        }
        latest = next;
        vertx.eventBus().publish(Addresses.CLUSTER_CHANGED, new ClusterChanged(next));
    }
}
