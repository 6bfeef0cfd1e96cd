package io.openelb.speaker;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.announce.BgpPlan;
import io.openelb.announce.BgpRoutes;
import io.openelb.announce.NodeHop;
import io.openelb.announce.NodeState;
import io.openelb.announce.ServiceState;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.bus.Addresses;
import io.openelb.bus.PacedPlan;
import io.openelb.bus.ReadinessChanged;
import io.openelb.kube.AnnounceInputs;
import io.openelb.kube.EipDefinitions;
import io.openelb.kube.Informers;
import io.openelb.kube.SpeakerEvents;
import io.openelb.metrics.BgpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.PoolSet;
import io.openelb.status.SpeakerView;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's BGP half on one node: keeps one {@link BgpSession} per BgpPeer that selects this
 * node, and tells each which addresses to announce. Level-triggered: any change of a watched object
 * recomputes the whole plan from the informer caches, at most once per event-loop turn.
 */
public final class SpeakerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SpeakerVerticle.class);
    static final int EVENTS_PER_PLAN = 50;

    private final Informers informers;
    private final String nodeName;
    private final KubernetesClient client;
    private final BgpMetrics metrics;
    private final TcpMd5Keys md5Keys;
    private final StatusBoard board;
    private PeerStatusWriter status;
    private final List<NetServer> listeners = new ArrayList<>();
    private List<String> listenAddresses = List.of();
    private final Map<String, String> refusals = new HashMap<>();
    private int listenPort;
    private final Map<String, BgpSession> sessions = new HashMap<>();
    private final Map<String, String> reportedSkips = new HashMap<>();
    private PacedPlan planner;
    private SpeakerEvents events;
    /** Addresses this node announced at the last plan; null before the first (whose state is not reported). */
    private Set<IpAddress> announcedHere;
    private String readinessProblem;
    /** The component {@code /readyz} names when BGP cannot work. */
    static final String READINESS = "bgp";

    public SpeakerVerticle(Informers informers, String nodeName, KubernetesClient client, BgpMetrics metrics,
            TcpMd5Keys md5Keys, StatusBoard board) {
        this.informers = informers;
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
        vertx.eventBus().consumer(Addresses.RESOURCE_CHANGED, msg -> queuePlan());
        vertx.eventBus().consumer(Addresses.INFORMERS_SYNCED, msg -> queuePlan());
        if (informers.synced()) {
            queuePlan();
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        sessions.values().forEach(s -> s.stop("speaker stopping", true));
        sessions.clear();
        return Future.all(listeners.stream().map(NetServer::close).toList());
    }

    private void queuePlan() {
        if (planner == null) {
            planner = new PacedPlan(context, this::plan);
        }
        planner.request();
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
        BgpConfigs.Result config = BgpConfigs.of(conf, informers.bgpPeers(), node.get(), passwords());
        Map<IpAddress, TcpMd5Key> keys = new HashMap<>();
        config.targets().stream().filter(t -> t.md5() != null).forEach(t -> keys.put(t.address(), t.md5()));
        boolean keysChanged = md5Keys.set(keys);
        if (config.conf() != null) {
            status.reportConf(config.conf());
        }
        listen(conf.map(BgpConfigs::listenPort).orElse(0),
                conf.map(BgpConfigs::listenAddresses).orElse(List.of()), keysChanged);
        board.speaker(config.conf() == null ? null : new SpeakerView(
                java.util.Objects.requireNonNullElse(config.conf().as, 0L),
                java.util.Objects.requireNonNullElse(config.conf().routerId, ""),
                Math.max(0, listenPort), listenPort > 0 ? listenAddresses : List.of()));
        metrics.invalidPeers(config.skipped().size());
        config.skipped().forEach((peer, why) -> {
            if (!why.equals(reportedSkips.put(peer, why))) {
                LOG.warn("BgpPeer {} not used on node {}: {}", peer, nodeName, why);
                events.onBgpPeer(peer, "BgpPeerNotUsed", "node " + nodeName + ": " + why);
            }
        });
        reportedSkips.keySet().retainAll(config.skipped().keySet());
        readiness(noConfProblem(conf, config));
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
        // Other nodes matter only to sessions sending one path per node (ADD-PATH): skip the work otherwise.
        boolean addPath = sessions.values().stream().anyMatch(s -> !s.target().config().addPathSend().isEmpty());
        List<Node> nodes = addPath ? informers.nodes() : List.of(node.get());
        List<ServiceState> services = AnnounceInputs.services(informers);
        Map<IpAddress, SortedSet<String>> announcers = BgpPlan.announcers(
                nodes.stream().map(AnnounceInputs::nodeState).toList(), services,
                PoolSet.of(informers.eips().stream().map(EipDefinitions::of).toList()).pools());
        Map<String, NodeHop> hops = new HashMap<>();
        for (Node n : nodes) {
            IpAddress v4 = BgpConfigs.internalIp(n, IpFamily.IPV4).orElse(null);
            String name = n.getMetadata().getName();
            hops.put(name, new NodeHop(name, NodeHop.pathId(name, v4), v4,
                    BgpConfigs.internalIp(n, IpFamily.IPV6).orElse(null)));
        }
        BgpRoutes routes = new BgpRoutes(nodeName, announcers, hops);
        sessions.values().forEach(s -> s.desired(routes));
        reportChanges(AnnounceInputs.nodeState(node.get()), services, announcers);
    }

    /**
     * An Event on each Service whose address this node started or stopped announcing (to at least one
     * peer), so that {@code kubectl describe svc} shows which nodes announce it and why one stopped. The
     * first plan's state is not reported (a restarted speaker would repeat every Service's Event), nor
     * more than {@link #EVENTS_PER_PLAN} at once (a new BgpPeer starts every address): a log line counts
     * the rest.
     */
    private void reportChanges(NodeState self, List<ServiceState> services,
            Map<IpAddress, SortedSet<String>> announcers) {
        Set<IpAddress> now = new HashSet<>();
        if (!sessions.isEmpty()) {
            announcers.forEach((address, nodes) -> {
                if (nodes.contains(nodeName)) {
                    now.add(address);
                }
            });
        }
        Set<IpAddress> before = announcedHere;
        announcedHere = now;
        if (before == null || before.equals(now)) {
            return;
        }
        String peers = String.join(", ", new TreeSet<>(sessions.keySet()));
        List<BgpPlan.Change> changes = BgpPlan.changes(self, services, before, now);
        for (BgpPlan.Change c : changes.subList(0, Math.min(EVENTS_PER_PLAN, changes.size()))) {
            if (c.announced()) {
                events.onService(c.service(), "BgpAnnounced", "node " + nodeName + " announces " + c.address()
                        + " over BGP (BgpPeers: " + peers + ")");
            } else {
                events.onService(c.service(), "BgpWithdrawn", "node " + nodeName + " withdrew " + c.address()
                        + " from BGP: " + BgpPlan.explain(c.why()));
            }
        }
        if (changes.size() > EVENTS_PER_PLAN) {
            LOG.info("{} more Services' BGP announcements changed on node {} (no Event for them)",
                    changes.size() - EVENTS_PER_PLAN, nodeName);
        }
    }

    /**
     * Why this node peers with nothing although BgpPeers exist: BgpConf default is missing ("" otherwise).
     * Only then is the speaker unready: a Layer 2 only cluster has neither BgpConf nor BgpPeers.
     */
    private String noConfProblem(Optional<BgpConf> conf, BgpConfigs.Result config) {
        if (conf.isPresent() || config.skipped().isEmpty()) {
            return "";
        }
        List<String> others = informers.bgpConfs().stream().map(c -> c.getMetadata().getName()).sorted().toList();
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

    /**
     * Keeps listeners on BgpConf {@code listenPort} (none when 0 or -1), on {@code listenAddresses} or
     * every address of the node; a connection is handed to the session of the peer it comes from, or
     * closed. Reopened when the MD5 keys change: a listening socket takes keys only when created.
     */
    private void listen(int port, List<String> addresses, boolean keysChanged) {
        if (port == listenPort && addresses.equals(listenAddresses) && !keysChanged) {
            return;
        }
        listeners.forEach(NetServer::close);
        listeners.clear();
        listenPort = port;
        listenAddresses = addresses;
        md5Keys.listenPort(port);
        if (port <= 0) {
            return;
        }
        for (String address : addresses) {
            listenOn(port, address);
        }
    }

    private void listenOn(int port, String address) {
        // Port and host go in the options: that is how the transport knows this server is BGP's and
        // gives it the MD5 keys.
        NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setPort(port).setHost(address);
        NetServer listener = vertx.createNetServer(options).connectHandler(socket -> {
            String remote = canonical(socket.remoteAddress().hostAddress().replaceFirst("^::ffff:", ""));
            BgpSession session = sessions.values().stream()
                    .filter(s -> s.target().address().toString().equals(remote))
                    .findFirst().orElse(null);
            if (session == null) {
                String why = "no BgpPeer with that address";
                if (!why.equals(refusals.put(remote, why))) { // routers retry every few seconds: say it once
                    LOG.info("refusing BGP connections from {}: {}", remote, why);
                }
                socket.close();
            } else if (!session.accept(socket)) {
                String why = "its session keeps its own connection (" + session.state() + ")";
                if (!why.equals(refusals.put(remote, why))) {
                    LOG.info("refusing a BGP connection from {}: {}", remote, why);
                }
            } else {
                refusals.remove(remote);
            }
        });
        listeners.add(listener);
        listener.listen().onComplete(r -> {
            if (r.succeeded()) {
                LOG.info("listening for BGP on port {} ({})", port, address.equals("::") ? "all addresses" : address);
            } else {
                LOG.error("cannot listen for BGP on {} port {}: {}", address, port, r.cause().getMessage());
            }
        });
    }

    /** Passwords from Secrets of the program's namespace, by reference; never logged. */
    private BgpConfigs.Passwords passwords() {
        return new BgpConfigs.Passwords() {
            @Override
            public String fromSecret(io.openelb.api.v1alpha2.BgpPeerSpec.SecretKeyRef ref) {
                String ns = informers.ownNamespace();
                if (ref.namespace != null && !ref.namespace.equals(ns)) {
                    throw new IllegalArgumentException("authPasswordSecretRef: Secrets are read from namespace "
                            + ns + " only, not " + ref.namespace);
                }
                String key = ref.key == null ? "password" : ref.key;
                var secret = informers.secret(String.valueOf(ref.name)).orElseThrow(() ->
                        new IllegalArgumentException("authPasswordSecretRef: Secret " + ns + "/" + ref.name + " not found"));
                String value = secret.getData() == null ? null : secret.getData().get(key);
                if (value == null) {
                    throw new IllegalArgumentException("authPasswordSecretRef: Secret " + ns + "/" + ref.name
                            + " has no key " + key);
                }
                return new String(java.util.Base64.getDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public String unsupported() {
                return md5Keys.unsupportedReason();
            }
        };
    }

    private static String canonical(String address) {
        try {
            return IpAddress.parse(address).toString();
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
