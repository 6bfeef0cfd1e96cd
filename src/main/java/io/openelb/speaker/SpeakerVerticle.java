package io.openelb.speaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.announce.Announcements;
import io.openelb.announce.BgpRoutes;
import io.openelb.announce.RoutePolicy;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's BGP half on one node: keeps one {@link BgpSession} per BgpPeer that selects this
 * node, and tells each which addresses to announce. Each plan (paced, on the newest snapshot) costs what
 * changed: the Services whose announce state changed since the last plan are re-planned one by one
 * ({@link Announcements}) and the sessions send those addresses only; a change of the nodes that count, of
 * the pools or of the peer set plans everything again. The peer set is recomputed only when the BGP
 * objects, the Secrets or this node changed.
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
    private DefaultBgpConf defaultConf;
    private BgpListeners listeners;
    private AnnouncementEvents announcementEvents;
    private boolean eventsRecheckDue;
    private SpeakerEvents events;
    private PacedPlan planner;
    private ClusterSnapshot snapshot;
    private PeerInputs peerInputs;
    private BgpConfigs.Result config;
    private String readinessProblem;
    private final Announcements announcements = new Announcements();
    /** Services whose announce state changed since the last plan. */
    private final Set<String> pending = new HashSet<>();
    /** Services changed since the last plan (their route annotations may have). */
    private final Set<String> pendingServices = new HashSet<>();
    private final RoutePolicies policies = new RoutePolicies();
    private BfdLinks bfd;
    private long lastRevision = -1;
    private boolean planAll = true;
    private PlanBasis basis;
    private BgpRoutes routes;

    /** What every Service's plan depends on: when it changes, every Service is planned again. */
    private record PlanBasis(Object nodes, Object pools, Object policy, Set<BgpSession> sessions) {
        boolean same(PlanBasis other) { // sessions by identity: a BgpPeer changed is a new session of that name
            return other != null && nodes.equals(other.nodes) && pools == other.pools && policy == other.policy
                    && sessions.equals(other.sessions);
        }
    }

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
        events = new SpeakerEvents(vertx, client, nodeName, () -> snapshot);
        announcementEvents = new AnnouncementEvents(nodeName, events::onService);
        defaultConf = new DefaultBgpConf(nodeName, events::onBgpConf);
        listeners = new BgpListeners(vertx, md5Keys, remote -> sessions.values().stream()
                .filter(s -> s.target().address().toString().equals(remote)).findFirst());
        planner = new PacedPlan(context, this::plan);
        bfd = new BfdLinks(vertx, metrics);
        Snapshots.follow(vertx, s -> {
            // a snapshot missed (the first, or one before this verticle followed): its changes are unknown
            planAll |= s.revision() != lastRevision + 1;
            lastRevision = s.revision();
            pending.addAll(s.changes().announced());
            pendingServices.addAll(s.changes().services());
            snapshot = s;
            planner.request();
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        sessions.values().forEach(s -> s.stop("speaker stopping", true));
        sessions.clear();
        return Future.all(listeners.close(), bfd.close()).mapEmpty();
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
        announce(s, node.get());
    }

    /** The routes of the Services that changed (of all when the basis changed) to every session. */
    private void announce(ClusterSnapshot s, NodeModel self) {
        // Other nodes matter only to sessions sending one path per node (ADD-PATH): skip the work otherwise.
        boolean addPath = sessions.values().stream().anyMatch(x -> !x.target().config().addPathSend().isEmpty());
        Collection<NodeModel> nodes = addPath ? s.nodes().values() : List.of(self);
        policies.refresh(s);
        // every Service's overrides after a missed snapshot (and at the first plan), else the changed ones'
        Set<IpAddress> overridden = policies.services(s, planAll ? s.services().keySet() : pendingServices);
        RoutePolicy policy = policies.policy();
        PlanBasis now = new PlanBasis(addPath ? s.nodes() : self, s.pools(), policy, Set.copyOf(sessions.values()));
        if (!now.same(basis)) {
            basis = now;
            planAll = true;
            routes = new BgpRoutes(nodeName, announcements.announcers(), hops(nodes), policy);
        }
        List<NodeState> states = nodes.stream().map(ClusterSnapshot::state).toList();
        if (planAll) {
            announcements.replaceAll(s.announcedServices(), states, s.pools().pools(), policy);
            sessions.values().forEach(x -> x.desired(routes));
        } else {
            Set<IpAddress> changed = new HashSet<>(overridden);
            for (String key : pending) {
                changed.addAll(announcements.update(key, s.announced().get(key), states, s.pools().pools(), policy));
            }
            sessions.values().forEach(x -> x.desired(routes, changed));
        }
        if (announcementEvents.report(s, planAll ? null : pending)) {
            recheckEventsLater();
        }
        pending.clear();
        pendingServices.clear();
        planAll = false;
    }

    /** Once, however many plans wait: the Events' decisions wait for the BGP sessions to hold still. */
    private void recheckEventsLater() {
        if (!eventsRecheckDue) {
            eventsRecheckDue = true;
            vertx.setTimer(AnnouncementEvents.PEERING_STILL.toMillis() + 50, id -> {
                eventsRecheckDue = false;
                if (announcementEvents.recheck()) {
                    recheckEventsLater();
                }
            });
        }
    }

    private Map<String, NodeHop> hops(Collection<NodeModel> nodes) {
        Map<String, NodeHop> hops = new HashMap<>();
        for (NodeModel n : nodes) {
            IpAddress v4 = n.internalIp(IpFamily.IPV4).orElse(null);
            hops.put(n.name(), new NodeHop(n.name(), NodeHop.pathId(n.name(), v4), v4,
                    n.internalIp(IpFamily.IPV6).orElse(null)));
        }
        return hops;
    }

    /** The peer set from BgpConf default, the BgpPeers and this node: sessions started, changed, ended. */
    private void configure(ClusterSnapshot s, NodeModel node) {
        Optional<BgpConf> conf = defaultConf.use(s.bgpConf(BgpConf.DEFAULT_NAME));
        config = BgpConfigs.of(conf, s.bgpPeers().values(), node, new SecretPasswords(s, namespace, md5Keys));
        Map<IpAddress, TcpMd5Key> keys = new HashMap<>();
        config.targets().stream().filter(t -> t.md5() != null).forEach(t -> keys.put(t.address(), t.md5()));
        boolean keysChanged = md5Keys.set(keys);
        if (config.conf() != null) {
            status.reportConf(config.conf());
        }
        BgpConfigs.Listen listen = defaultConf.listen(conf);
        listeners.update(listen.port(), listen.addresses(), keysChanged);
        board.speaker(config.conf() == null ? null : new SpeakerView(
                Objects.requireNonNullElse(config.conf().as, 0L), Objects.requireNonNullElse(config.conf().routerId, ""),
                listeners.port(), listeners.addresses()));
        reportSkips();
        readiness(defaultConf.problem(s.bgpConfs().keySet(), s.bgpPeers().size()));
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
            // BFD settings alone do not touch the BGP session: turning BFD on must not flap what it protects
            if (target == null || !target.withBfd(null).equals(sessions.get(name).target().withBfd(null))) {
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
        updateBfd(wanted.values());
    }

    /** A BFD session with each router whose BgpPeer enables it; when it finds the path down, BGP goes down. */
    private void updateBfd(Collection<PeerTarget> targets) {
        Set<IpAddress> wanted = new HashSet<>();
        for (PeerTarget target : targets) {
            BgpSession session = sessions.get(target.name());
            if (target.bfd() != null) {
                wanted.add(target.address());
                bfd.run(target.name(), target.address(), target.bfd(), session);
            } else {
                session.bfdChanged(null); // BFD turned off on a running session: its views show none
            }
        }
        bfd.endAllBut(wanted);
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
