package io.openelb.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Service's annotations change on the routes of its addresses: communities added to those of the
 * BgpAdvertisements, and LOCAL_PREF and MED that replace theirs. Immutable.
 *
 * @param localPref null when the Service does not set it
 * @param med       null when the Service does not set it
 */
public record RouteOverride(Communities communities, Long localPref, Long med) {
    /** Comma-separated communities, in any form {@link Communities#parse} reads, e.g. {@code 65000:1,no-export}. */
    public static final String COMMUNITIES = "bgp.openelb.kubesphere.io/communities";
    /** LOCAL_PREF, 0 to 4294967295 (iBGP sessions only). */
    public static final String LOCAL_PREF = "bgp.openelb.kubesphere.io/local-pref";
    /** MULTI_EXIT_DISC, 0 to 4294967295. */
    public static final String MED = "bgp.openelb.kubesphere.io/med";
    /** The three annotations, for the conversion that keeps only the annotations the program reads. */
    public static final List<String> ANNOTATIONS = List.of(COMMUNITIES, LOCAL_PREF, MED);

    /** Changes nothing. */
    public static final RouteOverride NONE = new RouteOverride(Communities.NONE, null, null);

    /** A Service's override, and one message per annotation that does not parse (that one is ignored). */
    public record Parsed(RouteOverride override, List<String> errors) {
        public Parsed {
            errors = List.copyOf(errors);
        }
    }

    /**
     * The overrides of every Service's addresses, and each Service's annotation errors.
     *
     * @param byAddress address to its override; an address without one is absent
     * @param errors    Service ({@code namespace/name}) to the messages of its annotations that do not parse
     */
    public record ByAddress(Map<IpAddress, RouteOverride> byAddress, Map<String, List<String>> errors) {
        public ByAddress {
            byAddress = Map.copyOf(byAddress);
            errors = Map.copyOf(errors);
        }
    }

    /** Reads the annotations of every Service that has an address; Services sharing an address {@link #merge}. */
    public static ByAddress byAddress(Collection<ServiceModel> services, CommunityAliases aliases) {
        Map<IpAddress, RouteOverride> byAddress = new HashMap<>();
        Map<String, List<String>> errors = new TreeMap<>();
        for (ServiceModel service : services) {
            if (service.ingress().isEmpty() || ANNOTATIONS.stream().noneMatch(service.annotations()::containsKey)) {
                continue;
            }
            Parsed parsed = of(service.annotations(), aliases);
            if (!parsed.errors().isEmpty()) {
                errors.put(service.key(), parsed.errors());
            }
            if (!parsed.override().isEmpty()) {
                for (IpAddress address : service.ingress()) {
                    byAddress.merge(address, parsed.override(), RouteOverride::merge);
                }
            }
        }
        return new ByAddress(byAddress, errors);
    }

    /** Reads the three annotations; each one that does not parse is left out whole and reported. */
    public static Parsed of(Map<String, String> annotations, CommunityAliases aliases) {
        List<String> errors = new ArrayList<>();
        Communities communities = Communities.NONE;
        String listed = annotations.get(COMMUNITIES);
        if (listed != null) {
            try {
                for (String text : listed.split(",")) {
                    if (!text.isBlank()) {
                        communities = communities.union(aliases.parse(text));
                    }
                }
            } catch (IllegalArgumentException e) {
                communities = Communities.NONE;
                errors.add(COMMUNITIES + ": " + e.getMessage() + "; annotation ignored");
            }
        }
        Long localPref = uint32(annotations.get(LOCAL_PREF), LOCAL_PREF, errors);
        Long med = uint32(annotations.get(MED), MED, errors);
        return new Parsed(new RouteOverride(communities, localPref, med), errors);
    }

    /**
     * The override of an address two Services share: communities of both; LOCAL_PREF the highest, MED the
     * lowest (the more preferred value, as when BgpAdvertisements merge), so the result does not depend on order.
     */
    public RouteOverride merge(RouteOverride other) {
        return new RouteOverride(communities.union(other.communities), highest(localPref, other.localPref),
                lowest(med, other.med));
    }

    /** Whether it changes anything. */
    public boolean isEmpty() {
        return communities.isEmpty() && localPref == null && med == null;
    }

    /** The higher of two optional values; null only when both are. */
    public static Long highest(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    /** The lower of two optional values; null only when both are. */
    public static Long lowest(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    private static Long uint32(String text, String annotation, List<String> errors) {
        if (text == null) {
            return null;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0 && value <= 0xFFFF_FFFFL) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(annotation + ": '" + text + "' is not a number from 0 to 4294967295; annotation ignored");
        return null;
    }
}
