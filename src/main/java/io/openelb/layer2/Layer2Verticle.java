package io.openelb.layer2;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.openelb.announce.Layer2Plan;
import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.announce.Layer2Snapshot;
import io.openelb.announce.NodeState;
import io.openelb.bus.Addresses;
import io.openelb.bus.PacedPlan;
import io.openelb.bus.ReadinessChanged;
import io.openelb.config.OperatorConfig;
import io.openelb.kube.AnnounceInputs;
import io.openelb.kube.EipDefinitions;
import io.openelb.kube.Informers;
import io.openelb.kube.SpeakerEvents;
import io.openelb.metrics.Layer2Metrics;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import io.openelb.model.Protocol;
import io.openelb.status.StatusBoard;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    public static final String SECRET_NAME = "openelb-membership";
    public static final String SECRET_KEY = "secret";
    static final String READINESS = "layer2";

    private final Informers informers;
    private final KubernetesClient client;
    private final String nodeName;
    private final String namespace;
    private final OperatorConfig.Layer2 config;
    private final Layer2Metrics metrics;
    private final StatusBoard board;

    private Context context;
    private SpeakerEvents events;
    private SharedIndexInformer<Secret> secretInformer;
    private MembershipKeeper membership;
    private ResponderSet responders;
    private Claims claims;
    private final Map<String, String> reportedProblems = new HashMap<>();
    private String readinessProblem = "";
    private String loggedProblem = "";
    private PacedPlan planner;

    public Layer2Verticle(Informers informers, KubernetesClient client, String nodeName, String namespace,
            OperatorConfig.Layer2 config, Layer2Metrics metrics, StatusBoard board) {
        this.informers = informers;
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
        vertx.eventBus().consumer(Addresses.RESOURCE_CHANGED, msg -> queuePlan());
        vertx.eventBus().consumer(Addresses.INFORMERS_SYNCED, msg -> queuePlan());
        secretInformer = watchSecret();
        queuePlan();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        claims.releaseAll();
        if (secretInformer != null) {
            secretInformer.close();
        }
        return Future.all(responders.close(), membership.close());
    }

    /** Watches the membership Secret; every change plans again. */
    private SharedIndexInformer<Secret> watchSecret() {
        SharedIndexInformer<Secret> informer = client.secrets().inNamespace(namespace).withName(SECRET_NAME)
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<Secret>() {
            @Override
            public void onAdd(Secret obj) {
                context.runOnContext(v -> queuePlan());
            }

            @Override
            public void onUpdate(Secret oldObj, Secret newObj) {
                context.runOnContext(v -> queuePlan());
            }

            @Override
            public void onDelete(Secret obj, boolean deletedFinalStateUnknown) {
                context.runOnContext(v -> queuePlan());
            }
        });
        informer.exceptionHandler((started, error) -> {
            LOG.warn("watching Secret {}/{} failed, retrying: {}", namespace, SECRET_NAME, error.getMessage());
            return true;
        });
        informer.start().whenComplete((ok, e) -> context.runOnContext(v -> queuePlan()));
        return informer;
    }

    private void queuePlan() {
        if (planner == null) {
            planner = new PacedPlan(context, this::plan);
        }
        planner.request();
    }

    /**
     * Every read of the cluster this verticle makes: the informer caches and the Secret's. Empty until the
     * informers have synced.
     */
    private Optional<Layer2Inputs> inputs() {
        if (!informers.synced()) {
            return Optional.empty();
        }
        List<Pool> pools = PoolSet.of(informers.eips().stream().map(EipDefinitions::of).toList()).pools().stream()
                .filter(p -> p.protocol() != Protocol.BGP)
                .toList();
        List<NodeState> nodes = new ArrayList<>();
        List<InetAddress> nodeIps = new ArrayList<>();
        for (Node n : informers.nodes()) {
            nodes.add(AnnounceInputs.nodeState(n));
            InetAddress ip = internalIp(n);
            if (ip != null) {
                nodeIps.add(ip);
            }
        }
        InetAddress self = informers.node(nodeName).map(Layer2Verticle::internalIp).orElse(null);
        return Optional.of(new Layer2Inputs(pools, nodes,
                pools.isEmpty() ? List.of() : AnnounceInputs.services(informers), self, nodeIps, secret(),
                secretInformer.hasSynced()));
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
            stand(in.secretSynced()
                    ? "Secret " + namespace + "/" + SECRET_NAME + " (key '" + SECRET_KEY + "') not found: this node "
                            + "answers no ARP/NDP until it exists (answering as if alone could answer beside others)"
                    : "waiting for Secret " + namespace + "/" + SECRET_NAME, in.pools());
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

    private byte[] secret() {
        Secret s = secretInformer.getStore().getByKey(namespace + "/" + SECRET_NAME);
        String value = s == null || s.getData() == null ? null : s.getData().get(SECRET_KEY);
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
    static InetAddress internalIp(Node node) {
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return null;
        }
        InetAddress best = null;
        for (NodeAddress a : node.getStatus().getAddresses()) {
            if (!"InternalIP".equals(a.getType())) {
                continue;
            }
            try {
                InetAddress parsed = InetAddress.getByAddress(IpAddress.parse(Objects.requireNonNullElse(a.getAddress(),
                        "")).toBytes());
                if (best == null || (parsed.getAddress().length == 4 && best.getAddress().length != 4)) {
                    best = parsed;
                }
            } catch (IllegalArgumentException | UnknownHostException ignored) {
                // not an address
            }
        }
        return best;
    }
}
