package io.openelb.speaker;

import io.fabric8.kubernetes.api.model.Node;
import io.openelb.announce.BgpPlan;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.bus.Addresses;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.kube.AnnounceInputs;
import io.openelb.kube.EipDefinitions;
import io.openelb.kube.Informers;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.PoolSet;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's BGP half on one node: keeps one {@link BgpSession} per BgpPeer that selects this
 * node, and tells each which addresses to announce. Level-triggered: any change of a watched object
 * recomputes the whole plan from the informer caches, at most once per event-loop turn.
 */
public final class SpeakerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SpeakerVerticle.class);

    private final Informers informers;
    private final String nodeName;
    private final KubernetesClient client;
    private final BgpMetrics metrics;
    private PeerStatusWriter status;
    private NetServer listener;
    private final Map<String, String> refusals = new HashMap<>();
    private int listenPort;
    private final Map<String, BgpSession> sessions = new HashMap<>();
    private final Map<String, String> reportedSkips = new HashMap<>();
    private boolean planQueued;

    public SpeakerVerticle(Informers informers, String nodeName, KubernetesClient client, BgpMetrics metrics) {
        this.informers = informers;
        this.nodeName = nodeName;
        this.client = client;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        status = new PeerStatusWriter(vertx, client, nodeName);
        vertx.eventBus().consumer(Addresses.RESOURCE_CHANGED, msg -> queuePlan());
        vertx.eventBus().consumer(Addresses.INFORMERS_SYNCED, msg -> queuePlan());
        if (informers.synced()) {
            queuePlan();
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        sessions.values().forEach(s -> s.stop("speaker stopping"));
        sessions.clear();
        return listener == null ? Future.succeededFuture() : listener.close();
    }

    private void queuePlan() {
        if (!planQueued) {
            planQueued = true;
            vertx.runOnContext(v -> {
                planQueued = false;
                plan();
            });
        }
    }

    private void plan() {
        if (!informers.synced()) {
            return;
        }
        Optional<Node> node = informers.node(nodeName);
        if (node.isEmpty()) {
            LOG.warn("node {} not found; announcing nothing", nodeName);
            return;
        }
        Optional<BgpConf> conf = informers.bgpConf(BgpConf.DEFAULT_NAME);
        listen(conf.map(BgpConfigs::listenPort).orElse(0));
        BgpConfigs.Result config = BgpConfigs.of(conf, informers.bgpPeers(), node.get());
        config.skipped().forEach((peer, why) -> {
            if (!why.equals(reportedSkips.put(peer, why))) {
                LOG.warn("BgpPeer {} not used on node {}: {}", peer, nodeName, why);
            }
        });
        Map<String, PeerTarget> wanted = new HashMap<>();
        config.targets().forEach(t -> wanted.put(t.name(), t));
        for (String name : new ArrayList<>(sessions.keySet())) {
            PeerTarget target = wanted.get(name);
            if (target == null || !target.equals(sessions.get(name).target())) {
                sessions.remove(name).stop(target == null ? "BgpPeer removed" : "BgpPeer changed");
            }
        }
        for (PeerTarget target : wanted.values()) {
            if (!sessions.containsKey(target.name())) {
                BgpSession session = new BgpSession(vertx, target, metrics, status);
                sessions.put(target.name(), session);
                session.start();
            }
        }
        Set<IpAddress> addresses = BgpPlan.addresses(AnnounceInputs.nodeState(node.get()), AnnounceInputs.services(informers),
                PoolSet.of(informers.eips().stream().map(EipDefinitions::of).toList()).pools());
        sessions.values().forEach(s -> s.desired(addresses));
    }

    /**
     * Keeps a listener on BgpConf {@code listenPort} (none when 0 or -1), on every address of the node;
     * a connection is handed to the session of the peer it comes from, or closed.
     */
    private void listen(int port) {
        if (port == listenPort) {
            return;
        }
        if (listener != null) {
            listener.close();
            listener = null;
        }
        listenPort = port;
        if (port <= 0) {
            return;
        }
        listener = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true)).connectHandler(socket -> {
            String remote = canonical(socket.remoteAddress().hostAddress().replaceFirst("^::ffff:", ""));
            BgpSession session = sessions.values().stream()
                    .filter(s -> s.target().address().toString().equals(remote))
                    .findFirst().orElse(null);
            if (session == null || !session.accept(socket)) {
                String why = session == null ? "no BgpPeer with that address" : "its session is not waiting for one";
                if (!why.equals(refusals.put(remote, why))) { // routers retry every few seconds: say it once
                    LOG.info("refusing BGP connections from {}: {}", remote, why);
                }
                socket.close();
            }
        });
        // "::" takes IPv4 connections too (as IPv4-mapped addresses) on Linux
        listener.listen(port, "::").onComplete(r -> {
            if (r.succeeded()) {
                LOG.info("listening for BGP on port {}", port);
            } else {
                LOG.error("cannot listen for BGP on port {}: {}", port, r.cause().getMessage());
            }
        });
    }

    private static String canonical(String address) {
        try {
            return IpAddress.parse(address).toString();
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
