package io.openelb.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A valid BgpAdvertisement: which BGP Eips it covers, towards which BgpPeers, from which nodes, and the
 * attributes its routes carry. Immutable.
 *
 * <p>Eips: those named in {@code eips} and those {@code eipSelector} matches; neither given, every Eip.
 * Peers likewise. Nodes: those any of {@code nodeSelectors} matches; none given, every node.
 *
 * <p>{@code aggregationLength} and {@code aggregationLengthV6}: the length of the prefix an address of each
 * family is announced under; 32 and 128 (the defaults) announce host routes, a shorter length the covering
 * prefix, once for all the addresses in it (see the announcement policy for how lengths and attributes merge).
 *
 * @param eipSelector  null when absent (it then selects nothing by itself)
 * @param peerSelector null when absent
 * @param localPref    LOCAL_PREF (0 to 2^32-1), or null
 * @param med          MULTI_EXIT_DISC (0 to 2^32-1), or null
 */
public record BgpAdvertisementDefinition(
        String name,
        long generation,
        Set<String> eips,
        LabelSelector eipSelector,
        Set<String> peers,
        LabelSelector peerSelector,
        List<LabelSelector> nodeSelectors,
        Communities communities,
        Long localPref,
        Long med,
        int aggregationLength,
        int aggregationLengthV6) {
    private static final long MAX_32 = 0xFFFF_FFFFL;

    /** A BgpAdvertisement checked: the definition when it is valid, else every problem with its field. */
    public record Checked(BgpAdvertisementDefinition definition, List<String> errors) {
        public Checked {
            errors = List.copyOf(errors);
        }
    }

    public BgpAdvertisementDefinition {
        eips = Set.copyOf(eips);
        peers = Set.copyOf(peers);
        nodeSelectors = List.copyOf(nodeSelectors);
    }

    /** Checks every field and collects every problem, each as {@code spec.field: what is wrong}. */
    public static Checked check(BgpAdvertisementObject object, CommunityAliases aliases) {
        List<String> errors = new ArrayList<>();
        checkNames(object.eips(), "spec.eips", errors);
        checkNames(object.peers(), "spec.peers", errors);
        if (object.eipSelector() != null) {
            errors.addAll(object.eipSelector().problems("spec.eipSelector"));
        }
        if (object.peerSelector() != null) {
            errors.addAll(object.peerSelector().problems("spec.peerSelector"));
        }
        for (int i = 0; i < object.nodeSelectors().size(); i++) {
            errors.addAll(object.nodeSelectors().get(i).problems("spec.nodeSelectors[" + i + "]"));
        }
        Communities communities = Communities.NONE;
        for (int i = 0; i < object.communities().size(); i++) {
            try {
                communities = communities.union(aliases.parse(object.communities().get(i)));
            } catch (IllegalArgumentException e) {
                errors.add("spec.communities[" + i + "]: " + e.getMessage());
            }
        }
        checkRange(object.localPref(), 0, MAX_32, "spec.localPref", errors);
        checkRange(object.med(), 0, MAX_32, "spec.med", errors);
        int v4 = object.aggregationLength() == null ? 32 : object.aggregationLength();
        int v6 = object.aggregationLengthV6() == null ? 128 : object.aggregationLengthV6();
        checkRange((long) v4, 0, 32, "spec.aggregationLength", errors);
        checkRange((long) v6, 0, 128, "spec.aggregationLengthV6", errors);
        if (!errors.isEmpty()) {
            return new Checked(null, errors);
        }
        return new Checked(new BgpAdvertisementDefinition(object.name(), object.generation(),
                new TreeSet<>(object.eips()), object.eipSelector(), new TreeSet<>(object.peers()),
                object.peerSelector(), object.nodeSelectors(), communities, object.localPref(), object.med(), v4, v6),
                List.of());
    }

    /** Whether it covers the Eip of this name and these labels. */
    public boolean selectsEip(String eip, Map<String, String> labels) {
        return selects(eips, eipSelector, eip, labels);
    }

    /** Whether it announces to the BgpPeer of this name and these labels. */
    public boolean selectsPeer(String peer, Map<String, String> labels) {
        return selects(peers, peerSelector, peer, labels);
    }

    /** Whether the node with these labels announces. */
    public boolean selectsNode(Map<String, String> labels) {
        return nodeSelectors.isEmpty() || nodeSelectors.stream().anyMatch(s -> s.matches(labels));
    }

    /** Whether an aggregation length other than a host route's is set: covering prefixes are announced. */
    public boolean asksForAggregation() {
        return aggregationLength != 32 || aggregationLengthV6 != 128;
    }

    private static boolean selects(Set<String> names, LabelSelector selector, String name, Map<String, String> labels) {
        if (names.isEmpty() && selector == null) {
            return true;
        }
        return names.contains(name) || selector != null && selector.matches(labels);
    }

    private static void checkNames(List<String> names, String field, List<String> errors) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isBlank()) {
                errors.add(field + "[" + i + "]: must be a name");
            }
        }
    }

    private static void checkRange(Long value, long min, long max, String field, List<String> errors) {
        if (value != null && (value < min || value > max)) {
            errors.add(field + ": " + value + " is not in " + min + " to " + max);
        }
    }
}
