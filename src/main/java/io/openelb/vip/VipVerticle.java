package io.openelb.vip;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.announce.InterfaceSpec;
import io.openelb.announce.ServiceState;
import io.openelb.announce.VipPlan;
import io.openelb.announce.VipPlan.Group;
import io.openelb.announce.VipPlan.VipService;
import io.openelb.bus.PacedPlan;
import io.openelb.bus.Snapshots;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.kube.SpeakerEvents;
import io.openelb.metrics.VrrpMetrics;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import io.openelb.model.ServiceModel;
import io.openelb.status.StatusBoard;
import io.openelb.status.VipView;
import io.openelb.vrrp.VrrpFrames;
import io.openelb.vrrp.VrrpRouter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker role's VIP half on one node (Eips with {@code protocol: vip}). Level-triggered: every
 * snapshot recomputes the groups ({@link VipPlan}: addresses that move together, their VRID, this node's
 * priority, whether it may hold them) and brings one {@link VrrpInstance} per group in line; VRRP v3 then
 * elects the one node that configures the group's addresses on the Eip's interface. A dual-stack group
 * runs one election, in its IPv4 advertisements, and its master holds both families.
 *
 * <p>Threads: everything on this verticle's context; links and address changes do their blocking work on
 * workers and report back here.
 */
public final class VipVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(VipVerticle.class);
    private final KubernetesClient client;
    private final String nodeName;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final VrrpMetrics metrics;
    private final StatusBoard board;

    private Context context;
    private SpeakerEvents events;
    private ClusterSnapshot snapshot;
    private PacedPlan planner;
    private VipLinks links;
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, String> reportedProblems = new HashMap<>();
    /** The groups whose addresses this node has configured (their VipHeld Event posted). */
    private final Set<String> holding = new HashSet<>();
    /** Each Eip interface spec's last resolution on this node. */
    private final Map<String, String> resolved = new HashMap<>();

    /** A group's virtual router on this node. */
    private record Running(Group group, IpFamily family, VrrpLink link, VrrpInstance instance, boolean competing) {}

    public VipVerticle(KubernetesClient client, String nodeName, Duration advertInterval, boolean preempt,
            VrrpMetrics metrics, StatusBoard board) {
        this.client = client;
        this.nodeName = nodeName;
        this.advertIntervalCentis = (int) Math.max(1, Math.min(4095, advertInterval.toMillis() / 10));
        this.preempt = preempt;
        this.metrics = metrics;
        this.board = board;
    }

    @Override
    public Future<?> start() {
        context = vertx.getOrCreateContext();
        board.vip(new VipView(nodeName, "", List.of())); // the status page asks at once
        events = new SpeakerEvents(vertx, client, nodeName, () -> snapshot);
        planner = new PacedPlan(context, this::plan);
        links = new VipLinks(vertx, this::received, planner::request);
        Snapshots.follow(vertx, s -> {
            snapshot = s;
            planner.request();
        });
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> stops = new ArrayList<>();
        running.values().forEach(r -> stops.add(r.instance().stop()));
        running.clear();
        return Future.join(stops).eventually(links::closeAll);
    }

    private void plan() {
        ClusterSnapshot s = snapshot;
        if (s == null || !s.synced()) {
            return;
        }
        List<Pool> pools = s.pools().pools().stream().filter(p -> p.protocol() == Protocol.VIP).toList();
        pools.stream().map(Pool::iface).distinct().forEach(this::resolve);
        List<Group> groups = pools.isEmpty() ? List.of()
                : VipPlan.groups(services(s), pools, s.nodeStates(), spec -> resolved.getOrDefault(spec, spec));
        Set<String> ifaces = new HashSet<>();
        groups.forEach(g -> ifaces.add(g.iface()));
        links.open(ifaces);
        Set<String> keep = new HashSet<>();
        for (Group group : groups) {
            VrrpLink link = links.ready(group.iface());
            if (group.vrid() == 0 || link == null) {
                continue;
            }
            keep.add(group.key());
            apply(group, link);
        }
        for (String key : new ArrayList<>(running.keySet())) {
            if (!keep.contains(key)) {
                Running gone = running.remove(key);
                gone.instance().stop().onComplete(x -> metrics.remove(gone.instance().name()));
            }
        }
        links.closeUnused(ifaces);
        report(groups);
        publish(groups);
    }

    /**
     * Looks an Eip's {@code interface} up again on this node ({@code can_reach:} by the route), once per plan
     * and Eip, not per address (a route lookup and an interface enumeration each). One that cannot be resolved
     * keeps its last resolution (the route can be gone for a moment: the link is down), else the plan uses the
     * spec itself (the link then fails to open and says why).
     */
    private void resolve(String spec) {
        try {
            resolved.put(spec, InterfaceLookup.find(InterfaceSpec.parse(spec)));
        } catch (IOException | IllegalArgumentException e) {
            // keep the last resolution
        }
    }

    /** The Services with addresses, with what the plan reads of their annotations. */
    private static List<VipService> services(ClusterSnapshot s) {
        List<VipService> out = new ArrayList<>();
        for (ServiceState state : s.announcedServices()) {
            ServiceModel model = s.service(state.key()).orElse(null);
            if (model == null) {
                continue;
            }
            out.add(new VipService(state, model.createdAt() == null ? "" : model.createdAt(),
                    model.annotation(VipPlan.GROUP).orElse(""), model.annotation(VipPlan.VRID).orElse("")));
        }
        return out;
    }

    /** Starts, reconfigures or stops this node's instance of the group. */
    private void apply(Group group, VrrpLink link) {
        List<IpAddress> v4 = group.addresses().stream().filter(a -> a.family() == IpFamily.IPV4).toList();
        IpFamily family = v4.isEmpty() ? IpFamily.IPV6 : IpFamily.IPV4;
        List<IpAddress> advertised = v4.isEmpty() ? group.addresses() : v4;
        IpAddress primary = link.primary(family);
        // an interface without an address of the family (or gone) is the instance's to wait for: it checks
        // the link and starts once it is usable, and says why meanwhile (its problem)
        boolean competing = group.candidates().contains(nodeName);
        VrrpRouter.Config config = new VrrpRouter.Config(group.vrid(), group.priority(nodeName), advertIntervalCentis,
                preempt, primary, advertised);
        Running current = running.get(group.key());
        if (current != null && (current.family() != family || current.group().vrid() != group.vrid()
                || current.link() != link)) {
            current.instance().stop();
            current = null;
        }
        if (current == null) {
            VrrpInstance instance = new VrrpInstance(vertx, link, group.key(), config, group.addresses(), metrics,
                    this::changed);
            if (competing) {
                instance.start();
            }
            running.put(group.key(), new Running(group, family, link, instance, competing));
            return;
        }
        VrrpInstance instance = current.instance();
        if (competing && !current.competing()) {
            instance.reconfigure(config, group.addresses());
            instance.start();
        } else if (!competing && current.competing()) {
            instance.stop();
        } else if (competing && (!config.equals(instance.config()) || !group.addresses().equals(instance.held()))) {
            instance.reconfigure(config, group.addresses());
        }
        running.put(group.key(), new Running(group, family, link, instance, competing));
    }

    /** An advertisement from the segment: to the group with that VRID on the interface and family. */
    private void received(String iface, VrrpFrames.Captured captured) {
        for (Running r : running.values()) {
            if (r.competing() && r.group().iface().equals(iface) && r.family() == captured.advert().family()
                    && r.group().vrid() == captured.advert().vrid()) {
                r.instance().onAdvert(captured);
                return;
            }
        }
    }

    /** Called by an instance after a change: an Event once this node has configured the group's addresses. */
    private void changed(VrrpInstance instance) {
        Running r = running.get(instance.name());
        if (!instance.holding()) {
            holding.remove(instance.name());
        } else if (r != null && r.instance() == instance && holding.add(instance.name())) {
            for (String service : r.group().services()) {
                events.onService(service, "VipHeld", "node " + nodeName + " holds " + r.group().addresses()
                        + " on " + r.group().iface() + " (VRRP VRID " + r.group().vrid() + ", priority "
                        + r.group().priority(nodeName) + ")");
            }
        }
        planner.request();
    }

    /**
     * Problems of groups, interfaces and instances (e.g. a VRID another router uses for other addresses): one
     * log line and one Warning Event per new problem. A problem of the group itself (every speaker sees it
     * alike) is posted by one speaker only, the first of its candidates; this node's own ones by this node.
     */
    private void report(List<Group> groups) {
        Map<String, String> now = new HashMap<>();
        for (Group g : groups) {
            String linkProblem = links.problem(g.iface());
            String mine = linkProblem.isEmpty() ? "" : "node " + nodeName + ": " + linkProblem;
            Running r = running.get(g.key());
            if (r != null && !r.instance().problem().isEmpty()) {
                mine = join(mine, "node " + nodeName + ": " + r.instance().problem());
            }
            boolean postsGroupProblems = g.candidates().isEmpty() ? nodeName.equals(firstNode())
                    : nodeName.equals(g.candidates().stream().sorted().findFirst().orElse(""));
            String problem = join(g.problem(), mine);
            if (problem.isEmpty()) {
                continue;
            }
            now.put(g.key(), problem);
            if (!problem.equals(reportedProblems.get(g.key()))) {
                LOG.warn("VIP group {}: {}", g.key(), problem);
                String posted = postsGroupProblems ? problem : mine;
                if (!posted.isEmpty()) {
                    g.services().forEach(service -> events.warnOnService(service, "VipProblem", posted));
                }
            }
        }
        reportedProblems.clear();
        reportedProblems.putAll(now);
    }

    /** The first node of the cluster by name: posts the problems of a group no node may hold. */
    private String firstNode() {
        ClusterSnapshot s = snapshot;
        return s == null ? "" : s.nodes().keySet().stream().sorted().findFirst().orElse("");
    }

    private void publish(List<Group> groups) {
        List<VipView.Instance> instances = new ArrayList<>();
        for (Group g : groups) {
            Running r = running.get(g.key());
            String state = "initialize";
            String master = "";
            String problem = reportedProblems.getOrDefault(g.key(), "");
            if (r != null) {
                state = r.instance().state().name().toLowerCase(Locale.ROOT);
                master = r.instance().master() == null ? "" : r.instance().master().toString();
                if (!r.competing()) {
                    problem = join(problem, "this node may not hold the group (not Ready, excluded, or no local "
                            + "endpoint)");
                }
            }
            instances.add(new VipView.Instance(g.key(), g.iface(), g.vrid(),
                    r == null ? "" : r.family().name().toLowerCase(Locale.ROOT),
                    state, master, r != null && r.competing() ? g.priority(nodeName) : 0,
                    g.addresses().stream().map(IpAddress::toString).toList(), g.services(), "", problem));
        }
        board.vip(new VipView(nodeName, "", instances));
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }
}
