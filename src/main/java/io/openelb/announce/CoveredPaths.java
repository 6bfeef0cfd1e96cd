package io.openelb.announce;

import io.openelb.announce.BgpRoutes.Contribution;
import io.openelb.announce.BgpRoutes.Route;
import io.openelb.bgp.codec.Prefix;
import io.openelb.model.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paths of one peer and family with the addresses each one covers, kept address by address, so that a
 * change of one address costs the paths that address is in, not every route: a host route covers its address
 * alone, an aggregate every announced address in it (under ADD-PATH, those its node announces). A path exists
 * while it covers at least one address, so an aggregate is withdrawn when the last of its addresses goes.
 * Mutable; used on one thread (the owning session's event loop, or the one building {@link BgpRoutes#paths}).
 *
 * <p>A path's attributes are those of its addresses when they all agree. When they do not (the addresses of
 * two Eips with other advertisements, or a Service's annotation overrides on some addresses only), they are the
 * policy's shared attributes of its addresses ({@link RoutePolicy#sharedToPeer}: without the overrides), merged
 * as several advertisements merge ({@link RouteAttributes#merge}). So one Service's annotation never puts its
 * communities or preferences on the traffic of other Services, and the result does not depend on order.
 */
public final class CoveredPaths {
    private final Map<Prefix, Covered> byPrefix = new HashMap<>();
    private final Map<IpAddress, List<Contribution>> byAddress = new HashMap<>();

    /** The addresses of one path, counted per distinct attribute pair: few, as the policy has few sets. */
    private static final class Covered {
        private IpAddress nextHop;
        private final List<Share> shares = new ArrayList<>(1);
    }

    /** How many of a path's addresses have these attributes, and these without their overrides. */
    private static final class Share {
        private final RouteAttributes attributes;
        private final RouteAttributes shared;
        private int addresses;

        private Share(RouteAttributes attributes, RouteAttributes shared) {
            this.attributes = attributes;
            this.shared = shared;
        }
    }

    /**
     * Sets the paths {@code address} is in now (none: it is not announced); adds to {@code touched} the
     * prefixes whose route may have changed, those it was in and those it is in.
     */
    public void put(IpAddress address, List<Contribution> now, Collection<Prefix> touched) {
        List<Contribution> before = now.isEmpty() ? byAddress.remove(address) : byAddress.put(address, now);
        if (before != null) {
            for (Contribution part : before) {
                remove(part);
                touched.add(part.prefix());
            }
        }
        for (Contribution part : now) {
            Covered covered = byPrefix.computeIfAbsent(part.prefix(), p -> new Covered());
            covered.nextHop = part.nextHop();
            share(covered, part).addresses++;
            touched.add(part.prefix());
        }
    }

    /** The route of {@code prefix} as its addresses make it, or null when it covers none. */
    public Route route(Prefix prefix) {
        Covered covered = byPrefix.get(prefix);
        return covered == null ? null : new Route(covered.nextHop, attributes(covered.shares));
    }

    /** Every route, in prefix order. */
    public Map<Prefix, Route> routes() {
        Map<Prefix, Route> routes = new TreeMap<>();
        byPrefix.forEach((prefix, covered) -> routes.put(prefix, new Route(covered.nextHop, attributes(covered.shares))));
        return routes;
    }

    /** Forgets every path. */
    public void clear() {
        byPrefix.clear();
        byAddress.clear();
    }

    private void remove(Contribution part) {
        Covered covered = byPrefix.get(part.prefix());
        Share share = share(covered, part);
        if (--share.addresses == 0) {
            covered.shares.remove(share);
            if (covered.shares.isEmpty()) {
                byPrefix.remove(part.prefix());
            }
        }
    }

    private static Share share(Covered covered, Contribution part) {
        for (Share share : covered.shares) {
            if (share.attributes.equals(part.attributes()) && share.shared.equals(part.shared())) {
                return share;
            }
        }
        Share share = new Share(part.attributes(), part.shared());
        covered.shares.add(share);
        return share;
    }

    private static RouteAttributes attributes(List<Share> shares) {
        RouteAttributes first = shares.get(0).attributes;
        if (shares.stream().allMatch(s -> s.attributes.equals(first))) {
            return first;
        }
        RouteAttributes merged = shares.get(0).shared;
        for (Share share : shares) {
            merged = merged.merge(share.shared);
        }
        return merged;
    }
}
