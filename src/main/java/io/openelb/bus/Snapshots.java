package io.openelb.bus;

import io.openelb.cluster.ClusterSnapshot;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Follows the cluster snapshots for one verticle: the newest one when it starts (asked of the watcher),
 * then every newer one published; an older one arriving late is dropped. Call from the verticle's
 * {@code start()}: the callback runs on its event loop.
 */
public final class Snapshots {
    private Snapshots() {}

    public static void follow(Vertx vertx, Consumer<ClusterSnapshot> onSnapshot) {
        long[] newest = {-1};
        Consumer<ClusterSnapshot> newer = snapshot -> {
            if (snapshot.revision() > newest[0]) {
                newest[0] = snapshot.revision();
                onSnapshot.accept(snapshot);
            }
        };
        vertx.eventBus().<ClusterChanged>consumer(Addresses.CLUSTER_CHANGED, m -> newer.accept(m.body().snapshot()));
        // no watcher yet (it starts later): its first publication arrives through the consumer above
        vertx.eventBus().<ClusterChanged>request(Addresses.CURRENT_SNAPSHOT, new CurrentSnapshot())
                .onSuccess(m -> newer.accept(m.body().snapshot()));
    }
}
