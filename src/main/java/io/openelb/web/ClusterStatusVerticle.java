package io.openelb.web;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.openelb.announce.BgpPlan;
import io.openelb.bus.Addresses;
import io.openelb.bus.ResourceChanged;
import io.openelb.bus.ResourceKind;
import io.openelb.kube.EipDefinitions;
import io.openelb.kube.Informers;
import io.openelb.model.IpAddress;
import io.openelb.model.PoolSet;
import io.openelb.kube.AnnounceInputs;
import io.openelb.status.ServiceAddresses;
import io.openelb.status.StatusBoard;
import io.openelb.status.StatusViews;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Publishes the pools and Services of the HTTP API: recomputed from the informer caches (by the pure
 * {@link StatusViews}) {@link #DEBOUNCE_MS} ms after a watched Service, Eip, Node or EndpointSlice
 * changed, so a burst of changes costs one pass. The pass runs on a worker (at thousands of Services and
 * nodes it is not free) and never two at once, so an older view never replaces a newer one. Runs in
 * every role on the main Vertx.
 */
public final class ClusterStatusVerticle extends VerticleBase {
    static final long DEBOUNCE_MS = 250;
    private static final Set<ResourceKind> SHOWN =
            Set.of(ResourceKind.SERVICE, ResourceKind.EIP, ResourceKind.NODE, ResourceKind.ENDPOINT_SLICE);

    private final Informers informers;
    private final StatusBoard board;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterStatusVerticle.class);
    private boolean queued;
    private boolean computing;
    private boolean again;

    public ClusterStatusVerticle(Informers informers, StatusBoard board) {
        this.informers = informers;
        this.board = board;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<ResourceChanged>consumer(Addresses.RESOURCE_CHANGED, msg -> {
            if (SHOWN.contains(msg.body().kind())) {
                queue();
            }
        });
        vertx.eventBus().consumer(Addresses.INFORMERS_SYNCED, msg -> queue());
        if (informers.synced()) {
            queue();
        }
        return Future.succeededFuture();
    }

    private void queue() {
        if (computing) {
            again = true;
        } else if (!queued) {
            queued = true;
            vertx.setTimer(DEBOUNCE_MS, id -> {
                queued = false;
                publish();
            });
        }
    }

    private void publish() {
        if (!informers.synced()) {
            return;
        }
        computing = true;
        vertx.executeBlocking(this::view, false).onComplete(result -> {
            computing = false;
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

    /** Reads the informer caches (thread-safe) on a worker. */
    private io.openelb.status.ClusterView view() {
        PoolSet pools = PoolSet.of(informers.eips().stream().map(EipDefinitions::of).toList());
        // announcing nodes are known only where Nodes and EndpointSlices are watched (the speaker)
        boolean knowsNodes = informers.kinds().containsAll(Set.of(ResourceKind.NODE, ResourceKind.ENDPOINT_SLICE));
        var announcers = knowsNodes
                ? BgpPlan.announcers(informers.nodes().stream().map(AnnounceInputs::nodeState).toList(),
                        AnnounceInputs.services(informers), pools.pools())
                : null;
        return StatusViews.of(pools, services(), announcers, Instant.now());
    }

    private List<ServiceAddresses> services() {
        List<ServiceAddresses> out = new ArrayList<>();
        for (Service s : informers.services()) {
            List<IpAddress> addresses = AnnounceInputs.loadBalancerAddresses(s).orElse(null);
            if (addresses == null) {
                continue;
            }
            Set<String> protocols = new TreeSet<>();
            for (ServicePort port : Objects.requireNonNullElse(s.getSpec().getPorts(), List.<ServicePort>of())) {
                protocols.add(Objects.requireNonNullElse(port.getProtocol(), "TCP"));
            }
            if (!addresses.isEmpty()) {
                out.add(new ServiceAddresses(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(),
                        addresses, List.copyOf(protocols)));
            }
        }
        return out;
    }
}
