package io.openelb.layer2;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.announce.Layer2Plan;
import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.announce.Layer2Snapshot;
import io.openelb.announce.NodeState;
import io.openelb.bus.Addresses;
import io.openelb.bus.PacedPlan;
import io.openelb.bus.ReadinessChanged;
import io.openelb.config.OperatorConfig;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.kube.SpeakerEvents;
import io.openelb.metrics.Layer2Metrics;
import io.openelb.model.IpAddress;
import io.openelb.model.NodeModel;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import io.openelb.status.StatusBoard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's Layer 2 half on one node. Level-triggered like the BGP half: any change of a
 * watched object, of the membership view or of the membership Secret recomputes, from the informer
 * caches and the view, which Layer 2 addresses this node answers for ({@link Layer2Plan}), and hands
 * them to one {@link Responder} per interface.
 *
 * <p>Gaining an address: answer at once if its previous owner has left the view (failover), else after
 * the handover delay; then gratuitous ARP / unsolicited NA a few times, and an Event on the Service.
 * Losing one: the responder stops answering for it before this method returns.
 *
 * <p>Without the membership Secret this node answers nothing (answering as if alone would answer
 * beside the others), and /readyz says why. A node without an Eip's interface answers nothing for it,
 * tells the other speakers (so they do not count on it) and records an Event on the Eip.
 */
public final class Layer2Verticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(Layer2Verticle.class);
    public static final String SECRET_NAME = "openelb-membership";
    public static final String SECRET_KEY = "secret";
    static final String READINESS = "layer2";
    /** Gratuitous ARP / unsolicited NA after gaining an address, milliseconds after the first. */
    private static final long[] ANNOUNCE_AFTER = {0, 250, 1000, 2000, 4000};

    private final KubernetesClient client;
    private final String nodeName;
    private final String namespace;
    private final OperatorConfig.Layer2 config;
    private final Layer2Metrics metrics;
    private final StatusBoard board;

    private Context context;
    private SpeakerEvents events;
    private ClusterSnapshot snapshot;
    private Membership membership;
    private boolean membershipStarting;
    private boolean inView;
    private Set<String> live = Set.of();
    /** Pools each other node reported it cannot serve. */
    private final Map<String, Set<String>> unservable = new HashMap<>();
    private Set<String> publishedUnservable;
    private final Map<String, Responder> responders = new HashMap<>();
    private final Map<String, String> reportedProblems = new HashMap<>();
    /** Owner of every address at the last computation; null before the first one with a view. */
    private Map<IpAddress, String> previousOwners;
    private final Map<IpAddress, Claim> claims = new HashMap<>();
    private String readinessProblem = "";
    private String loggedProblem = "";
    private PacedPlan planner;

    /** An address this node answers for, or will after the handover delay. */
    private static final class Claim {
        final Assignment assignment;
        final Nic nic;
        boolean active;
        final List<Long> timers = new ArrayList<>();

        Claim(Assignment assignment, Nic nic) {
            this.assignment = assignment;
            this.nic = nic;
        }
    }

    public Layer2Verticle(KubernetesClient client, String nodeName, String namespace,
            OperatorConfig.Layer2 config, Layer2Metrics metrics, StatusBoard board) {
        this.client = client;
        this.nodeName = nodeName;
        this.namespace = namespace;
        this.config = config;
        this.metrics = metrics;
        this.board = board;
    }

    @Override
    public Future<?> start() {
        context = vertx.getOrCreateContext();
        board.layer2(new Layer2Snapshot(nodeName, "", List.of(), List.of(), Map.of()));
        events = new SpeakerEvents(vertx, client, nodeName);
        Snapshots.follow(vertx, s -> {
            snapshot = s;
            queuePlan();
        });
        queuePlan();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        releaseAll();
        responders.values().forEach(Responder::close);
        responders.clear();
        Membership m = membership;
        membership = null;
        return m == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            m.close();
            return null;
        }, false);
    }

    private void queuePlan() {
        if (planner == null) {
            planner = new PacedPlan(context, this::plan);
        }
        planner.request();
    }

    private void plan() {
        ClusterSnapshot s = snapshot;
        if (s == null || !s.synced()) {
            return;
        }
        List<Pool> pools = s.pools().pools().stream()
                .filter(p -> p.protocol() != Protocol.BGP)
                .toList();
        if (pools.isEmpty()) {
            stand("", List.of());
            return;
        }
        Map<String, Nic> nics = new HashMap<>();
        Set<String> mineUnservable = new TreeSet<>();
        interfaces(pools, nics, mineUnservable);

        byte[] secret = secret(s);
        if (secret == null) {
            stand(s.synced()
                    ? "Secret " + namespace + "/" + SECRET_NAME + " (key '" + SECRET_KEY + "') not found: this node "
                            + "answers no ARP/NDP until it exists (answering as if alone could answer beside others)"
                    : "waiting for Secret " + namespace + "/" + SECRET_NAME, pools);
            stopMembership();
            return;
        }
        InetAddress bind = s.node(nodeName).map(Layer2Verticle::internalIp).orElse(null);
        if (bind == null) {
            stand("node " + nodeName + " has no InternalIP to bind the membership to", pools);
            return;
        }
        ensureMembership(s, bind, secret);
        if (!inView) {
            stand("joining the Layer 2 membership", pools);
            return;
        }
        problem("");
        if (!mineUnservable.equals(publishedUnservable)) {
            membership.publish(mineUnservable);
            publishedUnservable = mineUnservable;
        }
        Map<String, Set<String>> allUnservable = new HashMap<>(unservable);
        allUnservable.put(nodeName, mineUnservable);
        List<NodeState> nodes = s.nodeStates();
        List<Assignment> assignments = Layer2Plan.assign(s.announcedServices(), pools, nodes, live,
                allUnservable);
        apply(assignments, nics);
        Map<String, String> interfaces = new HashMap<>();
        nics.forEach((pool, nic) -> interfaces.put(pool, nic.name()));
        board.layer2(new Layer2Snapshot(nodeName, "", List.copyOf(live), assignments, interfaces));
    }

    /** Resolves each pool's interface on this node and keeps one responder per interface in use. */
    private void interfaces(List<Pool> pools, Map<String, Nic> nics, Set<String> mineUnservable) {
        Map<String, String> problems = new HashMap<>();
        for (Pool pool : pools) {
            Nics.Lookup lookup = Nics.find(pool.iface());
            String problem = lookup.problem();
            if (lookup.nic() != null) {
                try {
                    responder(lookup.nic());
                    nics.put(pool.name(), lookup.nic());
                    continue;
                } catch (Exception e) {
                    problem = "cannot capture on " + lookup.nic().name() + ": " + e.getMessage();
                }
            }
            mineUnservable.add(pool.name());
            problems.put(pool.name(), problem);
        }
        problems.forEach((pool, problem) -> {
            if (!problem.equals(reportedProblems.put(pool, problem))) {
                String message = "node " + nodeName + ": " + problem + "; this node never answers ARP/NDP for this "
                        + "Eip's addresses";
                LOG.warn("Eip {}: {}", pool, message);
                events.onEip(pool, "InterfaceNotFound", message);
            }
        });
        reportedProblems.keySet().retainAll(problems.keySet());
        Set<String> inUse = new HashSet<>();
        nics.values().forEach(n -> inUse.add(n.name()));
        responders.entrySet().removeIf(e -> {
            if (!inUse.contains(e.getKey()) || !nics.containsValue(e.getValue().nic())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    private Responder responder(Nic nic) throws Exception {
        Responder r = responders.get(nic.name());
        if (r != null && r.nic().equals(nic)) {
            return r;
        }
        if (r != null) {
            r.close(); // same name, another MAC: the interface was recreated
        }
        r = new Responder(nic, metrics);
        responders.put(nic.name(), r);
        return r;
    }

    /** Diffs the addresses this node should answer for with those it claims; losses apply at once. */
    private void apply(List<Assignment> assignments, Map<String, Nic> nics) {
        Map<IpAddress, Assignment> mine = new HashMap<>();
        for (Assignment a : assignments) {
            if (a.owner().equals(nodeName) && nics.containsKey(a.pool())) {
                mine.put(a.address(), a);
            }
        }
        for (IpAddress address : new ArrayList<>(claims.keySet())) {
            Claim c = claims.get(address);
            Assignment now = mine.get(address);
            if (now == null || !nics.get(now.pool()).equals(c.nic)) {
                release(address);
            }
        }
        pushAnswers();
        for (Assignment a : mine.values()) {
            if (claims.containsKey(a.address())) {
                continue;
            }
            Claim c = new Claim(a, nics.get(a.pool()));
            claims.put(a.address(), c);
            String previous = previousOwners == null ? null : previousOwners.getOrDefault(a.address(), "");
            if (Layer2Plan.takesOverAtOnce(previous, nodeName, live)) {
                activate(c);
            } else {
                c.timers.add(vertx.setTimer(Math.max(1, config.handoverDelay().toMillis()), t -> activate(c)));
            }
        }
        Map<IpAddress, String> owners = new HashMap<>();
        assignments.forEach(a -> owners.put(a.address(), a.owner()));
        previousOwners = owners;
    }

    private void activate(Claim c) {
        if (claims.get(c.assignment.address()) != c || c.active) {
            return;
        }
        c.active = true;
        pushAnswers();
        IpAddress address = c.assignment.address();
        Responder r = responders.get(c.nic.name());
        for (long after : ANNOUNCE_AFTER) {
            if (after == 0) {
                r.announce(address);
            } else {
                c.timers.add(vertx.setTimer(after, t -> r.announce(address)));
            }
        }
        metrics.ownerChanged();
        LOG.info("answering ARP/NDP for {} ({}) on {}", address, c.assignment.service(), c.nic.name());
        events.onService(c.assignment.service(), "Layer2Announced", "node " + nodeName + " answers ARP/NDP for "
                + address + " on " + c.nic.name() + " (MAC " + c.nic.mac() + ")");
    }

    private void release(IpAddress address) {
        Claim c = claims.remove(address);
        if (c == null) {
            return;
        }
        c.timers.forEach(vertx::cancelTimer);
        if (c.active) {
            metrics.ownerChanged();
            LOG.info("no longer answering for {} ({})", address, c.assignment.service());
        }
    }

    /** Hands every responder exactly the active addresses of its interface. */
    private void pushAnswers() {
        Map<String, Set<IpAddress>> byNic = new HashMap<>();
        int active = 0;
        for (Claim c : claims.values()) {
            if (c.active) {
                byNic.computeIfAbsent(c.nic.name(), k -> new HashSet<>()).add(c.assignment.address());
                active++;
            }
        }
        responders.forEach((name, r) -> r.answerFor(byNic.getOrDefault(name, Set.of())));
        metrics.owned(active);
    }

    private void releaseAll() {
        new ArrayList<>(claims.keySet()).forEach(this::release);
        pushAnswers();
    }

    /** Answers nothing, for this reason ("" = nothing to do). */
    private void stand(String problem, List<Pool> pools) {
        releaseAll();
        problem(problem);
        board.layer2(new Layer2Snapshot(nodeName, problem, List.copyOf(live), List.of(), Map.of()));
        if (pools.isEmpty()) {
            stopMembership();
        }
    }

    private void problem(String problem) {
        if (!problem.equals(loggedProblem)) {
            if (!problem.isEmpty()) {
                LOG.warn("Layer 2: {}", problem);
            }
            loggedProblem = problem;
        }
        if (!problem.equals(readinessProblem)) {
            readinessProblem = problem;
            vertx.eventBus().publish(Addresses.READINESS_CHANGED, new ReadinessChanged(READINESS, problem));
        }
    }

    private static byte[] secret(ClusterSnapshot s) {
        String value = s.secret(SECRET_NAME).map(data -> data.get(SECRET_KEY)).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Joins with these settings, unless a channel with the same address and secret runs or starts. */
    private void ensureMembership(ClusterSnapshot snap, InetAddress bind, byte[] secret) {
        if (membershipStarting) {
            return;
        }
        if (membership != null) {
            Membership.Settings s = membership.settings();
            if (s.bind().equals(bind) && java.util.Arrays.equals(s.secret(), secret)) {
                return;
            }
            LOG.info("membership address or secret changed: rejoining");
            stopMembership();
        }
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (NodeModel n : snap.nodes().values()) {
            InetAddress a = internalIp(n);
            if (a != null && a.getClass() == bind.getClass()) {
                seeds.add(new InetSocketAddress(a, config.membershipPort()));
            }
        }
        java.util.concurrent.atomic.AtomicReference<Membership> self = new java.util.concurrent.atomic.AtomicReference<>();
        Membership m = new Membership(new Membership.Settings(nodeName, bind, config.membershipPort(), seeds, secret,
                config.failureTimeout()), new Membership.Listener() {
                    // a channel being closed may still report: only the current one counts
                    @Override
                    public void view(Set<String> nodes) {
                        context.runOnContext(v -> {
                            if (membership == self.get()) {
                                viewChanged(nodes);
                            }
                        });
                    }

                    @Override
                    public void unservable(String node, Set<String> pools) {
                        context.runOnContext(v -> {
                            if (membership == self.get()) {
                                unservable.put(node, Set.copyOf(pools));
                                queuePlan();
                            }
                        });
                    }
                });
        self.set(m);
        membership = m;
        membershipStarting = true;
        LOG.info("joining the Layer 2 membership on {}:{} (seeds {})", bind.getHostAddress(), config.membershipPort(),
                seeds);
        vertx.executeBlocking(() -> {
            m.start();
            return null;
        }, false).onComplete(r -> {
            membershipStarting = false;
            if (r.failed() && membership == m) {
                LOG.error("cannot join the Layer 2 membership: {}", r.cause().toString());
                membership = null;
                vertx.executeBlocking(() -> {
                    m.close();
                    return null;
                }, false);
                vertx.setTimer(2000, t -> queuePlan());
            }
            queuePlan();
        });
    }

    private void viewChanged(Set<String> nodes) {
        live = Set.copyOf(nodes);
        inView = live.contains(nodeName);
        unservable.keySet().retainAll(live);
        metrics.membership(inView, live.size());
        publishedUnservable = null; // a joiner must hear every node's report
        queuePlan();
    }

    private void stopMembership() {
        Membership m = membership;
        if (m == null) {
            return;
        }
        membership = null;
        inView = false;
        live = Set.of();
        publishedUnservable = null;
        unservable.clear();
        metrics.membership(false, 0);
        vertx.executeBlocking(() -> {
            m.close();
            return null;
        }, false);
    }

    /** The node's InternalIP, IPv4 preferred. */
    static InetAddress internalIp(NodeModel node) {
        return node.preferredInternalIp().map(a -> {
            try {
                return InetAddress.getByAddress(a.toBytes());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("a parsed address has 4 or 16 bytes", e);
            }
        }).orElse(null);
    }
}
