package io.openelb.announce;

import io.openelb.bgp.codec.LargeCommunity;
import io.openelb.model.Communities;
import io.openelb.model.RouteOverride;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What an advertisement policy adds to a route besides ORIGIN, AS_PATH and next hop. Immutable.
 *
 * @param communities      RFC 1997 communities, each as the unsigned 32-bit value ({@code 65000:100} is
 *                         {@code 65000 << 16 | 100}); well-known ones such as NO_EXPORT are values too
 * @param largeCommunities RFC 8092 large communities
 * @param localPref        LOCAL_PREF, or null for none (sent only on iBGP sessions, RFC 4271 section 5.1.5)
 * @param med              MULTI_EXIT_DISC, or null for none
 */
public record RouteAttributes(SortedSet<Long> communities, SortedSet<LargeCommunity> largeCommunities,
        Long localPref, Long med) {
    /** No policy attributes: the route as announced without any advertisement. */
    public static final RouteAttributes NONE = new RouteAttributes(new TreeSet<>(), new TreeSet<>(), null, null);

    public RouteAttributes {
        communities = Collections.unmodifiableSortedSet(new TreeSet<>(communities));
        largeCommunities = Collections.unmodifiableSortedSet(new TreeSet<>(largeCommunities));
    }

    /** The communities, standard and large, as the model holds them for printing ({@link Communities#format}). */
    public Communities asCommunities() {
        SortedSet<Communities.Large> large = new TreeSet<>();
        largeCommunities.forEach(l -> large.add(new Communities.Large(l.global(), l.local1(), l.local2())));
        return new Communities(communities, large);
    }

    /**
     * Both sets in one, as several BgpAdvertisements merge: communities united, the highest LOCAL_PREF, the lowest
     * MED (each the most preferred, RFC 4271 section 9.1.2.2); the same whatever the order.
     */
    public RouteAttributes merge(RouteAttributes other) {
        if (equals(other)) {
            return this;
        }
        TreeSet<Long> allCommunities = new TreeSet<>(communities);
        allCommunities.addAll(other.communities);
        TreeSet<LargeCommunity> allLarge = new TreeSet<>(largeCommunities);
        allLarge.addAll(other.largeCommunities);
        return new RouteAttributes(allCommunities, allLarge, RouteOverride.highest(localPref, other.localPref),
                RouteOverride.lowest(med, other.med));
    }
}
