package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Events on Services about their BGP announcements, for the whole cluster, and which node posts each.
 * An Event only when an address goes from announced by no node to announced by at least one
 * ({@link #ANNOUNCED}) and back ({@link #WITHDRAWN}): which nodes announce while at least one does is
 * node-level detail (the speakers' metrics and status API show it), so the Events on a Service do not grow
 * with the nodes. The announcers and the poster come from the snapshot alone (every node that
 * {@link BgpPlan#shouldAnnounce} allows and that has an Established BGP session, as the speakers write in
 * the BgpPeers' status), so every speaker fed the same snapshots reaches the same Events and the same
 * poster without talking to the others, and the poster is a node whose speaker runs. Plans are paced: a
 * speaker that planned an intermediate snapshot another skipped may see a change the other does not (or
 * name another poster), so in a burst an Event may be posted twice; never once per node. Where that would
 * name no poster at all (the set of nodes with Established sessions changing: node a sees an address
 * announced while only b peers and names b, b sees it one snapshot later, when a peers too, and names a),
 * the decisions wait until that set has held still for {@code peeringStill} (given to the constructor):
 * then every speaker decides on the same set, unless it changes again just as that time ends.
 *
 * <p>The first call records the state and reports nothing (a restarted speaker does not repeat every
 * Service's Event). An address its Service no longer holds is not reported: the Service let it go (the
 * controller's Events say so). Work per call: the changed Services' addresses, or every address when the
 * nodes, the pools or the nodes with Established sessions changed; a node list only for an address that
 * changes.
 * Not thread-safe: its owner (the speaker's event loop) alone calls it.
 */
public final class ClusterAnnouncementEvents {
    public static final String ANNOUNCED = "BgpAnnounced";
    public static final String WITHDRAWN = "BgpWithdrawn";
    /** Node names an Event lists before "and N more". */
    static final int NAMES_SHOWN = 5;

    /**
     * The cluster as one snapshot shows it. Maps that did not change are expected to be the same objects as in
     * the previous call (the snapshot shares them), so an unchanged cluster costs no comparison.
     *
     * @param nodes    every node by name
     * @param services the Services that hold addresses, by key
     * @param peering  the nodes with at least one Established BGP session, as their speakers reported it in
     *                 the BgpPeers' status: a node without one announces nothing (no speaker runs there, no
     *                 BgpPeer selects it, or its sessions are down)
     */
    public record Inputs(Map<String, NodeState> nodes, Map<String, ServiceState> services, Collection<Pool> pools,
            Set<String> peering) {}

    /** One Event on a Service, to be posted by the node {@code poster} alone. */
    public record ServiceEvent(String service, IpAddress address, String reason, String message, String poster) {}

    private final long peeringStillNanos;
    private Inputs last;
    private boolean lastAnyEligible;
    /** The previous call's set of nodes with Established sessions, and since when (nanos) it has been so. */
    private Set<String> peering;
    private long peeringSince;
    /** Decisions wait for the peering to hold still; the next decision compares every address. */
    private boolean waiting;
    /** Address to the keys of the Services holding it in {@link #last}. */
    private Map<IpAddress, Set<String>> holders = new HashMap<>();

    /** Decides at once, whatever the peering does (tests of one speaker's view). */
    public ClusterAnnouncementEvents() {
        this(Duration.ZERO);
    }

    /** @param peeringStill how long the set of peering nodes must be unchanged before Events are decided */
    public ClusterAnnouncementEvents(Duration peeringStill) {
        this.peeringStillNanos = peeringStill.toNanos();
    }

    /**
     * The Events between the previous call's cluster and this one, sorted by Service and address.
     *
     * @param changed keys of the Services whose entry may have changed since the previous call (read during
     *                the call only); null: any may have
     */
    public List<ServiceEvent> next(Inputs now, Set<String> changed) {
        if (peeringStillNanos != 0) {
            throw new IllegalStateException("give the time: next(now, changed, nanos)");
        }
        return next(now, changed, 0);
    }

    /**
     * As {@link #next(Inputs, Set)}, at {@code nanos} (a monotonic clock): nothing while the peering has
     * changed less than {@code peeringStill} ago ({@link #waiting()}: call again with the same cluster later).
     */
    public List<ServiceEvent> next(Inputs now, Set<String> changed, long nanos) {
        if (!now.peering().equals(peering)) {
            peering = now.peering();
            peeringSince = nanos;
        }
        if (last != null && nanos - peeringSince < peeringStillNanos) {
            waiting = true;
            return List.of();
        }
        boolean catchUp = waiting;
        waiting = false;
        boolean samePeering = last != null && now.peering().equals(last.peering());
        boolean anyEligible = last != null && now.nodes() == last.nodes() && samePeering ? lastAnyEligible
                : now.peering().stream().map(now.nodes()::get).anyMatch(n -> n != null && n.ready() && !n.excluded());
        if (last == null) {
            holders = index(now.services());
            remember(now, anyEligible);
            return List.of();
        }
        boolean all = changed == null || catchUp || !samePeering || now.pools() != last.pools()
                || now.nodes() != last.nodes() && !now.nodes().equals(last.nodes());
        Map<IpAddress, Set<String>> before;
        if (all) {
            before = holders;
            holders = index(now.services());
        } else {
            before = reindex(now, changed);
        }
        Set<IpAddress> candidates = new HashSet<>(before.keySet());
        if (all) {
            candidates.addAll(holders.keySet());
        }
        List<ServiceEvent> out = new ArrayList<>();
        for (IpAddress address : candidates) {
            Set<String> was = before.getOrDefault(address, Set.of());
            Set<String> is = holders.getOrDefault(address, Set.of());
            boolean wasAnnounced = announced(address, last, was, lastAnyEligible);
            if (wasAnnounced != announced(address, now, is, anyEligible)) {
                List<ServiceState> services = is.stream().sorted().map(now.services()::get).filter(Objects::nonNull)
                        .toList();
                out.addAll(wasAnnounced ? withdrawn(address, services, announcers(address, last, was), now)
                        : announced(address, services, announcers(address, now, is)));
            }
        }
        remember(now, anyEligible);
        out.sort(Comparator.comparing(ServiceEvent::service).thenComparing(ServiceEvent::address));
        return out;
    }

    /** Whether decisions wait for the peering to hold still: call again (with the same cluster) after it. */
    public boolean waiting() {
        return waiting;
    }

    private void remember(Inputs now, boolean anyEligible) {
        last = now;
        lastAnyEligible = anyEligible;
    }

    private static Map<IpAddress, Set<String>> index(Map<String, ServiceState> services) {
        Map<IpAddress, Set<String>> out = new HashMap<>();
        services.values().forEach(s -> s.addresses().forEach(a -> out.compute(a, (x, keys) ->
                CopyOnWrite.plus(keys, s.key()))));
        return out;
    }

    /** Moves the changed Services in the index; returns the holders, before, of every address they touch. */
    private Map<IpAddress, Set<String>> reindex(Inputs now, Set<String> changed) {
        Map<IpAddress, Set<String>> before = new HashMap<>();
        for (String key : changed) {
            for (Map<String, ServiceState> services : List.of(last.services(), now.services())) {
                ServiceState service = services.get(key);
                if (service != null) {
                    service.addresses().forEach(a -> before.computeIfAbsent(a, x -> holders.getOrDefault(x, Set.of())));
                }
            }
        }
        for (String key : changed) {
            ServiceState old = last.services().get(key);
            if (old != null) {
                old.addresses().forEach(a -> holders.computeIfPresent(a, (x, keys) -> CopyOnWrite.minus(keys, key)));
            }
            ServiceState service = now.services().get(key);
            if (service != null) {
                service.addresses().forEach(a -> holders.compute(a, (x, keys) -> CopyOnWrite.plus(keys, key)));
            }
        }
        return before;
    }

    /** Whether some node announces the address: without naming them, cheap for every address. */
    private static boolean announced(IpAddress address, Inputs in, Set<String> holders, boolean anyEligible) {
        if (in.peering().isEmpty() || !inBgpPool(address, in.pools())) {
            return false;
        }
        for (String key : holders) {
            ServiceState service = in.services().get(key);
            if (service == null) {
                continue;
            }
            if (!service.localTrafficOnly() ? anyEligible : service.nodesWithReadyEndpoints().stream()
                    .filter(in.peering()::contains).map(in.nodes()::get)
                    .anyMatch(n -> n != null && BgpPlan.shouldAnnounce(n, service).isEmpty())) {
                return true;
            }
        }
        return false;
    }

    /** The names of the nodes announcing an address: for an address that changed only. */
    private static SortedSet<String> announcers(IpAddress address, Inputs in, Set<String> holders) {
        SortedSet<String> out = new TreeSet<>();
        for (String key : holders) {
            ServiceState service = in.services().get(key);
            if (service == null) {
                continue;
            }
            Collection<String> names = service.localTrafficOnly() ? service.nodesWithReadyEndpoints()
                    : in.nodes().keySet();
            names.stream().filter(n -> in.peering().contains(n) && in.nodes().containsKey(n)
                    && BgpPlan.shouldAnnounce(in.nodes().get(n), service).isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static boolean inBgpPool(IpAddress address, Collection<Pool> pools) {
        return pools.stream().anyMatch(p -> p.protocol() == Protocol.BGP && p.range().contains(address));
    }

    /** Posted by the first announcer: a node every speaker names alike, and one that runs a speaker. */
    private static List<ServiceEvent> announced(IpAddress address, List<ServiceState> services,
            SortedSet<String> announcers) {
        String message = address + " announced over BGP by " + announcers.size()
                + (announcers.size() == 1 ? " node: " : " nodes: ") + names(announcers);
        return services.stream().map(s -> new ServiceEvent(s.key(), address, ANNOUNCED, message,
                announcers.first())).toList();
    }

    /**
     * Posted by the first previous announcer that is still Ready (its speaker most likely runs), else by the
     * first Ready node, else by the first previous announcer: someone every speaker names alike.
     */
    private static List<ServiceEvent> withdrawn(IpAddress address, List<ServiceState> services,
            SortedSet<String> previous, Inputs now) {
        String poster = previous.stream().filter(n -> ready(now, n)).findFirst()
                .or(() -> now.nodes().keySet().stream().filter(n -> ready(now, n)).min(Comparator.naturalOrder()))
                .orElse(previous.first());
        return services.stream().map(s -> new ServiceEvent(s.key(), address, WITHDRAWN, address
                + " withdrawn from BGP, no node announces it any more: " + why(address, s, previous, now),
                poster)).toList();
    }

    private static boolean ready(Inputs in, String node) {
        NodeState state = in.nodes().get(node);
        return state != null && state.ready();
    }

    /** Why the previous announcers stopped, in words: one reason for all of them, or each with its nodes. */
    private static String why(IpAddress address, ServiceState service, SortedSet<String> previous, Inputs now) {
        if (!inBgpPool(address, now.pools())) {
            return BgpPlan.explain("notInBgpEip");
        }
        Map<String, SortedSet<String>> nodesByReason = new TreeMap<>();
        for (String node : previous) {
            NodeState state = now.nodes().get(node);
            String why = state == null ? "nodeDeleted" : BgpPlan.shouldAnnounce(state, service);
            if (why.isEmpty()) {
                why = "noBgpSession";
            }
            nodesByReason.computeIfAbsent(why, w -> new TreeSet<>()).add(node);
        }
        List<String> parts = new ArrayList<>();
        nodesByReason.forEach((why, nodes) -> parts.add(BgpPlan.explain(why) + " (" + names(nodes) + ")"));
        return String.join("; ", parts);
    }

    /** The first {@link #NAMES_SHOWN} names, and how many more. */
    static String names(SortedSet<String> nodes) {
        String shown = String.join(", ", nodes.stream().limit(NAMES_SHOWN).toList());
        return nodes.size() > NAMES_SHOWN ? shown + " and " + (nodes.size() - NAMES_SHOWN) + " more" : shown;
    }
}
