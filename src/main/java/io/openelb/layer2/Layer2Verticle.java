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
import io.openelb.model.NodeModel;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import io.openelb.status.StatusBoard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's Layer 2 half on one node. Level-triggered like the BGP half: any change of a
 * watched object, of the membership view, of the membership Secret or of this node's interfaces
 * recomputes, from {@link #inputs()} and the view, which Layer 2 addresses this node answers for
 * ({@link Layer2Plan}). The work is shared out: {@link MembershipKeeper} keeps the JGroups membership,
 * {@link ResponderSet} the interfaces and their responders (on a worker), {@link Claims} the addresses
 * answered for, the handover delay and the announcements; this class wires them, reports readiness and
 * problems, records Events and keeps the status snapshot.
 *
 * <p>Gaining an address: answer at once if its previous owner has left the view (failover), else after
 * the handover delay; then gratuitous ARP / unsolicited NA a few times, and an Event on the Service.
 * Losing one: the responder stops answering for it before the plan returns.
 *
 * <p>Without the membership Secret this node answers nothing (answering as if alone would answer
 * beside the others), and /readyz says why. A node without an Eip's interface answers nothing for it,
 * tells the other speakers (so they do not count on it) and records an Event on the Eip.
 *
 * <p>Threads: everything on this verticle's event-loop context; blocking work (interfaces, pcap handles,
 * the membership channel) runs on workers and reports back here.
 */
public final class Layer2Verticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(Layer2Verticle.class);
    public static final String SECRET_KEY = "secret";
    static final String READINESS = "layer2";

    private final KubernetesClient client;
    private final String nodeName;
    private final String namespace;
    private final OperatorConfig.Layer2 config;
    private final Layer2Metrics metrics;
    private final StatusBoard board;

    private Context context;
    private SpeakerEvents events;
    private ClusterSnapshot snapshot;
    private MembershipKeeper membership;
    private ResponderSet responders;
    private Claims claims;
    private final Map<String, String> reportedProblems = new HashMap<>();
    private String readinessProblem = "";
    private String loggedProblem = "";
    private PacedPlan planner;

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
        events = new SpeakerEvents(vertx, client, nodeName, () -> snapshot);
        membership = new MembershipKeeper(context, nodeName, config.membershipPort(), config.failureTimeout(),
                metrics, this::queuePlan);
        responders = new ResponderSet(vertx, Nics::find, nic -> new Responder(nic, metrics), this::queuePlan);
        claims = new Claims(nodeName, config.handoverDelay(), new Claims.Scheduler() {
            @Override
            public long schedule(long delayMillis, Runnable task) {
                return vertx.setTimer(delayMillis, id -> task.run());
            }

            @Override
            public void cancel(long id) {
                vertx.cancelTimer(id);
            }
        }, responders, this::answering, metrics);
        Snapshots.follow(vertx, s -> {
            snapshot = s;
            queuePlan();
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        claims.releaseAll();
        return Future.all(responders.close(), membership.close());
    }

    private void queuePlan() {
        if (planner == null) {
            planner = new PacedPlan(context, this::plan);
        }
        planner.request();
    }

    /** What the plan reads of the newest cluster snapshot; empty until the informers have synced. */
    private Optional<Layer2Inputs> inputs() {
        ClusterSnapshot s = snapshot;
        if (s == null || !s.synced()) {
            return Optional.empty();
        }
        List<Pool> pools = s.pools().pools().stream().filter(p -> p.protocol() == Protocol.LAYER2).toList();
        List<InetAddress> nodeIps = new ArrayList<>();
        for (NodeModel n : s.nodes().values()) {
            InetAddress ip = internalIp(n);
            if (ip != null) {
                nodeIps.add(ip);
            }
        }
        InetAddress self = s.node(nodeName).map(Layer2Verticle::internalIp).orElse(null);
        return Optional.of(new Layer2Inputs(pools, s.nodeStates(), pools.isEmpty() ? List.of()
                : s.announcedServices(), self, nodeIps, secret(s)));
    }

    private void plan() {
        Layer2Inputs in = inputs().orElse(null);
        if (in == null) {
            return;
        }
        if (in.pools().isEmpty()) {
            stand("", in.pools());
            return;
        }
        Map<String, Nic> nics = new HashMap<>();
        Set<String> mineUnservable = new TreeSet<>();
        interfaces(in.pools(), nics, mineUnservable);
        if (in.secret() == null) {
            stand("Secret " + namespace + "/" + config.secretName() + " (key '" + SECRET_KEY + "') not found: this node "
                    + "answers no ARP/NDP until it exists (answering as if alone could answer beside others)",
                    in.pools());
            membership.leave();
            return;
        }
        if (in.internalIp() == null) {
            stand("node " + nodeName + " has no InternalIP to bind the membership to", in.pools());
            return;
        }
        membership.ensure(in.internalIp(), in.nodeIps(), in.secret());
        if (!membership.inView()) {
            stand("joining the Layer 2 membership", in.pools());
            return;
        }
        problem("");
        answer(in, nics, mineUnservable);
    }

    /** In the view: assigns every Layer 2 address, claims this node's, and shows the outcome. */
    private void answer(Layer2Inputs in, Map<String, Nic> nics, Set<String> mineUnservable) {
        Set<String> live = membership.live();
        Map<String, Set<String>> unservable = membership.share(mineUnservable);
        List<Assignment> assignments = Layer2Plan.assign(in.services(), in.pools(), in.nodes(), live, unservable);
        claims.apply(assignments, nics, live);
        Map<String, String> interfaces = new HashMap<>();
        nics.forEach((pool, nic) -> interfaces.put(pool, nic.name()));
        board.layer2(new Layer2Snapshot(nodeName, "", List.copyOf(live), assignments, interfaces));
    }

    /**
     * Each pool's interface on this node, as the responder set last found it (it looks again now, and a
     * different answer plans again). A pool whose interface was not looked up yet is neither answered for
     * nor reported unservable: the others keep counting on this node for the moment it takes.
     */
    private void interfaces(List<Pool> pools, Map<String, Nic> nics, Set<String> mineUnservable) {
        responders.refresh(pools.stream().map(Pool::iface).collect(Collectors.toSet()));
        Map<String, Nics.Lookup> found = responders.interfaces();
        Map<String, String> problems = new HashMap<>();
        for (Pool pool : pools) {
            Nics.Lookup lookup = found.get(pool.iface());
            if (lookup == null) {
                continue;
            }
            if (lookup.nic() != null) {
                nics.put(pool.name(), lookup.nic());
            } else {
                mineUnservable.add(pool.name());
                problems.put(pool.name(), lookup.problem());
            }
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
    }

    /** This node has started answering for an address: an Event on its Service. */
    private void answering(Assignment assignment, Nic nic) {
        events.onService(assignment.service(), "Layer2Announced", "node " + nodeName + " answers ARP/NDP for "
                + assignment.address() + " on " + nic.name() + " (MAC " + nic.mac() + ")");
    }

    /** Answers nothing, for this reason ("" = nothing to do). */
    private void stand(String problem, List<Pool> pools) {
        claims.releaseAll();
        problem(problem);
        board.layer2(new Layer2Snapshot(nodeName, problem, List.copyOf(membership.live()), List.of(), Map.of()));
        if (pools.isEmpty()) {
            membership.leave();
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

    /** The membership key, null when the Secret or its key is missing or not base64. */
    private byte[] secret(ClusterSnapshot s) {
        String value = s.secret(config.secretName()).map(data -> data.get(SECRET_KEY)).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
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
