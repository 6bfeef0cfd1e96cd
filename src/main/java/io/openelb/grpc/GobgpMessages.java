package io.openelb.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.openelb.grpc.apipb.AfiSafi;
import io.openelb.grpc.apipb.AfiSafiConfig;
import io.openelb.grpc.apipb.AfiSafiState;
import io.openelb.grpc.apipb.AsPathAttribute;
import io.openelb.grpc.apipb.AsSegment;
import io.openelb.grpc.apipb.CommunitiesAttribute;
import io.openelb.grpc.apipb.Destination;
import io.openelb.grpc.apipb.EbgpMultihop;
import io.openelb.grpc.apipb.Family;
import io.openelb.grpc.apipb.Global;
import io.openelb.grpc.apipb.GracefulRestart;
import io.openelb.grpc.apipb.IPAddressPrefix;
import io.openelb.grpc.apipb.LargeCommunitiesAttribute;
import io.openelb.grpc.apipb.LargeCommunity;
import io.openelb.grpc.apipb.LocalPrefAttribute;
import io.openelb.grpc.apipb.Message;
import io.openelb.grpc.apipb.Messages;
import io.openelb.grpc.apipb.MpReachNLRIAttribute;
import io.openelb.grpc.apipb.MultiExitDiscAttribute;
import io.openelb.grpc.apipb.NextHopAttribute;
import io.openelb.grpc.apipb.OriginAttribute;
import io.openelb.grpc.apipb.Path;
import io.openelb.grpc.apipb.Peer;
import io.openelb.grpc.apipb.PeerConf;
import io.openelb.grpc.apipb.PeerState;
import io.openelb.grpc.apipb.Queues;
import io.openelb.grpc.apipb.RouteReflector;
import io.openelb.grpc.apipb.RouteServer;
import io.openelb.grpc.apipb.TableLookupPrefix;
import io.openelb.grpc.apipb.TableType;
import io.openelb.grpc.apipb.Timers;
import io.openelb.grpc.apipb.TimersConfig;
import io.openelb.grpc.apipb.TimersState;
import io.openelb.grpc.apipb.Transport;
import io.openelb.model.AddressRange;
import io.openelb.model.Communities;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.AdvertisedRoute;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.SessionDetail;
import io.openelb.status.SpeakerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Our status values as gobgp's v3 API messages (package {@code apipb}), shaped as gobgpd fills them, so
 * that the stock {@code gobgp} CLI prints them as it prints gobgpd's. Plain functions of values: no I/O,
 * no Vert.x; {@link GobgpApiServer} calls them on the event loop.
 *
 * <p>The tables: {@code GLOBAL} holds what this node originates, the union of the paths in its sessions'
 * Adj-RIB-Outs (one path per distinct next hop and path identifier), with an empty AS_PATH as gobgpd shows
 * a locally originated route; {@code ADJ_OUT} of a neighbour is exactly what was sent to it, AS_PATH
 * included. Routes from routers are not kept, so {@code ADJ_IN} and {@code LOCAL} are empty.
 */
public final class GobgpMessages {
    /** ORIGIN IGP (RFC 4271 section 5.1.1), what the speaker sends. */
    static final int ORIGIN_IGP = 0;

    private GobgpMessages() {}

    /** {@code GetBgp}: the AS and router id; zero and "" while the node has no usable BgpConf. */
    public static Global global(SpeakerView speaker) {
        if (speaker == null) {
            return Global.getDefaultInstance();
        }
        return Global.newBuilder().setAsn((int) speaker.as()).setRouterId(speaker.routerId())
                .setListenPort(speaker.listenPort()).addAllListenAddresses(speaker.listenAddresses()).build();
    }

    /**
     * {@code ListPeer}: every session of this node, or only the one with {@code address} (gobgp's filter;
     * "" for all). Every nested message the CLI dereferences is present.
     */
    public static List<Peer> peers(Collection<NeighborView> neighbors, String address) {
        String wanted = canonical(address);
        return neighbors.stream()
                .filter(n -> wanted.isEmpty() || canonical(n.address()).equals(wanted))
                .sorted(Comparator.comparing(NeighborView::address))
                .map(GobgpMessages::peer)
                .toList();
    }

    static Peer peer(NeighborView n) {
        SessionDetail d = n.detail();
        PeerState.SessionState state = sessionState(n.state());
        long keepalive = d.keepalive() > 0 ? d.keepalive() : d.holdTime() / 3; // unset: a third (RFC 4271 10)
        TimersState.Builder timers = TimersState.newBuilder()
                .setConnectRetry(d.connectRetry()).setHoldTime(d.holdTime()).setKeepaliveInterval(
                        state == PeerState.SessionState.ESTABLISHED ? d.negotiatedKeepalive() : keepalive)
                .setNegotiatedHoldTime(d.negotiatedHoldTime());
        // gobgpd's meaning: uptime = when last Established, downtime = when last down. The CLI reads the
        // down time only when an up time is set, and prints "never" otherwise.
        if (d.lastEstablished() != null) {
            timers.setUptime(timestamp(d.lastEstablished()));
        }
        if (n.downSince() != null) {
            timers.setDowntime(timestamp(n.downSince()));
        }
        Peer.Builder peer = Peer.newBuilder()
                .setConf(PeerConf.newBuilder().setLocalAsn((int) n.localAs()).setPeerAsn((int) n.peerAs())
                        .setNeighborAddress(n.address()).setDescription(n.peer()))
                .setState(PeerState.newBuilder().setLocalAsn((int) n.localAs()).setPeerAsn((int) n.peerAs())
                        .setNeighborAddress(n.address()).setDescription(n.peer())
                        .setSessionState(state).setAdminState(PeerState.AdminState.UP)
                        .setRouterId(d.remoteRouterId())
                        .setQueues(Queues.getDefaultInstance())
                        .setMessages(Messages.newBuilder().setSent(message(n.sent())).setReceived(message(n.received()))))
                .setTimers(Timers.newBuilder().setConfig(TimersConfig.newBuilder().setConnectRetry(d.connectRetry())
                                .setHoldTime(d.holdTime()).setKeepaliveInterval(keepalive))
                        .setState(timers))
                .setTransport(Transport.newBuilder().setLocalAddress(d.localAddress()).setRemoteAddress(n.address())
                        .setRemotePort(n.port()).setPassiveMode(d.passive()))
                .setEbgpMultihop(EbgpMultihop.newBuilder().setEnabled(d.ttl() > 1).setMultihopTtl(Math.max(0, d.ttl())))
                .setRouteReflector(RouteReflector.getDefaultInstance())
                .setRouteServer(RouteServer.getDefaultInstance())
                .setGracefulRestart(GracefulRestart.newBuilder().setEnabled(d.gracefulRestartTime() >= 0)
                        .setRestartTime(Math.max(0, d.gracefulRestartTime())));
        for (IpFamily family : d.families()) {
            long advertised = d.adjRibOut().stream().filter(r -> r.address().family() == family).count();
            peer.addAfiSafis(AfiSafi.newBuilder()
                    .setConfig(AfiSafiConfig.newBuilder().setFamily(family(family)).setEnabled(true))
                    .setState(AfiSafiState.newBuilder().setFamily(family(family)).setEnabled(true)
                            .setAdvertised(advertised)));
        }
        return peer.build();
    }

    /** Our RFC 4271 state names (IDLE ... OPEN_SENT ... ESTABLISHED) as gobgp's. */
    static PeerState.SessionState sessionState(String state) {
        try {
            return PeerState.SessionState.valueOf(state.replace("_", ""));
        } catch (IllegalArgumentException e) {
            return PeerState.SessionState.UNKNOWN;
        }
    }

    private static Message message(MessageCounts c) {
        return Message.newBuilder().setTotal(c.total()).setOpen(c.open()).setUpdate(c.update())
                .setNotification(c.notification()).setKeepalive(c.keepalive()).setRefresh(c.refresh()).build();
    }

    /**
     * {@code ListPath}: the destinations of one table and family, sorted by address, each with its paths
     * (the first marked best), narrowed by the CLI's prefix filters.
     *
     * @param name the neighbour's address for {@code ADJ_OUT}
     * @throws IllegalArgumentException for a table this speaker does not have (VRF), or an unknown neighbour
     */
    public static List<Destination> table(TableType type, String name, Family family, List<TableLookupPrefix> filters,
            Collection<NeighborView> neighbors, SpeakerView speaker) {
        IpFamily ours = ipFamily(family);
        switch (type) {
            case GLOBAL -> {
                if (ours == null) {
                    return List.of();
                }
                List<AdvertisedRoute> routes = new ArrayList<>();
                neighbors.forEach(n -> routes.addAll(n.detail().adjRibOut()));
                return destinations(routes, ours, filters, List.of());
            }
            case ADJ_OUT -> {
                String wanted = canonical(name);
                NeighborView neighbor = neighbors.stream().filter(n -> canonical(n.address()).equals(wanted))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("neighbor " + name + " not found"));
                // as sent: our AS to an external peer, an empty AS_PATH to an internal one (RFC 4271 section 5.1.2)
                List<Long> asPath = neighbor.peerAs() == neighbor.localAs() ? List.of() : List.of(neighbor.localAs());
                return ours == null ? List.of() : destinations(neighbor.detail().adjRibOut(), ours, filters, asPath);
            }
            case ADJ_IN, LOCAL -> {
                return List.of(); // routes from the routers are ignored, never kept
            }
            default -> throw new IllegalArgumentException("table " + type + " is not served by this speaker");
        }
    }

    /** One destination per prefix; one path per distinct next hop and path identifier, oldest first. */
    private static List<Destination> destinations(java.util.Collection<AdvertisedRoute> routes, IpFamily family,
            List<TableLookupPrefix> filters, List<Long> asPath) {
        Map<AdvertisedRoute, Map<List<Object>, AdvertisedRoute>> byPrefix = new TreeMap<>(
                Comparator.comparing(AdvertisedRoute::address).thenComparingInt(AdvertisedRoute::length));
        for (AdvertisedRoute r : routes) {
            if (r.address().family() != family || !matches(r.address(), filters)) {
                continue;
            }
            byPrefix.computeIfAbsent(r, a -> new LinkedHashMap<>())
                    .merge(List.of(r.nextHop(), r.pathId()), r, (a, b) -> a.since().isAfter(b.since()) ? b : a);
        }
        List<Destination> out = new ArrayList<>();
        byPrefix.forEach((first, paths) -> {
            String prefix = first.prefix();
            Destination.Builder destination = Destination.newBuilder().setPrefix(prefix);
            paths.values().stream()
                    .sorted(Comparator.comparing(AdvertisedRoute::since).thenComparing(AdvertisedRoute::nextHop))
                    .forEach(r -> destination.addPaths(path(r, asPath, destination.getPathsCount() == 0)));
            out.add(destination.build());
        });
        return out;
    }

    /**
     * One path as gobgpd gives it: the NLRI and attributes as {@code google.protobuf.Any} of attribute.proto's
     * messages, in type code order as gobgpd sorts them; IPv4 with NEXT_HOP, IPv6 with MP_REACH_NLRI (RFC 4760)
     * carrying next hop and NLRI; MED, LOCAL_PREF, COMMUNITIES and LARGE_COMMUNITY when they were sent.
     */
    static Path path(AdvertisedRoute route, List<Long> asPath, boolean best) {
        IpFamily family = route.address().family();
        Any nlri = Any.pack(IPAddressPrefix.newBuilder().setPrefix(route.address().toString())
                .setPrefixLen(route.length()).build());
        AsPathAttribute.Builder path = AsPathAttribute.newBuilder();
        if (!asPath.isEmpty()) {
            path.addSegments(AsSegment.newBuilder().setType(AsSegment.Type.AS_SEQUENCE)
                    .addAllNumbers(asPath.stream().map(Long::intValue).toList()));
        }
        return Path.newBuilder().setNlri(nlri).setFamily(family(family)).setBest(best)
                .setAge(timestamp(route.since())).setIdentifier((int) route.pathId())
                .setLocalIdentifier((int) route.pathId())
                .addPattrs(Any.pack(OriginAttribute.newBuilder().setOrigin(ORIGIN_IGP).build()))
                .addPattrs(Any.pack(path.build()))
                .addAllPattrs(afterAsPath(route, nlri)).build();
    }

    /** NEXT_HOP (type 3), MED (4), LOCAL_PREF (5), COMMUNITIES (8), MP_REACH_NLRI (14), LARGE_COMMUNITY (32). */
    private static List<Any> afterAsPath(AdvertisedRoute route, Any nlri) {
        IpFamily family = route.address().family();
        List<Any> out = new ArrayList<>();
        if (family == IpFamily.IPV4) {
            out.add(Any.pack(NextHopAttribute.newBuilder().setNextHop(route.nextHop().toString()).build()));
        }
        if (route.med() != null) {
            out.add(Any.pack(MultiExitDiscAttribute.newBuilder().setMed(route.med().intValue()).build()));
        }
        if (route.localPref() != null) {
            out.add(Any.pack(LocalPrefAttribute.newBuilder().setLocalPref(route.localPref().intValue()).build()));
        }
        Communities communities = route.communities();
        if (!communities.standard().isEmpty()) {
            out.add(Any.pack(CommunitiesAttribute.newBuilder()
                    .addAllCommunities(communities.standard().stream().map(Long::intValue).toList()).build()));
        }
        if (family == IpFamily.IPV6) {
            out.add(Any.pack(MpReachNLRIAttribute.newBuilder().setFamily(family(family))
                    .addNextHops(route.nextHop().toString()).addNlris(nlri).build()));
        }
        if (!communities.large().isEmpty()) {
            LargeCommunitiesAttribute.Builder large = LargeCommunitiesAttribute.newBuilder();
            communities.large().forEach(c -> large.addCommunities(LargeCommunity.newBuilder()
                    .setGlobalAdmin((int) c.global()).setLocalData1((int) c.local1()).setLocalData2((int) c.local2())));
            out.add(Any.pack(large.build()));
        }
        return out;
    }

    /**
     * gobgp's lookups, for host routes: EXACT and SHORTER match the route of that address (given bare or as
     * a host prefix), LONGER every route inside the given prefix. No filter matches everything.
     */
    static boolean matches(IpAddress address, List<TableLookupPrefix> filters) {
        if (filters.isEmpty()) {
            return true;
        }
        for (TableLookupPrefix filter : filters) {
            try {
                String text = filter.getPrefix().trim();
                if (filter.getType() == TableLookupPrefix.Type.LONGER) {
                    AddressRange range = AddressRange.parse(text.contains("/") ? text
                            : text + "/" + IpAddress.parse(text).family().bits());
                    if (range.contains(address)) {
                        return true;
                    }
                } else {
                    int slash = text.indexOf('/');
                    IpAddress target = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
                    boolean host = slash < 0 || Integer.parseInt(text.substring(slash + 1)) == target.family().bits();
                    if (host && target.equals(address)) {
                        return true;
                    }
                }
            } catch (IllegalArgumentException e) {
                // not an address or prefix: matches nothing
            }
        }
        return false;
    }

    static Family family(IpFamily family) {
        return Family.newBuilder().setAfi(family == IpFamily.IPV4 ? Family.Afi.AFI_IP : Family.Afi.AFI_IP6)
                .setSafi(Family.Safi.SAFI_UNICAST).build();
    }

    /** The family of an IPv4 or IPv6 unicast request, or null for any other (none of our routes). */
    static IpFamily ipFamily(Family family) {
        if (family.getSafi() != Family.Safi.SAFI_UNICAST) {
            return null;
        }
        return switch (family.getAfi()) {
            case AFI_IP -> IpFamily.IPV4;
            case AFI_IP6 -> IpFamily.IPV6;
            default -> null;
        };
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static String canonical(String address) {
        if (address == null || address.isBlank()) {
            return "";
        }
        try {
            return IpAddress.parse(address.trim()).toString();
        } catch (IllegalArgumentException e) {
            return address.trim();
        }
    }
}
