package io.openelb.announce;

import io.openelb.bgp.codec.LargeCommunity;
import io.openelb.model.BgpAdvertisementDefinition;
import io.openelb.model.BgpAdvertisementSet;
import io.openelb.model.Communities;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.NodeModel;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import io.openelb.model.RouteOverride;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The BgpAdvertisements in effect, resolved against the cluster's BGP Eips, BgpPeers and nodes, plus the
 * Services' annotation overrides. Built when the advertisements, Eips, BgpPeers or nodes change; read on the
 * thread that keeps its overrides map up to date (the speaker's event loop). A lookup finds the address's Eip by binary search and reads precomputed values: the speaker calls
 * it for every address on every sync.
 *
 * <p>An address is announced to a peer when at least one advertisement in effect selects its Eip and the
 * peer, and from a node when one selects its Eip and the node. Without any advertisement in effect, every
 * address goes to every peer from every node, as in OpenELB. An address outside every BGP Eip is announced
 * only then.
 *
 * <p>Several advertisements for one address and peer merge: the union of their communities and large
 * communities; LOCAL_PREF the highest and MED the lowest. Both are the most preferred value (RFC 4271 section
 * 9.1.2.2), so adding an advertisement never makes a route less preferred than another one asked for, and the
 * result does not depend on the order the objects are read. A Service's annotations then add communities
 * and replace LOCAL_PREF and MED for its addresses ({@link RouteOverride}), with or without advertisements.
 *
 * <p>Their aggregation lengths merge too: the longest wins ({@link #prefixLength}). A longer prefix never
 * announces more address space than any advertisement of the address asked for (a host route stays a host
 * route when one advertisement wants it so), routers still reach every address by longest match, and again
 * the order of the objects does not matter. A length shorter than the Eip's own range is allowed: the covering
 * prefix then holds addresses outside the Eip too, as the operator asked.
 *
 * <p>{@link #toPeer} and {@link #fromNode} each look at one side: an advertisement for peer X from node A and
 * another for peer Y from node B let the routes of A reach Y through this interface. A speaker that wants the
 * pairs exact asks {@link #forNode} for the view of the node that announces.
 */
public final class AdvertisementPolicy implements RoutePolicy {
    private final boolean everything;
    private final List<BgpAdvertisementDefinition> definitions;
    private final Map<String, Map<String, String>> peerLabels;
    private final Map<String, BitSet> nodeSelections;
    private final NavigableMap<IpAddress, PoolRoutes> byFirstAddress;
    private final Map<IpAddress, RouteOverride> overrides;
    private final Map<String, AdvertisementPolicy> byNode = new ConcurrentHashMap<>();

    /**
     * One BGP Eip: the advertisements (indices into {@code definitions}) that select it, those of them that
     * send its routes (all of them, or those of one node in {@link #forNode}), and the merged routes per
     * known peer for those that select the peer too; absent peer: not announced to it.
     */
    private record PoolRoutes(Pool pool, BitSet selecting, BitSet sending, Map<String, ToPeer> toPeer) {}

    /** What the advertisements of an Eip send one peer: their merged attributes and prefix length. */
    private record ToPeer(RouteAttributes attributes, int prefixLength) {}

    private AdvertisementPolicy(boolean everything, List<BgpAdvertisementDefinition> definitions,
            Map<String, Map<String, String>> peerLabels, Map<String, BitSet> nodeSelections,
            NavigableMap<IpAddress, PoolRoutes> byFirstAddress, Map<IpAddress, RouteOverride> overrides) {
        this.everything = everything;
        this.definitions = definitions;
        this.peerLabels = peerLabels;
        this.nodeSelections = nodeSelections;
        this.byFirstAddress = byFirstAddress;
        this.overrides = overrides;
    }

    /**
     * The policy of a snapshot.
     *
     * @param advertisements the set in effect ({@link BgpAdvertisementSet#next})
     * @param pools          the valid Eips; only those of protocol bgp are announced
     * @param eipLabels      each Eip's labels, by name (an Eip absent here has none)
     * @param peerLabels     every BgpPeer's labels, by name
     * @param nodes          every node
     * @param overrides      the Services' overrides by address ({@link RouteOverride#byAddress}); not copied:
     *                       the speaker passes the map it keeps up to date one Service at a time, and reads
     *                       this policy only on the thread that updates it (a copy per change would cost
     *                       every Service)
     */
    public static AdvertisementPolicy of(BgpAdvertisementSet advertisements, Collection<Pool> pools,
            Map<String, Map<String, String>> eipLabels, Map<String, Map<String, String>> peerLabels,
            Collection<NodeModel> nodes, Map<IpAddress, RouteOverride> overrides) {
        List<BgpAdvertisementDefinition> definitions = advertisements.effective().values().stream()
                .sorted(Comparator.comparing(BgpAdvertisementDefinition::name)).toList();
        Map<String, BitSet> nodeSelections = new HashMap<>();
        for (NodeModel node : nodes) {
            nodeSelections.put(node.name(), selecting(definitions, d -> d.selectsNode(node.labels())));
        }
        NavigableMap<IpAddress, PoolRoutes> byFirstAddress = new TreeMap<>();
        for (Pool pool : pools) {
            if (pool.protocol() != Protocol.BGP) {
                continue;
            }
            Map<String, String> labels = eipLabels.getOrDefault(pool.name(), Map.of());
            BitSet selecting = selecting(definitions, d -> d.selectsEip(pool.name(), labels));
            byFirstAddress.put(pool.range().first(),
                    new PoolRoutes(pool, selecting, selecting, perPeer(definitions, pool, selecting, peerLabels)));
        }
        return new AdvertisementPolicy(definitions.isEmpty(), definitions, Map.copyOf(peerLabels),
                Map.copyOf(nodeSelections), byFirstAddress, overrides);
    }

    /**
     * This policy as the speaker of {@code node} applies it to its own routes: {@link #toPeer} merges only the
     * advertisements that select that node, so each peer gets exactly the routes an advertisement sends it
     * from this node, with their attributes. {@link #fromNode} answers as the whole policy does.
     */
    @Override
    public AdvertisementPolicy forNode(String node) {
        return everything ? this : byNode.computeIfAbsent(node, this::narrowedTo);
    }

    private AdvertisementPolicy narrowedTo(String node) {
        BitSet ofNode = nodeSelection(node);
        NavigableMap<IpAddress, PoolRoutes> narrowed = new TreeMap<>();
        byFirstAddress.forEach((first, routes) -> {
            BitSet sending = (BitSet) routes.selecting().clone();
            sending.and(ofNode);
            narrowed.put(first, new PoolRoutes(routes.pool(), routes.selecting(), sending,
                    perPeer(definitions, routes.pool(), sending, peerLabels)));
        });
        return new AdvertisementPolicy(false, definitions, peerLabels, nodeSelections, narrowed, overrides);
    }

    @Override
    public RouteAttributes toPeer(String peer, IpAddress address) {
        RouteAttributes attributes = sharedToPeer(peer, address);
        RouteOverride override = attributes == null ? null : overrides.get(address);
        return override == null ? attributes : apply(attributes, override);
    }

    /** The advertisements' attributes alone, without the Service's overrides. */
    @Override
    public RouteAttributes sharedToPeer(String peer, IpAddress address) {
        if (everything) {
            return RouteAttributes.NONE;
        }
        ToPeer routes = routesToPeer(peer, address);
        return routes == null ? null : routes.attributes();
    }

    /** The longest aggregation length of the advertisements that send {@code address} to {@code peer}. */
    @Override
    public int prefixLength(String peer, IpAddress address) {
        ToPeer routes = everything ? null : routesToPeer(peer, address);
        return routes == null ? address.family().bits() : routes.prefixLength();
    }

    private ToPeer routesToPeer(String peer, IpAddress address) {
        PoolRoutes routes = routesOf(address);
        if (routes == null) {
            return null;
        }
        ToPeer toPeer = routes.toPeer().get(peer);
        if (toPeer == null && !peerLabels.containsKey(peer)) {
            // a BgpPeer newer than this snapshot: only the advertisements that select every peer reach it
            toPeer = merge(definitions, routes.pool(), routes.sending(), peer, Map.of());
        }
        return toPeer;
    }

    @Override
    public boolean fromNode(String node, IpAddress address) {
        if (everything) {
            return true;
        }
        PoolRoutes routes = routesOf(address);
        return routes != null && routes.selecting().intersects(nodeSelection(node));
    }

    private BitSet nodeSelection(String node) {
        BitSet known = nodeSelections.get(node);
        // a node newer than this snapshot: only the advertisements for every node select it
        return known != null ? known : selecting(definitions, d -> d.selectsNode(Map.of()));
    }

    private PoolRoutes routesOf(IpAddress address) {
        Entry<IpAddress, PoolRoutes> floor = byFirstAddress.floorEntry(address);
        return floor != null && floor.getValue().pool().range().contains(address) ? floor.getValue() : null;
    }

    private static BitSet selecting(List<BgpAdvertisementDefinition> definitions,
            Predicate<BgpAdvertisementDefinition> selects) {
        BitSet bits = new BitSet(definitions.size());
        for (int i = 0; i < definitions.size(); i++) {
            if (selects.test(definitions.get(i))) {
                bits.set(i);
            }
        }
        return bits;
    }

    private static Map<String, ToPeer> perPeer(List<BgpAdvertisementDefinition> definitions, Pool pool,
            BitSet selecting, Map<String, Map<String, String>> peerLabels) {
        Map<String, ToPeer> toPeer = new HashMap<>();
        peerLabels.forEach((peer, labels) -> {
            ToPeer merged = merge(definitions, pool, selecting, peer, labels);
            if (merged != null) {
                toPeer.put(peer, merged);
            }
        });
        return Map.copyOf(toPeer);
    }

    /**
     * The attributes and prefix length of the advertisements in {@code sending} that select the peer, for the
     * addresses of {@code pool}; null when none does.
     */
    private static ToPeer merge(List<BgpAdvertisementDefinition> definitions, Pool pool, BitSet sending,
            String peer, Map<String, String> labels) {
        boolean v4 = pool.range().first().family() == IpFamily.IPV4;
        Communities communities = Communities.NONE;
        Long localPref = null;
        Long med = null;
        int length = -1;
        for (int i = sending.nextSetBit(0); i >= 0; i = sending.nextSetBit(i + 1)) {
            BgpAdvertisementDefinition d = definitions.get(i);
            if (d.selectsPeer(peer, labels)) {
                communities = communities.union(d.communities());
                localPref = RouteOverride.highest(localPref, d.localPref());
                med = RouteOverride.lowest(med, d.med());
                length = Math.max(length, v4 ? d.aggregationLength() : d.aggregationLengthV6());
            }
        }
        return length < 0 ? null
                : new ToPeer(new RouteAttributes(communities.standard(), large(communities), localPref, med), length);
    }

    /** The override's communities added, its LOCAL_PREF and MED in place of the advertisements' when it sets them. */
    private static RouteAttributes apply(RouteAttributes base, RouteOverride override) {
        TreeSet<Long> communities = new TreeSet<>(base.communities());
        communities.addAll(override.communities().standard());
        TreeSet<LargeCommunity> large = new TreeSet<>(base.largeCommunities());
        large.addAll(large(override.communities()));
        return new RouteAttributes(communities, large, override.localPref() != null ? override.localPref()
                : base.localPref(), override.med() != null ? override.med() : base.med());
    }

    private static TreeSet<LargeCommunity> large(Communities communities) {
        TreeSet<LargeCommunity> large = new TreeSet<>();
        communities.large().forEach(l -> large.add(new LargeCommunity(l.global(), l.local1(), l.local2())));
        return large;
    }
}
