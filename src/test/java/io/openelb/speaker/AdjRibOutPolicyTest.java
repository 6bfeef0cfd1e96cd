package io.openelb.speaker;

import static io.openelb.speaker.UpdateContents.announced;
import static io.openelb.speaker.UpdateContents.nextHops;
import static io.openelb.speaker.UpdateContents.withdrawn;
import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.BgpRoutes;
import io.openelb.announce.NodeHop;
import io.openelb.announce.RouteAttributes;
import io.openelb.announce.RoutePolicy;
import io.openelb.bgp.codec.LargeCommunity;
import io.openelb.bgp.codec.PathAttribute;
import io.openelb.bgp.codec.Prefix;
import io.openelb.bgp.codec.Update;
import io.openelb.bgp.fsm.Negotiated;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.status.AdvertisedRoute;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Adj-RIB-Out under an advertisement policy: which routes a peer gets, with which attributes. */
class AdjRibOutPolicyTest {
    private static final long LOCAL_AS = 64513;
    private static final long ROUTER_AS = 64512;
    private static final String PEER = "router1";
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final NodeHop NODE1 = new NodeHop("node1", NodeHop.pathId("node1", IpAddress.parse("10.77.0.11")),
            IpAddress.parse("10.77.0.11"), IpAddress.parse("2001:db8:77::11"));
    private static final NodeHop NODE2 = new NodeHop("node2", NodeHop.pathId("node2", IpAddress.parse("10.77.0.12")),
            IpAddress.parse("10.77.0.12"), IpAddress.parse("2001:db8:77::12"));
    private static final RouteAttributes GOLD = attributes(null, null, 65000L << 16 | 100);

    private final AdjRibOut rib = new AdjRibOut(PEER, Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void changedAttributesAnnounceTheRouteAgainWithoutWithdrawingIt(IpFamily family) {
        IpAddress vip = vip(family, 7);
        rib.sync(routes(Map.of(vip, GOLD)), family, ebgp(), NODE1.address(family), LOCAL_AS);
        RouteAttributes silver = attributes(null, 5L, 65000L << 16 | 200);

        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip, silver)), family, ebgp(), NODE1.address(family), LOCAL_AS);

        assertThat(withdrawn(delta.updates())).as("hitless: a replacement, no withdrawal first").isEmpty();
        assertThat(announced(delta.updates())).containsExactly(Prefix.host(vip));
        assertThat(delta.updates().get(0).attributes()).contains(new PathAttribute.MultiExitDisc(5),
                new PathAttribute.Communities(List.of(65000L << 16 | 200)));
        assertThat(rib.routes()).extracting(AdvertisedRoute::attributes).containsExactly(silver);
        assertThat(rib.sync(routes(Map.of(vip, silver)), family, ebgp(), NODE1.address(family), LOCAL_AS).isEmpty())
                .as("nothing changed: nothing sent").isTrue();
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void anAddressThePolicyKeepsFromThePeerIsWithdrawnFromIt(IpFamily family) {
        rib.sync(routes(Map.of(vip(family, 7), GOLD, vip(family, 8), GOLD)), family, ebgp(), NODE1.address(family),
                LOCAL_AS);

        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(family, 8), GOLD)), family, ebgp(), NODE1.address(family),
                LOCAL_AS);

        assertThat(withdrawn(delta.updates())).containsExactly(Prefix.host(vip(family, 7)));
        assertThat(announced(delta.updates())).isEmpty();
        assertThat(rib.routes()).extracting(AdvertisedRoute::address).containsExactly(vip(family, 8));
    }

    @Test
    void anotherPeersSessionGetsNothingThePolicyGivesOnlyThisPeer() {
        AdjRibOut other = new AdjRibOut("router2", Clock.fixed(NOW, ZoneOffset.UTC));

        AdjRibOut.Delta delta = other.sync(routes(Map.of(vip(IpFamily.IPV4, 7), GOLD)), IpFamily.IPV4, ebgp(),
                NODE1.ipv4(), LOCAL_AS);

        assertThat(delta.isEmpty()).isTrue();
        assertThat(other.pending(routes(Map.of(vip(IpFamily.IPV4, 7), GOLD)), config())).isZero();
        assertThat(rib.pending(routes(Map.of(vip(IpFamily.IPV4, 7), GOLD)), config())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void ibgpSessionsCarryLocalPref100ByDefaultAnEmptyAsPathAndThisNodeAsNextHop(IpFamily family) {
        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(family, 7), RouteAttributes.NONE)), family, ibgp(),
                NODE1.address(family), LOCAL_AS);

        List<PathAttribute> sent = delta.updates().get(0).attributes();
        assertThat(sent).contains(new PathAttribute.AsPath(List.of(), false), new PathAttribute.LocalPref(100));
        assertThat(nextHops(delta.updates())).containsExactly(NODE1.address(family));
        assertThat(sent).extracting(PathAttribute::typeCode).as("ascending type codes").isSorted();
        assertThat(rib.routes()).extracting(r -> r.attributes().localPref()).containsExactly(100L);
    }

    @Test
    void ibgpSessionsCarryThePolicysLocalPref() {
        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(IpFamily.IPV4, 7), attributes(300L, null))),
                IpFamily.IPV4, ibgp(), NODE1.ipv4(), LOCAL_AS);

        assertThat(delta.updates().get(0).attributes()).contains(new PathAttribute.LocalPref(300))
                .doesNotContain(new PathAttribute.LocalPref(100));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void ebgpSessionsNeverCarryLocalPrefEvenWhenThePolicyGivesOne(IpFamily family) {
        IpAddress vip = vip(family, 7);
        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip, attributes(300L, 7L))), family, ebgp(),
                NODE1.address(family), LOCAL_AS);

        List<PathAttribute> sent = delta.updates().get(0).attributes();
        assertThat(sent).noneMatch(a -> a instanceof PathAttribute.LocalPref);
        assertThat(sent).contains(PathAttribute.AsPath.sequence(LOCAL_AS), new PathAttribute.MultiExitDisc(7));
        assertThat(rib.sync(routes(Map.of(vip, attributes(400L, 7L))), family, ebgp(), NODE1.address(family), LOCAL_AS)
                .isEmpty()).as("a LOCAL_PREF the peer never sees changes nothing on the session").isTrue();
    }

    @Test
    void communitiesGoSortedAndOnceAndEachAttributeSetInItsOwnUpdate() {
        RouteAttributes both = new RouteAttributes(new TreeSet<>(List.of(3L, 1L, 2L, 1L)),
                new TreeSet<>(List.of(new LargeCommunity(64513, 2, 0), new LargeCommunity(64513, 1, 0))), null, null);

        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(IpFamily.IPV4, 7), both, vip(IpFamily.IPV4, 8), GOLD,
                vip(IpFamily.IPV4, 9), both)), IpFamily.IPV4, ebgp(), NODE1.ipv4(), LOCAL_AS);

        assertThat(delta.updates()).hasSize(2);
        assertThat(delta.announced()).isEqualTo(3);
        Update first = delta.updates().get(0);
        assertThat(first.nlri()).containsExactly(Prefix.host(vip(IpFamily.IPV4, 7)), Prefix.host(vip(IpFamily.IPV4, 9)));
        assertThat(first.attributes()).contains(new PathAttribute.Communities(List.of(1L, 2L, 3L)),
                new PathAttribute.LargeCommunities(List.of(new LargeCommunity(64513, 1, 0),
                        new LargeCommunity(64513, 2, 0))));
        assertThat(delta.updates().get(1).nlri()).containsExactly(Prefix.host(vip(IpFamily.IPV4, 8)));
    }

    @Test
    void underAddPathEveryNodesPathCarriesTheAddresssAttributes() {
        IpAddress vip = vip(IpFamily.IPV4, 7);
        BgpRoutes desired = new BgpRoutes("node1", Map.of(vip, new TreeSet<>(Set.of("node1", "node2"))),
                Map.of("node1", NODE1, "node2", NODE2), policy(Map.of(vip, GOLD)));

        AdjRibOut.Delta delta = rib.sync(desired, IpFamily.IPV4, ebgp(Set.of(IpFamily.IPV4)), NODE1.ipv4(), LOCAL_AS);

        assertThat(delta.updates()).hasSize(2).allSatisfy(u -> assertThat(u.attributes())
                .contains(new PathAttribute.Communities(List.of(65000L << 16 | 100))));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void syncingByAddressFollowsThePolicyAsAFullSyncDoes(IpFamily family) {
        IpAddress vip = vip(family, 7);
        AdjRibOut full = new AdjRibOut(PEER, Clock.fixed(NOW, ZoneOffset.UTC));
        List<Map<IpAddress, RouteAttributes>> steps = List.of(Map.of(), Map.of(vip, GOLD),
                Map.of(vip, attributes(null, 9L)), Map.of(), Map.of(vip, GOLD));
        List<String> sent = new ArrayList<>();
        for (Map<IpAddress, RouteAttributes> step : steps) {
            BgpRoutes desired = routes(Map.of(vip, RouteAttributes.NONE), policy(step));

            AdjRibOut.Delta one = rib.sync(desired, List.of(vip), family, ebgp(), NODE1.address(family), LOCAL_AS);
            AdjRibOut.Delta all = full.sync(desired, family, ebgp(), NODE1.address(family), LOCAL_AS);

            assertThat(one.updates()).isEqualTo(all.updates());
            assertThat(Set.copyOf(rib.routes())).isEqualTo(Set.copyOf(full.routes()));
            sent.add(one.announced() + "/" + one.withdrawn());
        }
        assertThat(sent).as("announced/withdrawn per step").containsExactly("0/0", "1/0", "1/0", "0/1", "1/0");
    }

    private static IpAddress vip(IpFamily family, int last) {
        return IpAddress.parse(family == IpFamily.IPV4 ? "192.0.2." + last : "2001:db8:100::" + last);
    }

    private static RouteAttributes attributes(Long localPref, Long med, Long... communities) {
        return new RouteAttributes(new TreeSet<>(List.of(communities)), new TreeSet<>(), localPref, med);
    }

    /** The attributes per address for {@link #PEER}; other addresses and other peers get nothing. */
    private static RoutePolicy policy(Map<IpAddress, RouteAttributes> toPeer) {
        return new RoutePolicy() {
            @Override
            public RouteAttributes toPeer(String peer, IpAddress address) {
                return peer.equals(PEER) ? toPeer.get(address) : null;
            }

            @Override
            public boolean fromNode(String node, IpAddress address) {
                return true;
            }
        };
    }

    /** Each address announced by this node, with the given attributes to {@link #PEER}. */
    private static BgpRoutes routes(Map<IpAddress, RouteAttributes> toPeer) {
        return routes(toPeer, policy(toPeer));
    }

    private static BgpRoutes routes(Map<IpAddress, RouteAttributes> addresses, RoutePolicy policy) {
        Map<IpAddress, SortedSet<String>> announcers = new HashMap<>();
        addresses.keySet().forEach(address -> announcers.put(address, new TreeSet<>(Set.of("node1"))));
        return new BgpRoutes("node1", announcers, Map.of("node1", NODE1, "node2", NODE2), policy);
    }

    private static Negotiated ebgp() {
        return ebgp(Set.of());
    }

    private static Negotiated ebgp(Set<IpFamily> addPath) {
        return new Negotiated(Duration.ofSeconds(90), Duration.ofSeconds(30), true,
                Set.of(IpFamily.IPV4, IpFamily.IPV6), ROUTER_AS, 0x0a4d0001L, false, addPath);
    }

    private static Negotiated ibgp() {
        return new Negotiated(Duration.ofSeconds(90), Duration.ofSeconds(30), true,
                Set.of(IpFamily.IPV4, IpFamily.IPV6), LOCAL_AS, 0x0a4d0001L, false, Set.of());
    }

    private static SessionConfig config() {
        return new SessionConfig(LOCAL_AS, 0x0a4d000bL, ROUTER_AS, Set.of(IpFamily.IPV4), Duration.ofSeconds(90), null,
                Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1, Set.of());
    }
}
