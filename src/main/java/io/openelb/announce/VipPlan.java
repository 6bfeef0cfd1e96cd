package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The VIP mode's groups: which addresses move together, on which interface, under which VRRP virtual
 * router id, and with what priority each node competes. Every speaker computes the same groups from the
 * same snapshot, so the VRIDs and priorities agree without talking; the election itself is VRRP's.
 *
 * <p>A group is a Service's addresses from {@code vip} Eips (its IPv4 and IPv6 address move together),
 * joined with the Services that share the annotation {@link #GROUP} value in its namespace and with the
 * Services that share one of its addresses ({@code allow-shared-ip}). Addresses on different interfaces
 * cannot move together: such a group is split per interface and says so.
 *
 * <p>VRIDs: a Service may ask for one ({@link #VRID}, to join an existing keepalived instance); the others
 * get one derived from the group's key, probing upwards past the VRIDs taken on the interface, older
 * groups first, so a new group never moves an existing one's VRID.
 */
public final class VipPlan {
    /** On a Service: the VIP group it belongs to (in its namespace); its addresses move with the group's. */
    public static final String GROUP = "vip.openelb.kubesphere.io/group";
    /** On a Service: the VRRP virtual router id (1..255) of its group, e.g. to join a keepalived instance. */
    public static final String VRID = "vip.openelb.kubesphere.io/vrid";
    /** Priorities this project's speakers use; a keepalived peer above always wins, below always backs up. */
    public static final int LOWEST_PRIORITY = 50;
    public static final int HIGHEST_PRIORITY = 150;

    private VipPlan() {}

    /**
     * A Service as the VIP plan reads it.
     *
     * @param createdAt RFC 3339 creation time (orders groups: older first)
     * @param group     the {@link #GROUP} annotation, "" when absent
     * @param vrid      the {@link #VRID} annotation as written, "" when absent
     */
    public record VipService(ServiceState state, String createdAt, String group, String vrid) {}

    /**
     * One group on one interface.
     *
     * @param key        the group's name: {@code namespace/group} or the oldest Service's key, plus
     *                   {@code @interface} when the group spans interfaces
     * @param vrid       0 when none could be given (see {@code problem})
     * @param addresses  sorted, both families
     * @param services   the Services' keys, sorted
     * @param candidates the nodes that may hold the group (Ready, not excluded, and for
     *                   {@code externalTrafficPolicy: Local} a ready endpoint of every Service)
     * @param problem    "" or why the group is served differently from what its Services ask
     */
    public record Group(String key, String iface, int vrid, List<IpAddress> addresses, List<String> services,
            Set<String> candidates, String problem) {
        /** This node's VRRP priority for the group, the same on every speaker that sees the same candidates. */
        public int priority(String node) {
            return priorityOf(node, key, candidates);
        }
    }

    /** {@link #groups(Collection, Collection, Collection, Function)} with every Eip's interface as written. */
    public static List<Group> groups(Collection<VipService> services, Collection<Pool> pools,
            Collection<NodeState> nodes) {
        return groups(services, pools, nodes, Function.identity());
    }

    /**
     * The groups of the Services' addresses that come from valid {@code vip} pools, ordered by key.
     *
     * @param interfaceOf an Eip's {@code interface} as this node resolves it ({@code can_reach:} to a name), so
     *                    that pools written differently but on one interface form one group
     */
    public static List<Group> groups(Collection<VipService> services, Collection<Pool> pools,
            Collection<NodeState> nodes, Function<String, String> interfaceOf) {
        List<Pool> vipPools = pools.stream().filter(p -> p.protocol() == Protocol.VIP && !p.disabled()).toList();
        List<Member> members = new ArrayList<>();
        for (VipService s : services) {
            List<IpAddress> addresses = s.state().addresses().stream()
                    .filter(a -> vipPools.stream().anyMatch(p -> p.range().contains(a)))
                    .toList();
            if (!addresses.isEmpty()) {
                members.add(new Member(s, addresses));
            }
        }
        members.sort(Comparator.comparing((Member m) -> m.service.createdAt()).thenComparing(Member::key));
        List<List<Member>> joined = join(members);
        List<Draft> drafts = new ArrayList<>();
        for (List<Member> group : joined) {
            drafts.addAll(perInterface(group, vipPools, interfaceOf));
        }
        return assignVrids(drafts, nodes);
    }

    private record Member(VipService service, List<IpAddress> addresses) {
        String key() {
            return service.state().key();
        }

        String base() {
            if (service.group().isEmpty()) {
                return key();
            }
            return key().substring(0, key().indexOf('/') + 1) + service.group();
        }
    }

    /** Members joined by group name and by shared address; each list keeps the members' age order. */
    private static List<List<Member>> join(List<Member> members) {
        int[] parent = new int[members.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<String, Integer> firstByBase = new HashMap<>();
        Map<IpAddress, Integer> firstByAddress = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            Integer sameBase = firstByBase.putIfAbsent(m.base(), i);
            if (sameBase != null) {
                union(parent, i, sameBase);
            }
            for (IpAddress a : m.addresses()) {
                Integer sameAddress = firstByAddress.putIfAbsent(a, i);
                if (sameAddress != null) {
                    union(parent, i, sameAddress);
                }
            }
        }
        Map<Integer, List<Member>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            byRoot.computeIfAbsent(root(parent, i), r -> new ArrayList<>()).add(members.get(i));
        }
        return new ArrayList<>(byRoot.values());
    }

    private static void union(int[] parent, int a, int b) {
        int ra = root(parent, a);
        int rb = root(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            i = parent[i];
        }
        return i;
    }

    /** A group before its VRID: age order is the order of its oldest member. */
    private record Draft(String key, String iface, List<Member> members, TreeSet<IpAddress> addresses,
            String problem) {}

    private static List<Draft> perInterface(List<Member> group, List<Pool> pools, Function<String, String> interfaceOf) {
        Map<String, TreeSet<IpAddress>> byIface = new TreeMap<>();
        Map<String, List<Member>> membersByIface = new TreeMap<>();
        for (Member m : group) {
            for (IpAddress a : m.addresses()) {
                String iface = interfaceOf.apply(
                        pools.stream().filter(p -> p.range().contains(a)).findFirst().orElseThrow().iface());
                byIface.computeIfAbsent(iface, i -> new TreeSet<>()).add(a);
                List<Member> list = membersByIface.computeIfAbsent(iface, i -> new ArrayList<>());
                if (!list.contains(m)) {
                    list.add(m);
                }
            }
        }
        String base = group.get(0).base();
        boolean split = byIface.size() > 1;
        List<Draft> out = new ArrayList<>();
        byIface.forEach((iface, addresses) -> out.add(new Draft(split ? base + "@" + iface : base, iface,
                membersByIface.get(iface), addresses, split ? "the group's addresses are on interfaces "
                        + byIface.keySet() + ": each interface's addresses move on their own" : "")));
        return out;
    }

    /**
     * VRIDs per interface, oldest group first, requested and derived alike: a group keeps its VRID whatever
     * newer groups ask for (a newer request for a taken VRID gets another and a problem).
     */
    private static List<Group> assignVrids(List<Draft> drafts, Collection<NodeState> nodes) {
        Map<String, Map<Integer, String>> taken = new HashMap<>();
        Map<Draft, Integer> vrids = new IdentityHashMap<>();
        Map<Draft, String> problems = new IdentityHashMap<>();
        for (Draft d : drafts) {
            Map<Integer, String> onIface = taken.computeIfAbsent(d.iface(), i -> new HashMap<>());
            Optional<Integer> requested = requested(d, problems);
            if (requested.isPresent()) {
                String holder = onIface.putIfAbsent(requested.get(), d.key());
                if (holder == null) {
                    vrids.put(d, requested.get());
                    continue;
                }
                problems.merge(d, "VRID " + requested.get() + " on " + d.iface() + " is already used by group "
                        + holder + ": this group uses another", VipPlan::both);
            }
            int start = (int) Long.remainderUnsigned(StableHash.of(d.key()), 255) + 1;
            for (int i = 0; i < 255 && !vrids.containsKey(d); i++) {
                int vrid = (start - 1 + i) % 255 + 1;
                if (onIface.putIfAbsent(vrid, d.key()) == null) {
                    vrids.put(d, vrid);
                }
            }
            if (!vrids.containsKey(d)) {
                problems.merge(d, "no VRID is free on " + d.iface() + " (255 groups use it): nobody holds the group",
                        VipPlan::both);
            }
        }
        List<Group> out = new ArrayList<>();
        for (Draft d : drafts) {
            List<ServiceState> states = d.members().stream().map(m -> m.service().state()).toList();
            Set<String> candidates = new TreeSet<>();
            for (NodeState n : nodes) {
                if (states.stream().allMatch(s -> BgpPlan.shouldAnnounce(n, s).isEmpty())) {
                    candidates.add(n.name());
                }
            }
            out.add(new Group(d.key(), d.iface(), vrids.getOrDefault(d, 0), List.copyOf(d.addresses()),
                    d.members().stream().map(Member::key).sorted().toList(), Set.copyOf(candidates),
                    both(d.problem(), problems.getOrDefault(d, ""))));
        }
        out.sort(Comparator.comparing(Group::key));
        return out;
    }

    /** The VRID the group's oldest Service that asks for one asks for; a bad value is a problem. */
    private static Optional<Integer> requested(Draft d, Map<Draft, String> problems) {
        for (Member m : d.members()) {
            String text = m.service().vrid();
            if (text.isEmpty()) {
                continue;
            }
            try {
                int vrid = Integer.parseInt(text.trim());
                if (vrid >= 1 && vrid <= 255) {
                    return Optional.of(vrid);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.put(d, "Service " + m.key() + ": annotation " + VRID + " '" + text
                    + "' is not a number 1-255: the group uses a VRID of its own");
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String both(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    /**
     * A node's priority for a group among its candidates: the candidates ranked by a hash of node and group
     * key (so the groups spread over the nodes), the first {@link #HIGHEST_PRIORITY}, each next one 1 lower,
     * down to {@link #LOWEST_PRIORITY}. Distinct because VRRP never hands a group back to a returning node of
     * merely equal priority (RFC 5798 6.4.2): with a tie the holder would depend on which started first. A
     * node that is no candidate gets the priority it would have as one. Every speaker computes the same.
     */
    public static int priorityOf(String node, String groupKey, Collection<String> candidates) {
        Comparator<String> rank = Comparator.comparingLong((String n) -> StableHash.of(n + '\0' + groupKey))
                .thenComparing(Comparator.naturalOrder());
        long above = candidates.stream().filter(c -> !c.equals(node) && rank.compare(c, node) > 0).count();
        return (int) Math.max(LOWEST_PRIORITY, HIGHEST_PRIORITY - above);
    }
}
