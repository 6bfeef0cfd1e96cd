package io.openelb.speaker;

import io.openelb.announce.BgpRoutes;
import io.openelb.announce.CoveredPaths;
import io.openelb.announce.RouteAttributes;
import io.openelb.bgp.codec.PathAttribute;
import io.openelb.bgp.codec.Prefix;
import io.openelb.bgp.codec.Update;
import io.openelb.bgp.codec.UpdatePacker;
import io.openelb.bgp.fsm.Negotiated;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.AdvertisedRoute;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * One session's Adj-RIB-Out: the routes sent to the peer, and the UPDATEs that bring them to the routes
 * this node should announce to it. No sockets and no I/O (only a clock, for when a route was sent), so the
 * diff is tested on its own. Used only on the owning session's event loop.
 *
 * <p>Attributes as RFC 4271 section 5.1 has them for a route this AS originates: to an external peer AS_PATH
 * is our AS, and LOCAL_PREF is never sent (section 5.1.5); to an internal peer (its AS is ours) AS_PATH is
 * empty (section 5.1.2) and LOCAL_PREF always sent, {@value #DEFAULT_LOCAL_PREF} when the policy gives none.
 * NEXT_HOP is this node's address on the session either way (section 5.1.3: on iBGP the originator's own
 * address), or under ADD-PATH the announcing node's.
 *
 * <p>A route is a host route or an aggregate covering several addresses (the policy's aggregation length);
 * the session keeps which addresses each path covers ({@link CoveredPaths}), so a change of a few addresses
 * re-evaluates only the paths they are in: an aggregate is announced once for all its addresses, and
 * withdrawn when the last of them goes.
 */
final class AdjRibOut {
    /** LOCAL_PREF sent to internal peers when the policy sets none: the common default (GoBGP, FRR, BIRD). */
    static final long DEFAULT_LOCAL_PREF = 100;
    private final String peer;
    private final Clock clock;
    // by prefix (and path under ADD-PATH); persistent, so the status board gets it as it is, without a copy
    private PMap<Prefix, AdvertisedRoute> sent = HashTreePMap.empty();
    // the paths of the last sync per family, with the addresses each covers: what an address change re-evaluates
    private final Map<IpFamily, CoveredPaths> paths = new EnumMap<>(IpFamily.class);

    /**
     * What one family's sync sends: the withdrawals first, then the announcements in one batch per next
     * hop and attribute set (several next hops only under ADD-PATH, one per node).
     *
     * @param announced paths announced (new, or sent again because their next hop or attributes changed)
     * @param withdrawn paths withdrawn
     */
    record Delta(IpFamily family, List<Update> updates, int announced, int withdrawn) {
        Delta {
            updates = List.copyOf(updates);
        }

        boolean isEmpty() {
            return announced == 0 && withdrawn == 0;
        }
    }

    /** @param peer the name of the BgpPeer of the session: the advertisement policy's key */
    AdjRibOut(String peer, Clock clock) {
        this.peer = peer;
        this.clock = clock;
    }

    /**
     * The UPDATEs that turn what the peer has of {@code family} into {@code desired}; they count as sent
     * from here on. An unchanged route sends nothing.
     *
     * @param terms        the session's negotiated terms: ADD-PATH per family, AS_PATH width, the peer's AS
     * @param localNextHop this node's address on the session
     * @param localAs      our AS: the AS_PATH's only AS towards external peers
     */
    Delta sync(BgpRoutes desired, IpFamily family, Negotiated terms, IpAddress localNextHop, long localAs) {
        CoveredPaths now = desired.paths(peer, family, terms.addPath().contains(family), localNextHop);
        paths.put(family, now);
        Map<Prefix, BgpRoutes.Route> want = now.routes();
        List<Prefix> withdraw = new ArrayList<>();
        for (Prefix p : sent.keySet()) {
            if (p.address().family() == family && !want.containsKey(p)) {
                withdraw.add(p);
            }
        }
        return send(want, withdraw, family, terms, localAs);
    }

    /**
     * {@link #sync} for these addresses only: what a change of a few Services needs, whatever the number
     * of routes the peer has. Each path an address was or is in is evaluated again from the addresses it
     * covers (an aggregate: from all of them). Addresses of other families are passed over. The other
     * addresses are taken as unchanged since the last sync: a change of the policy needs a full sync.
     */
    Delta sync(BgpRoutes desired, Collection<IpAddress> addresses, IpFamily family, Negotiated terms,
            IpAddress localNextHop, long localAs) {
        CoveredPaths covered = paths.computeIfAbsent(family, f -> new CoveredPaths());
        boolean addPath = terms.addPath().contains(family);
        Set<Prefix> touched = new HashSet<>();
        for (IpAddress address : addresses) {
            if (address.family() == family) {
                covered.put(address, desired.contributions(peer, address, family, addPath, localNextHop), touched);
            }
        }
        Map<Prefix, BgpRoutes.Route> want = new TreeMap<>();
        List<Prefix> withdraw = new ArrayList<>();
        for (Prefix p : touched) {
            BgpRoutes.Route route = covered.route(p);
            if (route != null) {
                want.put(p, route);
            } else if (sent.containsKey(p)) {
                withdraw.add(p);
            }
        }
        return send(want, withdraw, family, terms, localAs);
    }

    /**
     * Withdraws {@code withdraw}, announces what of {@code want} the peer does not have as wanted: a route
     * whose next hop or attributes changed is announced again, which replaces it (no withdrawal first).
     */
    private Delta send(Map<Prefix, BgpRoutes.Route> want, List<Prefix> withdraw, IpFamily family, Negotiated terms,
            long localAs) {
        boolean internal = terms.peerAs() == localAs;
        Map<RouteAttributes, RouteAttributes> onSession = new HashMap<>(); // the policy's few sets, each once
        Map<IpAddress, Map<RouteAttributes, List<Prefix>>> announce = new TreeMap<>();
        want.forEach((prefix, route) -> {
            RouteAttributes attributes = onSession.computeIfAbsent(route.attributes(), a -> onSession(a, internal));
            AdvertisedRoute was = sent.get(prefix);
            if (was == null || !route.nextHop().equals(was.nextHop()) || !attributes.equals(was.attributes())) {
                announce.computeIfAbsent(route.nextHop(), n -> new LinkedHashMap<>())
                        .computeIfAbsent(attributes, a -> new ArrayList<>()).add(prefix);
            }
        });
        List<Update> updates = new ArrayList<>();
        if (!withdraw.isEmpty()) {
            withdraw.sort(null); // the same UPDATEs whichever way the withdrawals were found
            updates.addAll(UpdatePacker.withdraw(family, withdraw));
            sent = sent.minusAll(withdraw);
        }
        Instant now = announce.isEmpty() ? null : clock.instant().truncatedTo(ChronoUnit.SECONDS);
        PathAttribute.AsPath asPath = internal ? new PathAttribute.AsPath(List.of(), false)
                : PathAttribute.AsPath.sequence(localAs);
        announce.forEach((nextHop, byAttributes) -> byAttributes.forEach((attributes, prefixes) -> {
            updates.addAll(UpdatePacker.announce(family, asPath, nextHop, pathAttributes(attributes), prefixes,
                    terms.fourOctetAs()));
            prefixes.forEach(p -> sent = sent.plus(p, new AdvertisedRoute(p.address(), p.length(), p.pathId(), nextHop, now,
                    attributes)));
        }));
        int announced = announce.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
        return new Delta(family, updates, announced, withdraw.size());
    }

    /** The policy's attributes as sent on this session: LOCAL_PREF to internal peers only, and always to them. */
    private static RouteAttributes onSession(RouteAttributes policy, boolean internal) {
        Long localPref = internal ? Objects.requireNonNullElse(policy.localPref(), DEFAULT_LOCAL_PREF) : null;
        return Objects.equals(localPref, policy.localPref()) ? policy
                : new RouteAttributes(policy.communities(), policy.largeCommunities(), localPref, policy.med());
    }

    /** As path attributes; communities sorted and each once, as the sets hold them. */
    private static List<PathAttribute> pathAttributes(RouteAttributes a) {
        List<PathAttribute> out = new ArrayList<>();
        if (a.med() != null) {
            out.add(new PathAttribute.MultiExitDisc(a.med()));
        }
        if (a.localPref() != null) {
            out.add(new PathAttribute.LocalPref(a.localPref()));
        }
        if (!a.communities().isEmpty()) {
            out.add(new PathAttribute.Communities(List.copyOf(a.communities())));
        }
        if (!a.largeCommunities().isEmpty()) {
            out.add(new PathAttribute.LargeCommunities(List.copyOf(a.largeCommunities())));
        }
        return out;
    }

    /** Forgets every route: the session went down, or the peer asked for all of them again. */
    void clear() {
        sent = HashTreePMap.empty();
        paths.clear();
    }

    /** Paths the peer has from us. */
    int size() {
        return sent.size();
    }

    /** The paths the peer has from us, as they are now: immutable, and free to take however often. */
    Collection<AdvertisedRoute> routes() {
        return sent.values();
    }

    /**
     * Prefixes this node would announce to this peer with this configuration once the session is up: those of
     * the addresses of its families let through by the policy, this node's own, or with ADD-PATH offered every
     * node's; an aggregate counts once however many addresses it covers.
     */
    int pending(BgpRoutes desired, SessionConfig config) {
        boolean addPath = !config.addPathSend().isEmpty();
        int hosts = 0;
        Set<Prefix> aggregates = new HashSet<>();
        for (Map.Entry<IpAddress, SortedSet<String>> e : desired.announcers().entrySet()) {
            IpAddress address = e.getKey();
            if (!config.families().contains(address.family()) || !addPath && !e.getValue().contains(desired.self())
                    || desired.policy().toPeer(peer, address) == null) {
                continue;
            }
            int length = desired.policy().prefixLength(peer, address);
            if (length == address.family().bits()) {
                hosts++;
            } else {
                aggregates.add(Prefix.covering(address, length, Prefix.NO_PATH_ID));
            }
        }
        return hosts + aggregates.size();
    }
}
