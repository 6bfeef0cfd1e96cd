package io.openelb.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.openelb.bgp.codec.LargeCommunity;
import io.openelb.grpc.apipb.AsPathAttribute;
import io.openelb.grpc.apipb.CommunitiesAttribute;
import io.openelb.grpc.apipb.LargeCommunitiesAttribute;
import io.openelb.grpc.apipb.LocalPrefAttribute;
import io.openelb.grpc.apipb.Destination;
import io.openelb.grpc.apipb.Family;
import io.openelb.grpc.apipb.IPAddressPrefix;
import io.openelb.grpc.apipb.MpReachNLRIAttribute;
import io.openelb.grpc.apipb.MultiExitDiscAttribute;
import io.openelb.grpc.apipb.NextHopAttribute;
import io.openelb.grpc.apipb.OriginAttribute;
import io.openelb.grpc.apipb.Path;
import io.openelb.grpc.apipb.Peer;
import io.openelb.grpc.apipb.PeerState;
import io.openelb.grpc.apipb.TableLookupPrefix;
import io.openelb.grpc.apipb.TableType;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.announce.RouteAttributes;
import io.openelb.status.AdvertisedRoute;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.SessionDetail;
import io.openelb.status.SpeakerView;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GobgpMessagesTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private static final Family V4 = GobgpMessages.family(IpFamily.IPV4);
    private static final Family V6 = GobgpMessages.family(IpFamily.IPV6);

    @ParameterizedTest
    @CsvSource({"IDLE,IDLE", "CONNECT,CONNECT", "ACTIVE,ACTIVE", "OPEN_SENT,OPENSENT", "OPEN_CONFIRM,OPENCONFIRM",
            "ESTABLISHED,ESTABLISHED", "SOMETHING,UNKNOWN"})
    void ourStateNamesAreGobgps(String ours, PeerState.SessionState gobgps) {
        assertThat(GobgpMessages.sessionState(ours)).isEqualTo(gobgps);
    }

    @Test
    void globalCarriesAsRouterIdAndListener() {
        var global = GobgpMessages.global(new SpeakerView(4200000000L, "10.77.0.11", 179, List.of("10.77.0.11")));

        assertThat(Integer.toUnsignedLong(global.getAsn())).isEqualTo(4200000000L); // uint32 on the wire
        assertThat(global.getRouterId()).isEqualTo("10.77.0.11");
        assertThat(global.getListenPort()).isEqualTo(179);
        assertThat(global.getListenAddressesList()).containsExactly("10.77.0.11");
        assertThat(GobgpMessages.global(null).getAsn()).isZero();
    }

    @Test
    void aPeerHasEveryPartTheCliReads() {
        Peer peer = GobgpMessages.peers(List.of(neighbor("r", "10.77.0.1", "ESTABLISHED", T0, null,
                List.of(route("192.0.2.10", "10.77.0.11", 0)))), "").get(0);

        assertThat(peer.hasConf() && peer.hasState() && peer.hasTimers() && peer.hasTransport()
                && peer.hasRouteReflector() && peer.hasRouteServer() && peer.hasEbgpMultihop()
                && peer.getState().hasQueues() && peer.getState().getMessages().hasSent()
                && peer.getState().getMessages().hasReceived() && peer.getTimers().hasConfig()
                && peer.getTimers().hasState()).isTrue();
        assertThat(peer.getState().getSessionState()).isEqualTo(PeerState.SessionState.ESTABLISHED);
        assertThat(peer.getState().getPeerAsn()).isEqualTo(64512);
        assertThat(peer.getConf().getDescription()).isEqualTo("r");
        assertThat(peer.getTimers().getState().getUptime().getSeconds()).isEqualTo(T0.getEpochSecond());
        assertThat(peer.getTimers().getState().getNegotiatedHoldTime()).isEqualTo(90);
        assertThat(peer.getTimers().getConfig().getKeepaliveInterval()).isEqualTo(30); // a third of the hold time
        assertThat(peer.getState().getMessages().getSent().getUpdate()).isEqualTo(2);
        assertThat(peer.getAfiSafis(0).getState().getFamily()).isEqualTo(V4);
        assertThat(peer.getAfiSafis(0).getState().getAdvertised()).isEqualTo(1);
    }

    @Test
    void aPeerNeverUpHasNoUpTimeAndOneThatWentDownHasBoth() {
        Peer never = GobgpMessages.peer(neighbor("a", "10.77.0.9", "ACTIVE", null, null, List.of()));
        Peer wentDown = GobgpMessages.peer(neighbor("b", "10.77.0.8", "IDLE", null, T0.plusSeconds(60), List.of()));

        assertThat(never.getTimers().getState().hasUptime()).isFalse(); // the CLI prints "never"
        assertThat(wentDown.getTimers().getState().getUptime().getSeconds()).isEqualTo(T0.getEpochSecond());
        assertThat(wentDown.getTimers().getState().getDowntime().getSeconds()).isEqualTo(T0.getEpochSecond() + 60);
    }

    @Test
    void peersAreFilteredByAddressInAnySpelling() {
        List<NeighborView> all = List.of(neighbor("v4", "10.77.0.1", "ESTABLISHED", T0, null, List.of()),
                neighbor("v6", "fd77::1", "ESTABLISHED", T0, null, List.of()));

        assertThat(GobgpMessages.peers(all, "")).hasSize(2);
        assertThat(GobgpMessages.peers(all, "fd77:0:0::1")).extracting(p -> p.getConf().getDescription())
                .containsExactly("v6");
        assertThat(GobgpMessages.peers(all, "10.77.0.2")).isEmpty();
    }

    @Test
    void theGlobalTableIsTheUnionOfTheAdjRibOutsOnePathPerNextHop() {
        List<NeighborView> sessions = List.of(
                neighbor("a", "10.77.0.1", "ESTABLISHED", T0, null,
                        List.of(route("192.0.2.10", "10.77.0.11", 0), route("192.0.2.9", "10.77.0.11", 0))),
                neighbor("b", "10.77.0.2", "ESTABLISHED", T0, null,
                        List.of(route("192.0.2.10", "10.77.0.11", 0), route("192.0.2.10", "10.88.0.11", 0))));

        List<Destination> table = GobgpMessages.table(TableType.GLOBAL, "", V4, List.of(), sessions, null);

        assertThat(table).extracting(Destination::getPrefix).containsExactly("192.0.2.9/32", "192.0.2.10/32");
        Destination ten = table.get(1);
        assertThat(ten.getPathsList()).extracting(p -> nextHop(p)).containsExactly("10.77.0.11", "10.88.0.11");
        assertThat(ten.getPathsList()).extracting(Path::getBest).containsExactly(true, false);
        assertThat(GobgpMessages.table(TableType.GLOBAL, "", V6, List.of(), sessions, null)).isEmpty();
    }

    @Test
    void anIpv4PathIsWhatGobgpdSends() throws Exception {
        Path path = GobgpMessages.path(route("192.0.2.10", "10.77.0.11", 7), List.of(), true);

        assertThat(path.getNlri().getTypeUrl()).isEqualTo("type.googleapis.com/apipb.IPAddressPrefix");
        IPAddressPrefix nlri = path.getNlri().unpack(IPAddressPrefix.class);
        assertThat(nlri.getPrefix()).isEqualTo("192.0.2.10");
        assertThat(nlri.getPrefixLen()).isEqualTo(32);
        assertThat(path.getPattrsList()).extracting(Any::getTypeUrl).containsExactly(
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.AsPathAttribute",
                "type.googleapis.com/apipb.NextHopAttribute");
        assertThat(path.getPattrs(0).unpack(OriginAttribute.class).getOrigin()).isZero(); // IGP
        assertThat(path.getPattrs(1).unpack(AsPathAttribute.class).getSegmentsCount()).isZero(); // originated here
        assertThat(path.getPattrs(2).unpack(NextHopAttribute.class).getNextHop()).isEqualTo("10.77.0.11");
        assertThat(path.getFamily()).isEqualTo(V4);
        assertThat(path.getLocalIdentifier()).isEqualTo(7);
        assertThat(path.getAge().getSeconds()).isEqualTo(T0.getEpochSecond());
    }

    @Test
    void anIpv6PathCarriesNextHopAndNlriInMpReach() throws Exception {
        Path path = GobgpMessages.path(route("2001:db8::10", "fd77::11", 0), List.of(64513L), true);

        assertThat(path.getPattrsList()).extracting(Any::getTypeUrl).containsExactly(
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.AsPathAttribute",
                "type.googleapis.com/apipb.MpReachNLRIAttribute");
        MpReachNLRIAttribute mp = path.getPattrs(2).unpack(MpReachNLRIAttribute.class);
        assertThat(mp.getFamily()).isEqualTo(V6);
        assertThat(mp.getNextHopsList()).containsExactly("fd77::11");
        assertThat(mp.getNlris(0).unpack(IPAddressPrefix.class).getPrefixLen()).isEqualTo(128);
        assertThat(path.getPattrs(1).unpack(AsPathAttribute.class).getSegments(0).getNumbersList())
                .containsExactly(64513);
    }

    @Test
    void anIpv4PathCarriesThePolicysAttributesInGobgpdsOrder() throws Exception {
        RouteAttributes sent = new RouteAttributes(new TreeSet<>(List.of(65000L << 16 | 100, 0xFFFF_FF01L)),
                new TreeSet<>(List.of(new LargeCommunity(4200000000L, 1, 2))), 200L, 50L);
        Path path = GobgpMessages.path(new AdvertisedRoute(IpAddress.parse("192.0.2.10"), 0,
                IpAddress.parse("10.77.0.11"), T0, sent), List.of(), true);

        assertThat(path.getPattrsList()).extracting(Any::getTypeUrl).containsExactly(
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.AsPathAttribute",
                "type.googleapis.com/apipb.NextHopAttribute", "type.googleapis.com/apipb.MultiExitDiscAttribute",
                "type.googleapis.com/apipb.LocalPrefAttribute", "type.googleapis.com/apipb.CommunitiesAttribute",
                "type.googleapis.com/apipb.LargeCommunitiesAttribute");
        assertThat(path.getPattrs(3).unpack(MultiExitDiscAttribute.class).getMed()).isEqualTo(50);
        assertThat(path.getPattrs(4).unpack(LocalPrefAttribute.class).getLocalPref()).isEqualTo(200);
        assertThat(path.getPattrs(5).unpack(CommunitiesAttribute.class).getCommunitiesList())
                .containsExactly(65000 << 16 | 100, 0xFFFF_FF01); // uint32 on the wire: NO_EXPORT as an int
        var large = path.getPattrs(6).unpack(LargeCommunitiesAttribute.class).getCommunities(0);
        assertThat(Integer.toUnsignedLong(large.getGlobalAdmin())).isEqualTo(4200000000L);
        assertThat(large.getLocalData1()).isEqualTo(1);
        assertThat(large.getLocalData2()).isEqualTo(2);
    }

    @Test
    void anIpv6PathHasMpReachBetweenCommunitiesAndLargeCommunitiesAsGobgpdSortsThem() {
        RouteAttributes sent = new RouteAttributes(new TreeSet<>(List.of(65000L << 16 | 100)),
                new TreeSet<>(List.of(new LargeCommunity(65000, 1, 2))), null, 50L);
        Path path = GobgpMessages.path(new AdvertisedRoute(IpAddress.parse("2001:db8::10"), 0,
                IpAddress.parse("fd77::11"), T0, sent), List.of(64513L), true);

        assertThat(path.getPattrsList()).extracting(Any::getTypeUrl).containsExactly(
                "type.googleapis.com/apipb.OriginAttribute", "type.googleapis.com/apipb.AsPathAttribute",
                "type.googleapis.com/apipb.MultiExitDiscAttribute", "type.googleapis.com/apipb.CommunitiesAttribute",
                "type.googleapis.com/apipb.MpReachNLRIAttribute", "type.googleapis.com/apipb.LargeCommunitiesAttribute");
    }

    @Test
    void adjOutIsOneNeighborsRoutesWithTheAsPathSent() throws Exception {
        List<NeighborView> sessions = List.of(
                neighbor("a", "10.77.0.1", "ESTABLISHED", T0, null, List.of(route("192.0.2.10", "10.77.0.11", 0))),
                neighbor("b", "10.77.0.2", "ESTABLISHED", T0, null, List.of(route("192.0.2.11", "10.77.0.11", 0))));

        List<Destination> out = GobgpMessages.table(TableType.ADJ_OUT, "10.77.0.2", V4, List.of(), sessions, null);

        assertThat(out).extracting(Destination::getPrefix).containsExactly("192.0.2.11/32");
        assertThat(out.get(0).getPaths(0).getPattrs(1).unpack(AsPathAttribute.class).getSegments(0).getNumbersList())
                .containsExactly(64513);
        assertThatThrownBy(() -> GobgpMessages.table(TableType.ADJ_OUT, "10.77.0.3", V4, List.of(), sessions, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.77.0.3");
        assertThatThrownBy(() -> GobgpMessages.table(TableType.VRF, "x", V4, List.of(), sessions, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GobgpMessages.table(TableType.ADJ_IN, "10.77.0.1", V4, List.of(), sessions, null)).isEmpty();
    }

    @Test
    void adjOutToAnIbgpNeighborShowsTheEmptyAsPathSent() throws Exception {
        NeighborView e = neighbor("a", "10.77.0.1", "ESTABLISHED", T0, null, List.of(route("192.0.2.10", "10.77.0.11", 0)));
        NeighborView ibgp = new NeighborView(e.peer(), e.address(), e.port(), 64513, 64513, e.state(), e.establishedAt(),
                e.downSince(), e.sent(), e.received(), e.advertisedPrefixes(), e.pendingPrefixes(), e.lastError(),
                e.detail());

        List<Destination> out = GobgpMessages.table(TableType.ADJ_OUT, "10.77.0.1", V4, List.of(), List.of(ibgp), null);

        assertThat(out.get(0).getPaths(0).getPattrs(1).unpack(AsPathAttribute.class).getSegmentsList()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.10,EXACT,true", "192.0.2.10/32,EXACT,true", "192.0.2.0/24,EXACT,false",
            "192.0.2.11,EXACT,false", "192.0.2.0/24,LONGER,true", "192.0.3.0/24,LONGER,false",
            "192.0.2.10/32,SHORTER,true", "not-an-address,EXACT,false",
            "2001:db8::10,EXACT,false"})
    void lookupsMatchHostRoutesAsGobgpDoes(String prefix, TableLookupPrefix.Type type, boolean matches) {
        TableLookupPrefix filter = TableLookupPrefix.newBuilder().setPrefix(prefix).setType(type).build();

        assertThat(GobgpMessages.matches(IpAddress.parse("192.0.2.10"), List.of(filter))).isEqualTo(matches);
    }

    private static String nextHop(Path path) {
        try {
            return path.getPattrs(2).unpack(NextHopAttribute.class).getNextHop();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AdvertisedRoute route(String address, String nextHop, long pathId) {
        return new AdvertisedRoute(IpAddress.parse(address), pathId, IpAddress.parse(nextHop), T0,
                RouteAttributes.NONE);
    }

    private static NeighborView neighbor(String name, String address, String state, Instant up, Instant down,
            List<AdvertisedRoute> routes) {
        IpFamily family = IpAddress.parse(address).family();
        boolean established = state.equals("ESTABLISHED");
        return new NeighborView(name, address, 179, 64513, 64512, state, up, down,
                new MessageCounts(10, 1, 2, 0, 7, 0), new MessageCounts(9, 1, 1, 0, 7, 0), routes.size(), 0, "",
                new SessionDetail(established ? "10.77.0.11" : "", established ? address : "", 90, 0, 1,
                        established ? 90 : 0, established ? 30 : 0, false, 1, -1, List.of(family),
                        up != null ? up : down == null ? null : T0, routes));
    }
}
