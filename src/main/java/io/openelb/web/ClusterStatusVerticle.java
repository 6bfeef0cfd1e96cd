package io.openelb.web;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
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
import io.openelb.speaker.SpeakerVerticle;
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
 * {@link StatusViews}) at most every {@link #DEBOUNCE_MS} ms after a watched Service, Eip, Node or
 * EndpointSlice changed, so a burst of changes costs one pass. Runs in every role on the main Vertx.
 */
public final class ClusterStatusVerticle extends VerticleBase {
    static final long DEBOUNCE_MS = 250;
    private static final Set<ResourceKind> SHOWN =
            Set.of(ResourceKind.SERVICE, ResourceKind.EIP, ResourceKind.NODE, ResourceKind.ENDPOINT_SLICE);

    private final Informers informers;
    private final StatusBoard board;
    private boolean queued;

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
        if (!queued) {
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
        PoolSet pools = PoolSet.of(informers.eips().stream().map(EipDefinitions::of).toList());
        // announcing nodes are known only where Nodes and EndpointSlices are watched (the speaker)
        boolean knowsNodes = informers.kinds().containsAll(Set.of(ResourceKind.NODE, ResourceKind.ENDPOINT_SLICE));
        var announcers = knowsNodes
                ? BgpPlan.announcers(informers.nodes().stream().map(SpeakerVerticle::nodeState).toList(),
                        SpeakerVerticle.services(informers), pools.pools())
                : null;
        board.cluster(StatusViews.of(pools, services(), announcers, Instant.now()));
    }

    private List<ServiceAddresses> services() {
        List<ServiceAddresses> out = new ArrayList<>();
        for (Service s : informers.services()) {
            if (s.getSpec() == null || !"LoadBalancer".equals(s.getSpec().getType()) || s.getStatus() == null
                    || s.getStatus().getLoadBalancer() == null || s.getStatus().getLoadBalancer().getIngress() == null) {
                continue;
            }
            List<IpAddress> addresses = new ArrayList<>();
            for (LoadBalancerIngress ingress : s.getStatus().getLoadBalancer().getIngress()) {
                try {
                    addresses.add(IpAddress.parse(Objects.requireNonNullElse(ingress.getIp(), "")));
                } catch (IllegalArgumentException hostNameOrGarbage) {
                    // not an address of ours
                }
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
