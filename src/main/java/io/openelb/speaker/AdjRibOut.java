package io.openelb.speaker;

import io.openelb.announce.BgpRoutes;
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
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * One session's Adj-RIB-Out: the routes sent to the peer, and the UPDATEs that bring them to the routes
 * this node should announce. No sockets and no I/O (only a clock, for when a route was sent), so the diff
 * is tested on its own. Used only on the owning session's event loop.
 */
final class AdjRibOut {
    private final Clock clock;
    // by prefix (and path under ADD-PATH); persistent, so the status board gets it as it is, without a copy
    private PMap<Prefix, AdvertisedRoute> sent = HashTreePMap.empty();
    private final Map<IpAddress, Set<Prefix>> sentByAddress = new HashMap<>(); // its paths, per address

    /**
     * What one family's sync sends: the withdrawals first, then the announcements in one batch per next
     * hop (several only under ADD-PATH, one per node).
     *
     * @param announced paths announced (new, or sent again because their next hop moved)
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

    AdjRibOut(Clock clock) {
        this.clock = clock;
    }

    /**
     * The UPDATEs that turn what the peer has of {@code family} into {@code desired}; they count as sent
     * from here on. An unchanged route sends nothing.
     *
     * @param terms        the session's negotiated terms: ADD-PATH per family and the AS_PATH width
     * @param localNextHop this node's address on the session
     * @param localAs      the AS_PATH's only AS
     */
    Delta sync(BgpRoutes desired, IpFamily family, Negotiated terms, IpAddress localNextHop, long localAs) {
        Map<Prefix, IpAddress> want = desired.of(family, terms.addPath().contains(family), localNextHop);
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
     * of routes the peer has. Addresses of other families are passed over.
     */
    Delta sync(BgpRoutes desired, Collection<IpAddress> addresses, IpFamily family, Negotiated terms,
            IpAddress localNextHop, long localAs) {
        Map<Prefix, IpAddress> want = new TreeMap<>(AdjRibOut::compare);
        List<Prefix> withdraw = new ArrayList<>();
        boolean addPath = terms.addPath().contains(family);
        for (IpAddress address : addresses) {
            if (address.family() != family) {
                continue;
            }
            Map<Prefix, IpAddress> mine = new HashMap<>();
            desired.routesOf(address, family, addPath, localNextHop, mine);
            want.putAll(mine);
            for (Prefix p : sentByAddress.getOrDefault(address, Set.of())) {
                if (!mine.containsKey(p)) {
                    withdraw.add(p);
                }
            }
        }
        return send(want, withdraw, family, terms, localAs);
    }

    /** Withdraws {@code withdraw}, announces what of {@code want} the peer does not have as wanted. */
    private Delta send(Map<Prefix, IpAddress> want, List<Prefix> withdraw, IpFamily family, Negotiated terms,
            long localAs) {
        Map<IpAddress, List<Prefix>> announce = new TreeMap<>();
        want.forEach((prefix, nextHop) -> {
            AdvertisedRoute was = sent.get(prefix);
            if (was == null || !nextHop.equals(was.nextHop())) { // new, or its next hop moved (replaces)
                announce.computeIfAbsent(nextHop, n -> new ArrayList<>()).add(prefix);
            }
        });
        List<Update> updates = new ArrayList<>();
        if (!withdraw.isEmpty()) {
            updates.addAll(UpdatePacker.withdraw(family, withdraw));
            withdraw.forEach(this::forget);
        }
        Instant now = announce.isEmpty() ? null : clock.instant().truncatedTo(ChronoUnit.SECONDS);
        announce.forEach((nextHop, prefixes) -> {
            updates.addAll(UpdatePacker.announce(family, PathAttribute.AsPath.sequence(localAs), nextHop, List.of(), prefixes,
                    terms.fourOctetAs()));
            prefixes.forEach(p -> remember(p, new AdvertisedRoute(p.address(), p.pathId(), nextHop, now)));
        });
        int announced = announce.values().stream().mapToInt(List::size).sum();
        return new Delta(family, updates, announced, withdraw.size());
    }

    private void remember(Prefix prefix, AdvertisedRoute route) {
        sent = sent.plus(prefix, route);
        sentByAddress.computeIfAbsent(prefix.address(), a -> new HashSet<>()).add(prefix);
    }

    private void forget(Prefix prefix) {
        sent = sent.minus(prefix);
        Set<Prefix> ofAddress = sentByAddress.get(prefix.address());
        if (ofAddress != null && ofAddress.remove(prefix) && ofAddress.isEmpty()) {
            sentByAddress.remove(prefix.address());
        }
    }

    private static int compare(Prefix a, Prefix b) {
        int byAddress = a.address().compareTo(b.address());
        return byAddress != 0 ? byAddress : Long.compare(a.pathId(), b.pathId());
    }

    /** Forgets every route: the session went down, or the peer asked for all of them again. */
    void clear() {
        sent = HashTreePMap.empty();
        sentByAddress.clear();
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
     * Addresses this node would announce to a peer with this configuration once the session is up: of its
     * families, this node's own, or with ADD-PATH offered every node's.
     */
    static int pending(BgpRoutes desired, SessionConfig config) {
        boolean addPath = !config.addPathSend().isEmpty();
        return (int) desired.announcers().entrySet().stream()
                .filter(e -> config.families().contains(e.getKey().family()))
                .filter(e -> addPath || e.getValue().contains(desired.self()))
                .count();
    }
}
