package io.openelb.speaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.announce.BgpPlan;
import io.openelb.announce.BgpRoutes;
import io.openelb.announce.NodeHop;
import io.openelb.announce.NodeState;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.bus.Addresses;
import io.openelb.bus.PacedPlan;
import io.openelb.bus.ReadinessChanged;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.kube.SpeakerEvents;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.NodeModel;
import io.openelb.status.SpeakerView;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's BGP half on one node: keeps one {@link BgpSession} per BgpPeer that selects this
 * node, and tells each which addresses to announce. Level-triggered: each cluster snapshot (paced, the
 * newest one when a plan runs) gives the whole plan; the peer set is recomputed only when the BGP objects,
 * the Secrets or this node changed.
 */
public final class SpeakerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SpeakerVerticle.class);
    /** The component {@code /readyz} names when BGP cannot work. */
    static final String READINESS = "bgp";

    private final String nodeName;
    private final String namespace;
    private final KubernetesClient client;
    private final BgpMetrics metrics;
    private final TcpMd5Keys md5Keys;
    private final StatusBoard board;
    private final Map<String, BgpSession> sessions = new HashMap<>();
    private final Map<String, String> reportedSkips = new HashMap<>();
    private PeerStatusWriter status;
    private BgpListeners listeners;
    private AnnouncementEvents announcementEvents;
    private SpeakerEvents events;
    private PacedPlan planner;
    private ClusterSnapshot snapshot;
    private PeerInputs peerInputs;
    private BgpConfigs.Result config;
    private String readinessProblem;

    /** What the peer set is computed from: when all are the same objects, it is the same. */
    private record PeerInputs(Map<String, ?> confs, Map<String, ?> peers, Map<String, ?> secrets, NodeModel node) {
        boolean same(PeerInputs other) {
            return other != null && confs == other.confs && peers == other.peers && secrets == other.secrets
                    && node.equals(other.node);
        }
    }

    /** @param namespace the program's namespace, the only one whose Secrets hold BGP passwords */
    public SpeakerVerticle(String nodeName, String namespace, KubernetesClient client, BgpMetrics metrics,
            TcpMd5Keys md5Keys, StatusBoard board) {
        this.namespace = namespace;
        this.board = board;
        this.md5Keys = md5Keys;
        this.nodeName = nodeName;
        this.client = client;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        status = new PeerStatusWriter(vertx, client, nodeName, metrics);
        events = new SpeakerEvents(vertx, client, nodeName);
        announcementEvents = new AnnouncementEvents(nodeName, events);
        listeners = new BgpListeners(vertx, md5Keys, remote -> sessions.values().stream()
                .filter(s -> s.target().address().toString().equals(remote)).findFirst());
        planner = new PacedPlan(context, this::plan);
        Snapshots.follow(vertx, s -> {
            snapshot = s;
            planner.request();
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        sessions.values().forEach(s -> s.stop("speaker stopping", true));
        sessions.clear();
        return listeners.close();
    }

    private void plan() {
        ClusterSnapshot s = snapshot;
        if (s == null || !s.synced()) {
            return;
        }
        Optional<NodeModel> node = s.node(nodeName);
        if (node.isEmpty()) {
            LOG.warn("node {} not found; announcing nothing", nodeName);
            return;
        }
        PeerInputs inputs = new PeerInputs(s.bgpConfs(), s.bgpPeers(), s.secrets(), node.get());
        if (!inputs.same(peerInputs)) {
            peerInputs = inputs;
            configure(s, node.get());
        }
        // Other nodes matter only to sessions sending one path per node (ADD-PATH): skip the work otherwise.
        boolean addPath = sessions.values().stream().anyMatch(x -> !x.target().config().addPathSend().isEmpty());
        Collection<NodeModel> nodes = addPath ? s.nodes().values() : List.of(node.get());
        List<NodeState> states = nodes.stream().map(ClusterSnapshot::state).toList();
        Map<IpAddress, SortedSet<String>> announcers = BgpPlan.announcers(states, s.announcedServices(),
                s.pools().pools());
        Map<String, NodeHop> hops = new HashMap<>();
        for (NodeModel n : nodes) {
            IpAddress v4 = n.internalIp(IpFamily.IPV4).orElse(null);
            hops.put(n.name(), new NodeHop(n.name(), NodeHop.pathId(n.name(), v4), v4,
                    n.internalIp(IpFamily.IPV6).orElse(null)));
        }
        BgpRoutes routes = new BgpRoutes(nodeName, announcers, hops);
        sessions.values().forEach(x -> x.desired(routes));
        announcementEvents.report(ClusterSnapshot.state(node.get()), s.announcedServices(), announcers,
                sessions.keySet());
    }

    /** The peer set from BgpConf default, the BgpPeers and this node: sessions started, changed, ended. */
    private void configure(ClusterSnapshot s, NodeModel node) {
        Optional<BgpConf> conf = s.bgpConf(BgpConf.DEFAULT_NAME);
        config = BgpConfigs.of(conf, s.bgpPeers().values(), node, new SecretPasswords(s, namespace, md5Keys));
        Map<IpAddress, TcpMd5Key> keys = new HashMap<>();
        config.targets().stream().filter(t -> t.md5() != null).forEach(t -> keys.put(t.address(), t.md5()));
        boolean keysChanged = md5Keys.set(keys);
        if (config.conf() != null) {
            status.reportConf(config.conf());
        }
        listeners.update(conf.map(BgpConfigs::listenPort).orElse(0),
                conf.map(BgpConfigs::listenAddresses).orElse(List.of()), keysChanged);
        board.speaker(config.conf() == null ? null : new SpeakerView(
                Objects.requireNonNullElse(config.conf().as, 0L), Objects.requireNonNullElse(config.conf().routerId, ""),
                listeners.port(), listeners.addresses()));
        reportSkips();
        readiness(noConfProblem(s, conf));
        updateSessions();
    }

    private void reportSkips() {
        metrics.invalidPeers(config.skipped().size());
        config.skipped().forEach((peer, why) -> {
            if (!why.equals(reportedSkips.put(peer, why))) {
                LOG.warn("BgpPeer {} not used on node {}: {}", peer, nodeName, why);
                events.onBgpPeer(peer, "BgpPeerNotUsed", "node " + nodeName + ": " + why);
            }
        });
        reportedSkips.keySet().retainAll(config.skipped().keySet());
    }

    private void updateSessions() {
        Map<String, PeerTarget> wanted = new HashMap<>();
        config.targets().forEach(t -> wanted.put(t.name(), t));
        for (String name : new ArrayList<>(sessions.keySet())) {
            PeerTarget target = wanted.get(name);
            if (target == null || !target.equals(sessions.get(name).target())) {
                String why = target != null ? "BgpPeer changed" : config.skipped().containsKey(name)
                        ? "BgpPeer not used: " + config.skipped().get(name) : "BgpPeer removed";
                sessions.remove(name).stop(why, false);
            }
        }
        for (PeerTarget target : wanted.values()) {
            if (!sessions.containsKey(target.name())) {
                BgpSession session = new BgpSession(vertx, target, metrics, status, board);
                sessions.put(target.name(), session);
                session.start();
            }
        }
    }

    /**
     * Why this node peers with nothing although BgpPeers exist: BgpConf default is missing ("" otherwise).
     * Only then is the speaker unready: a Layer 2 only cluster has neither BgpConf nor BgpPeers.
     */
    private String noConfProblem(ClusterSnapshot s, Optional<BgpConf> conf) {
        if (conf.isPresent() || config.skipped().isEmpty()) {
            return "";
        }
        List<String> others = s.bgpConfs().keySet().stream().sorted().toList();
        return "BgpConf " + BgpConf.DEFAULT_NAME + " is missing" + (others.isEmpty() ? ""
                : " (only the one named " + BgpConf.DEFAULT_NAME + " is used; found " + String.join(", ", others) + ")")
                + ": " + config.skipped().size() + " BgpPeer(s) not used, this node peers with no router";
    }

    private void readiness(String problem) {
        if (problem.equals(readinessProblem)) {
            return;
        }
        if (!problem.isEmpty()) {
            LOG.warn("BGP: {}", problem);
        } else if (readinessProblem != null) {
            LOG.info("BGP: BgpConf {} found", BgpConf.DEFAULT_NAME);
        }
        readinessProblem = problem;
        vertx.eventBus().publish(Addresses.READINESS_CHANGED, new ReadinessChanged(READINESS, problem));
    }
}
