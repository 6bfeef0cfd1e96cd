package io.openelb.web;

import io.openelb.announce.BgpPlan;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.ResourceKind;
import io.openelb.model.ServiceModel;
import io.openelb.status.ServiceAddresses;
import io.openelb.status.StatusBoard;
import io.openelb.status.StatusViews;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Publishes the pools and Services of the HTTP API: recomputed from the newest cluster snapshot (by the
 * pure {@link StatusViews}) {@link #DEBOUNCE_MS} ms after a Service, Eip, Node or EndpointSlice changed,
 * so a burst of changes costs one pass, and no sooner than {@link #PACE} times the last pass's duration
 * after it: the pass reads every Service, and during a burst of thousands it would otherwise cost the
 * process more than the changes themselves (the page is a view; a second behind then is fine). The pass
 * runs on a worker and never two at once, so an older view never replaces a newer one. Every role runs it.
 */
public final class ClusterStatusVerticle extends VerticleBase {
    static final long DEBOUNCE_MS = 250;
    static final int PACE = 10;
    private static final Set<ResourceKind> SHOWN =
            Set.of(ResourceKind.SERVICE, ResourceKind.EIP, ResourceKind.NODE, ResourceKind.ENDPOINT_SLICE);

    private final StatusBoard board;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterStatusVerticle.class);
    private boolean queued;
    private boolean computing;
    private boolean again;
    private long lastPassMillis;
    private ClusterSnapshot snapshot;

    public ClusterStatusVerticle(StatusBoard board) {
        this.board = board;
    }

    @Override
    public Future<?> start() {
        Snapshots.follow(vertx, s -> {
            boolean firstSynced = s.synced() && (snapshot == null || !snapshot.synced());
            snapshot = s;
            if (firstSynced || s.changes().kinds().stream().anyMatch(SHOWN::contains)) {
                queue();
            }
        });
        return Future.succeededFuture();
    }

    private void queue() {
        if (computing) {
            again = true;
        } else if (!queued) {
            queued = true;
            vertx.setTimer(Math.max(DEBOUNCE_MS, PACE * lastPassMillis), id -> {
                queued = false;
                publish();
            });
        }
    }

    private void publish() {
        ClusterSnapshot s = snapshot;
        if (s == null || !s.synced()) {
            return;
        }
        computing = true;
        long started = System.nanoTime();
        vertx.executeBlocking(() -> view(s), false).onComplete(result -> {
            computing = false;
            lastPassMillis = (System.nanoTime() - started) / 1_000_000;
            if (result.succeeded()) {
                board.cluster(result.result());
            } else {
                LOG.warn("status view not computed: {}", result.cause().toString());
            }
            if (again) {
                again = false;
                queue();
            }
        });
    }

    /** On a worker: the snapshot is immutable. */
    private static io.openelb.status.ClusterView view(ClusterSnapshot s) {
        // announcing nodes are known only where Nodes and EndpointSlices are watched (the speaker)
        boolean knowsNodes = s.watched().containsAll(Set.of(ResourceKind.NODE, ResourceKind.ENDPOINT_SLICE));
        var announcers = knowsNodes ? BgpPlan.announcers(s.nodeStates(), s.announcedServices(), s.pools().pools())
                : null;
        return StatusViews.of(s.pools(), services(s), announcers, Instant.now());
    }

    private static List<ServiceAddresses> services(ClusterSnapshot s) {
        List<ServiceAddresses> out = new ArrayList<>();
        for (ServiceModel service : s.services().values()) {
            if (!service.loadBalancer() || service.ingress().isEmpty()) {
                continue;
            }
            Set<String> protocols = new TreeSet<>();
            service.ports().forEach(port -> protocols.add(port.protocol()));
            out.add(new ServiceAddresses(service.key(), service.ingress(), List.copyOf(protocols)));
        }
        return out;
    }
}
