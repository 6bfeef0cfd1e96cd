package io.openelb.controller;

import io.openelb.cluster.ClusterSnapshot;
import io.openelb.ipam.ServiceKey;
import io.openelb.model.ServiceModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Services a new leader restored an address for from its list of the API server, that its watch has not
 * shown yet. A standby's watch can lag that list by many seconds (fabric8 reconnects a broken watch after up
 * to 32 s, as after an API server restart), so a Service missing from the watched view may well exist: its
 * address stays held until the API server says the Service is gone. Released at once, it went to the next
 * Service that asked, while the first still showed it (IpamVerticleMockTest).
 */
final class UnwatchedServices {
    private static final Logger LOG = LoggerFactory.getLogger(UnwatchedServices.class);
    private final Vertx vertx;
    private final KubeWriter writer;
    private final ReconcileQueue queue;
    /** Service to the number of times it was found to exist while the watch did not show it. */
    private final Map<ServiceKey, Integer> listed = new HashMap<>();

    UnwatchedServices(Vertx vertx, KubeWriter writer, ReconcileQueue queue) {
        this.vertx = vertx;
        this.writer = writer;
        this.queue = queue;
    }

    /** The list showed this Service (holding the addresses restored for it); noted if the watched view lacks it. */
    void listed(ServiceModel service, ClusterSnapshot watchedView) {
        if (!service.ingress().isEmpty() && watchedView.service(service.key()).isEmpty()) {
            listed.put(ServiceRequests.key(service), 0);
            LOG.warn("{}: holds {} in the API server's list, but the watch has not shown it yet (lagging): kept "
                    + "until the watch shows it or the API server says it is gone", service.key(), service.ingress());
        }
    }

    /** The watched view shows this Service: its absence from the view means it is gone from now on. */
    void watched(ServiceKey key) {
        listed.remove(key);
    }

    /**
     * Runs {@code release} once the Service, absent from the watched view, is gone: at once unless only the
     * list showed it; else when the API server says so. While it exists it is checked again later (backing
     * off), in case it is deleted before the watch ever shows it.
     */
    Future<Void> releaseIfGone(ServiceKey key, Runnable release) {
        if (!listed.containsKey(key)) {
            release.run();
            return Future.succeededFuture();
        }
        return writer.exists(key).map(exists -> {
            if (exists) {
                long delay = ReconcileQueue.retryDelay(listed.merge(key, 1, Integer::sum), ReconcileQueue.JITTER);
                vertx.setTimer(delay, id -> {
                    queue.add(key);
                    queue.drain();
                });
            } else {
                listed.remove(key);
                LOG.info("{}: deleted before the watch showed it", key);
                release.run();
            }
            return null;
        });
    }
}
