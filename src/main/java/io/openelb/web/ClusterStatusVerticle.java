package io.openelb.web;

import io.openelb.announce.BgpPlan;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.ResourceKind;
import io.openelb.model.ServiceModel;
import io.openelb.status.ClusterView;
import io.openelb.status.ServiceAddresses;
import io.openelb.status.StatusBoard;
import io.openelb.status.StatusViews;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes the pools and Services of the HTTP API from the newest cluster snapshot (by the pure
 * {@link StatusViews}) when someone asks, not on every change: a view reads every Service, and during a
 * burst of thousands of changes computing it per change cost the speaker more than the changes themselves
 * while nobody looked. A view is reused while the snapshot has not changed, and also for {@link #PACE}
 * times the last computation's duration after it (a page polling during a burst then costs at most a
 * tenth of a core; it is a view, a second behind is fine). Computed on a worker, never two at once; the
 * requests that arrive meanwhile share the result. Every role runs it.
 */
public final class ClusterStatusVerticle extends VerticleBase {
    static final int PACE = 10;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterStatusVerticle.class);

    private final StatusBoard board;
    private final List<Promise<ClusterView>> waiting = new ArrayList<>();
    private ClusterSnapshot snapshot;
    private ClusterView view = ClusterView.empty();
    private long viewRevision = -1;
    private long computedAtNanos;
    private long lastPassNanos;

    public ClusterStatusVerticle(StatusBoard board) {
        this.board = board;
    }

    @Override
    public Future<?> start() {
        Snapshots.follow(vertx, s -> snapshot = s);
        Context context = vertx.getOrCreateContext();
        board.clusterViews(() -> {
            Promise<ClusterView> answer = Promise.promise();
            context.runOnContext(v -> request(answer));
            return answer.future().toCompletionStage();
        });
        return Future.succeededFuture();
    }

    private void request(Promise<ClusterView> answer) {
        ClusterSnapshot s = snapshot;
        boolean current = s == null || !s.synced() || s.revision() == viewRevision
                || System.nanoTime() - computedAtNanos < PACE * lastPassNanos;
        if (current && waiting.isEmpty()) {
            answer.complete(view);
            return;
        }
        waiting.add(answer);
        if (waiting.size() == 1) {
            compute(s);
        }
    }

    private void compute(ClusterSnapshot s) {
        long started = System.nanoTime();
        vertx.executeBlocking(() -> view(s), false).onComplete(result -> {
            computedAtNanos = System.nanoTime();
            lastPassNanos = computedAtNanos - started;
            if (result.succeeded()) {
                view = result.result();
                viewRevision = s.revision();
            } else {
                LOG.warn("status view not computed: {}", result.cause().toString());
            }
            List<Promise<ClusterView>> answered = List.copyOf(waiting);
            waiting.clear();
            answered.forEach(p -> p.complete(view));
        });
    }

    /** On a worker: the snapshot is immutable. */
    private static ClusterView view(ClusterSnapshot s) {
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
