package io.openelb.announce;

import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which nodes announce each BGP address ({@link BgpPlan#announcers}, the policy's node selection applied),
 * kept up to date one Service at a time: a change of one Service costs that Service, not every Service.
 * Several Services may share an address (sharing key); its announcers are the union of theirs. Not
 * thread-safe: its owner (the speaker's event loop) alone calls it, and reads {@link #announcers()} there.
 */
public final class Announcements {
    private static final SortedSet<String> EMPTY = Collections.emptySortedSet();

    /** Address to the Services holding it, each with the nodes that announce it for that Service. */
    private final Map<IpAddress, Map<String, SortedSet<String>>> byAddress = new HashMap<>();
    private final Map<String, ServiceState> services = new HashMap<>();
    /** Every address of a Service (of a BGP pool or not) to the Services holding it. */
    private final Map<IpAddress, Set<String>> holders = new HashMap<>();
    private final Map<IpAddress, SortedSet<String>> announcers = new HashMap<>();
    private final Map<IpAddress, SortedSet<String>> view = Collections.unmodifiableMap(announcers);

    /** Address to the names of the nodes announcing it: a live, read-only view. */
    public Map<IpAddress, SortedSet<String>> announcers() {
        return view;
    }

    /** The Services holding an address now, whether its pool is a BGP pool or not (none once they let it go). */
    public List<ServiceState> servicesOf(IpAddress address) {
        return holders.getOrDefault(address, Set.of()).stream().sorted().map(services::get).toList();
    }

    /** Every address now announced by some node. */
    public Set<IpAddress> addresses() {
        return view.keySet();
    }

    /** {@link #replaceAll(Collection, Collection, Collection, RoutePolicy)} without an advertisement policy. */
    public Set<IpAddress> replaceAll(Collection<ServiceState> all, Collection<NodeState> nodes, Collection<Pool> pools) {
        return replaceAll(all, nodes, pools, RoutePolicy.ANNOUNCE_ALL);
    }

    /**
     * Starts again from every Service, with the policy's node selection ({@link RoutePolicy#fromNode}):
     * what a changed policy needs. Returns the addresses whose announcers changed.
     */
    public Set<IpAddress> replaceAll(Collection<ServiceState> all, Collection<NodeState> nodes, Collection<Pool> pools,
            RoutePolicy policy) {
        Map<IpAddress, SortedSet<String>> before = new HashMap<>(announcers);
        byAddress.clear();
        services.clear();
        holders.clear();
        announcers.clear();
        for (ServiceState service : all) {
            add(service, nodes, pools, policy);
        }
        byAddress.keySet().forEach(this::refresh);
        Set<IpAddress> changed = new HashSet<>(before.keySet());
        changed.addAll(announcers.keySet());
        changed.removeIf(a -> announcers.getOrDefault(a, EMPTY).equals(before.getOrDefault(a, EMPTY)));
        return changed;
    }

    /** {@link #update(String, ServiceState, Collection, Collection, RoutePolicy)} without an advertisement policy. */
    public Set<IpAddress> update(String key, ServiceState service, Collection<NodeState> nodes,
            Collection<Pool> pools) {
        return update(key, service, nodes, pools, RoutePolicy.ANNOUNCE_ALL);
    }

    /**
     * One Service changed, or went ({@code service} null); returns the addresses whose announcers changed.
     * The policy is the one of the last {@link #replaceAll}: a changed policy needs a replaceAll.
     */
    public Set<IpAddress> update(String key, ServiceState service, Collection<NodeState> nodes,
            Collection<Pool> pools, RoutePolicy policy) {
        Set<IpAddress> touched = new HashSet<>();
        ServiceState old = services.remove(key);
        if (old != null) {
            for (IpAddress address : old.addresses()) {
                holders.computeIfPresent(address, (a, keys) -> CopyOnWrite.minus(keys, key));
                if (byAddress.getOrDefault(address, Map.of()).containsKey(key)) {
                    touched.add(address);
                    byAddress.computeIfPresent(address, (a, held) -> CopyOnWrite.minus(held, key));
                }
            }
        }
        if (service != null) {
            touched.addAll(add(service, nodes, pools, policy));
        }
        Set<IpAddress> changed = new HashSet<>();
        for (IpAddress address : touched) {
            SortedSet<String> was = announcers.getOrDefault(address, EMPTY);
            if (!refresh(address).equals(was)) {
                changed.add(address);
            }
        }
        return changed;
    }

    /** Records the Service's BGP addresses with their announcers; returns them. */
    private Set<IpAddress> add(ServiceState service, Collection<NodeState> nodes, Collection<Pool> pools,
            RoutePolicy policy) {
        String key = service.key();
        services.put(key, service);
        Set<IpAddress> added = new HashSet<>();
        for (IpAddress address : service.addresses()) {
            holders.compute(address, (a, keys) -> CopyOnWrite.plus(keys, key));
            if (pools.stream().noneMatch(p -> p.protocol() == Protocol.BGP && p.range().contains(address))) {
                continue;
            }
            SortedSet<String> names = new TreeSet<>();
            for (NodeState node : nodes) {
                if (BgpPlan.shouldAnnounce(node, service).isEmpty() && policy.fromNode(node.name(), address)) {
                    names.add(node.name());
                }
            }
            byAddress.compute(address, (a, held) -> CopyOnWrite.plus(held, key, names));
            added.add(address);
        }
        return added;
    }

    /** Sets an address's announcers to the union of its Services'; returns them (empty: not announced). */
    private SortedSet<String> refresh(IpAddress address) {
        Map<String, SortedSet<String>> held = byAddress.getOrDefault(address, Map.of());
        // nearly always one Service holds the address: its nodes are the union, no copy needed
        SortedSet<String> all = held.size() == 1 ? held.values().iterator().next() : union(held.values());
        if (all.isEmpty()) {
            announcers.remove(address);
            return EMPTY;
        }
        announcers.put(address, all);
        return all;
    }

    private static SortedSet<String> union(Collection<SortedSet<String>> sets) {
        SortedSet<String> all = new TreeSet<>();
        sets.forEach(all::addAll);
        return all;
    }
}
