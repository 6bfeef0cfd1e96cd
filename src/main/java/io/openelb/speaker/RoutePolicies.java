package io.openelb.speaker;

import io.openelb.announce.AdvertisementPolicy;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.cluster.BgpAdvertisements;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.model.BgpAdvertisementSet;
import io.openelb.model.CommunityAliases;
import io.openelb.model.IpAddress;
import io.openelb.model.NodeModel;
import io.openelb.model.Pool;
import io.openelb.model.RouteOverride;
import io.openelb.model.ServiceModel;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's advertisement policy, kept up to date from the snapshots: the BgpAdvertisements in effect
 * (an invalid edit keeps the last valid version in effect) resolved against the Eips, BgpPeers and nodes
 * whenever one of those changes, and the Services' annotation overrides one changed Service at a time, so
 * a Service change costs that Service. Used on the speaker's event loop only.
 */
final class RoutePolicies {
    private static final Logger LOG = LoggerFactory.getLogger(RoutePolicies.class);
    private final Map<IpAddress, RouteOverride> overrides = new HashMap<>();
    private final Map<String, Parsed> byService = new HashMap<>();
    private final Map<IpAddress, Set<String>> holders = new HashMap<>();
    private final Map<String, String> reported = new HashMap<>();
    private BgpAdvertisementSet advertisements = BgpAdvertisementSet.NONE;
    private CommunityAliases aliases = CommunityAliases.NONE;
    private Inputs inputs;
    private Basis basis;
    private AdvertisementPolicy policy;

    /** A Service's override and the addresses it applies to. */
    private record Parsed(RouteOverride override, List<IpAddress> addresses) {}

    /** The maps the policy is read from, by identity: none of them new, nothing to look at. */
    private record Inputs(Object advertisements, Object confs, Object pools, Object eips, Object peers, Object nodes) {
        boolean same(Inputs o) {
            return o != null && advertisements == o.advertisements && confs == o.confs && pools == o.pools
                    && eips == o.eips && peers == o.peers && nodes == o.nodes;
        }
    }

    /**
     * What the policy depends on, by value: the maps above are new with every status write (Eip usage, BgpPeer
     * sessions, BgpConf and BgpAdvertisement status), which must not cost a new policy and a replan of every route.
     */
    private record Basis(Map<String, Long> generations, CommunityAliases aliases, List<Pool> pools,
            Map<String, Map<String, String>> eipLabels, Map<String, Map<String, String>> peerLabels,
            Map<String, NodeModel> nodes) {}

    /** The policy now; call {@link #refresh} first. */
    AdvertisementPolicy policy() {
        return policy;
    }

    /**
     * Resolves the policy again when its inputs changed; true when it did (every route is planned again).
     * New community aliases re-read every Service's overrides.
     */
    boolean refresh(ClusterSnapshot s) {
        Inputs now = new Inputs(s.bgpAdvertisements(), s.bgpConfs(), s.pools(), s.eips(), s.bgpPeers(), s.nodes());
        if (now.same(inputs)) {
            return false;
        }
        inputs = now;
        CommunityAliases newAliases = BgpAdvertisements.aliases(s.bgpConf(BgpConf.DEFAULT_NAME).orElse(null));
        Map<String, Long> generations = new HashMap<>();
        s.bgpAdvertisements().forEach((name, a) -> generations.put(name, a.generation()));
        Map<String, Map<String, String>> eipLabels = new HashMap<>();
        s.eips().forEach((name, eip) -> eipLabels.put(name, labels(eip.getMetadata().getLabels())));
        Map<String, Map<String, String>> peerLabels = new HashMap<>();
        s.bgpPeers().forEach((name, peer) -> peerLabels.put(name, labels(peer.getMetadata().getLabels())));
        Basis value = new Basis(generations, newAliases, s.pools().pools(), eipLabels, peerLabels, s.nodes());
        if (value.equals(basis)) {
            return false;
        }
        basis = value;
        if (!newAliases.equals(aliases)) {
            aliases = newAliases;
            newAliases.errors().forEach(e -> LOG.warn("BgpConf {}: {}", BgpConf.DEFAULT_NAME, e));
            services(s, s.services().keySet());
        }
        advertisements = advertisements.next(s.bgpAdvertisements().values(), aliases);
        advertisements.reports().forEach(this::report);
        reported.keySet().retainAll(advertisements.reports().keySet());
        policy = AdvertisementPolicy.of(advertisements, s.pools().pools(), eipLabels, peerLabels,
                s.nodes().values(), overrides);
        return true;
    }

    /** Reads the overrides of these Services again; returns the addresses whose override changed. */
    Set<IpAddress> services(ClusterSnapshot s, Collection<String> keys) {
        Set<IpAddress> touched = new HashSet<>();
        for (String key : keys) {
            ServiceModel service = s.services().get(key);
            Parsed now = service == null || service.ingress().isEmpty() ? null : parse(service);
            Parsed before = now == null ? byService.remove(key) : byService.put(key, now);
            if (Objects.equals(before, now)) {
                continue;
            }
            if (before != null) {
                before.addresses().forEach(a -> release(a, key, touched));
            }
            if (now != null) {
                now.addresses().forEach(a -> holders.computeIfAbsent(a, x -> new HashSet<>()).add(key));
                touched.addAll(now.addresses());
            }
        }
        touched.forEach(this::merge);
        return touched;
    }

    private Parsed parse(ServiceModel service) {
        if (RouteOverride.ANNOTATIONS.stream().noneMatch(service.annotations()::containsKey)) {
            return null;
        }
        RouteOverride.Parsed parsed = RouteOverride.of(service.annotations(), aliases);
        parsed.errors().forEach(e -> LOG.warn("Service {}: {}", service.key(), e));
        return parsed.override().isEmpty() ? null : new Parsed(parsed.override(), service.ingress());
    }

    private void release(IpAddress address, String key, Set<IpAddress> touched) {
        holders.computeIfPresent(address, (a, keys) -> keys.remove(key) && keys.isEmpty() ? null : keys);
        touched.add(address);
    }

    /** The override of an address: those of the Services holding it, merged. */
    private void merge(IpAddress address) {
        RouteOverride merged = null;
        for (String key : holders.getOrDefault(address, Set.of())) {
            RouteOverride one = byService.get(key).override();
            merged = merged == null ? one : merged.merge(one);
        }
        if (merged == null) {
            overrides.remove(address);
        } else {
            overrides.put(address, merged);
        }
    }

    private void report(String name, BgpAdvertisementSet.Report report) {
        String text = report.reason() + ": " + report.message();
        if (!text.equals(reported.put(name, text)) && !report.valid()) {
            LOG.warn("BgpAdvertisement {}: {}", name, report.message());
        }
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }
}
