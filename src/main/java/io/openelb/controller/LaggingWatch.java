package io.openelb.controller;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.ipam.ServiceKey;
import io.openelb.model.ServiceModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a new leader's watched view lags the list of the API server it rebuilt its allocator from. A standby's
 * watch can be seconds behind (fabric8 reconnects a broken watch after up to 32 s, as after an API server
 * restart), and the view must not undo what the newer list showed:
 * <ul>
 *   <li>a Service the list showed holding an address, missing from the view, may well exist: its address
 *       stays held until the view shows the Service or the API server says it is gone. Released at once, it
 *       went to the next Service that asked while the first still showed it (IpamVerticleMockTest);
 *   <li>a Service the view shows that the list did not, at a version from before the list, was deleted
 *       before it: it is gone, and its stale status claims nothing. ChaosIT caught a deleted Service taking
 *       its old address back from the live Service that had just been given it.
 * </ul>
 * Versions are compared as numbers: the API calls them opaque, but etcd's and kine's are increasing integers.
 * Where one is not a number, the view is trusted, as before.
 */
final class LaggingWatch {
    private static final Logger LOG = LoggerFactory.getLogger(LaggingWatch.class);
    private final Vertx vertx;
    private final KubeWriter writer;
    private final ReconcileQueue queue;
    /** Service to the number of times it was found to exist while the view did not show it. */
    private final Map<ServiceKey, Integer> listedOnly = new HashMap<>();
    /** Shown by the view at the rebuild at a version from before the list, which did not have them. */
    private final Set<ServiceKey> deletedBeforeTheList = new HashSet<>();
    private OptionalLong listVersion = OptionalLong.empty();

    LaggingWatch(Vertx vertx, KubeWriter writer, ReconcileQueue queue) {
        this.vertx = vertx;
        this.writer = writer;
        this.queue = queue;
    }

    /** The allocator was rebuilt from a list ({@code list} its metadata), while the watch showed {@code view}. */
    void rebuiltFrom(ListMeta list, List<ServiceModel> services, ClusterSnapshot view) {
        listVersion = version(list == null ? null : list.getResourceVersion());
        Set<String> listed = new HashSet<>();
        for (ServiceModel service : services) {
            listed.add(service.key());
            if (!service.ingress().isEmpty() && view.service(service.key()).isEmpty()) {
                listedOnly.put(ServiceRequests.key(service), 0);
                LOG.warn("{}: holds {} in the API server's list, but the watch has not shown it yet (lagging): "
                        + "kept until it does or the API server says it is gone", service.key(), service.ingress());
            }
        }
        view.services().values().stream().filter(s -> !listed.contains(s.key()) && olderThanTheList(s))
                .forEach(s -> deletedBeforeTheList.add(ServiceRequests.key(s)));
    }

    /** Whether the view shows this Service only because the watch has not yet told of its deletion. */
    boolean deletedBeforeTheList(ServiceModel viewed) {
        return deletedBeforeTheList.contains(ServiceRequests.key(viewed)) && olderThanTheList(viewed);
    }

    /** The view shows this Service: its absence from the view means it is gone from now on. */
    void watched(ServiceKey key) {
        listedOnly.remove(key);
    }

    /**
     * Runs {@code release} once the Service, absent from the view (or deleted before the list), is gone: at
     * once unless only the list showed it; else when the API server says so. While it exists it is checked
     * again later (backing off), in case it is deleted before the watch ever shows it.
     */
    Future<Void> releaseIfGone(ServiceKey key, Runnable release) {
        if (!listedOnly.containsKey(key)) {
            deletedBeforeTheList.remove(key);
            release.run();
            return Future.succeededFuture();
        }
        return writer.exists(key).map(exists -> {
            if (exists) {
                long delay = ReconcileQueue.retryDelay(listedOnly.merge(key, 1, Integer::sum), ReconcileQueue.JITTER);
                vertx.setTimer(delay, id -> {
                    queue.add(key);
                    queue.drain();
                });
            } else {
                listedOnly.remove(key);
                LOG.info("{}: deleted before the watch showed it", key);
                release.run();
            }
            return null;
        });
    }

    private boolean olderThanTheList(ServiceModel viewed) {
        OptionalLong version = version(viewed.resourceVersion());
        return listVersion.isPresent() && version.isPresent() && version.getAsLong() <= listVersion.getAsLong();
    }

    private static OptionalLong version(String resourceVersion) {
        try {
            return resourceVersion == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(resourceVersion));
        } catch (NumberFormatException opaque) {
            return OptionalLong.empty();
        }
    }
}
