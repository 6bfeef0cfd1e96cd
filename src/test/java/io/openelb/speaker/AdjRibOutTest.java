package io.openelb.speaker;

import static io.openelb.speaker.UpdateContents.announced;
import static io.openelb.speaker.UpdateContents.nextHops;
import static io.openelb.speaker.UpdateContents.withdrawn;
import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.BgpRoutes;
import io.openelb.announce.NodeHop;
import io.openelb.announce.RouteAttributes;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Adj-RIB-Out diff on its own: desired routes against the ones sent give the UPDATEs, no socket. */
class AdjRibOutTest {
    private static final long LOCAL_AS = 64513;
    private static final String PEER = "router1";
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00.700Z");
    private static final NodeHop NODE1 = new NodeHop("node1", NodeHop.pathId("node1", IpAddress.parse("10.77.0.11")),
            IpAddress.parse("10.77.0.11"), IpAddress.parse("2001:db8:77::11"));
    private static final NodeHop NODE2 = new NodeHop("node2", NodeHop.pathId("node2", IpAddress.parse("10.77.0.12")),
            IpAddress.parse("10.77.0.12"), IpAddress.parse("2001:db8:77::12"));

    private final AdjRibOut rib = new AdjRibOut(PEER, Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void announcesANewAddressWithThisNodeAsNextHop(IpFamily family) {
        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(family, 7), "node1")), family, terms(Set.of()),
                NODE1.address(family), LOCAL_AS);

        assertThat(announced(delta.updates())).containsExactly(Prefix.host(vip(family, 7)));
        assertThat(nextHops(delta.updates())).containsExactly(NODE1.address(family));
        assertThat(withdrawn(delta.updates())).isEmpty();
        assertThat(delta.announced()).isEqualTo(1);
        assertThat(delta.withdrawn()).isZero();
        assertThat(rib.routes()).containsExactly(new AdvertisedRoute(vip(family, 7), Prefix.NO_PATH_ID,
                NODE1.address(family), Instant.parse("2024-05-01T10:00:00Z"), RouteAttributes.NONE));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void withdrawsAnAddressNoLongerDesiredAndKeepsTheOthers(IpFamily family) {
        rib.sync(routes(Map.of(vip(family, 7), "node1", vip(family, 8), "node1")), family, terms(Set.of()),
                NODE1.address(family), LOCAL_AS);

        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(family, 8), "node1")), family, terms(Set.of()),
                NODE1.address(family), LOCAL_AS);

        assertThat(withdrawn(delta.updates())).containsExactly(Prefix.host(vip(family, 7)));
        assertThat(announced(delta.updates())).isEmpty();
        assertThat(delta.withdrawn()).isEqualTo(1);
        assertThat(rib.size()).isEqualTo(1);
        assertThat(rib.routes()).extracting(AdvertisedRoute::address).containsExactly(vip(family, 8));
    }

    @Test
    void addressesOtherNodesAnnounceAreNotOursWithoutAddPath() {
        AdjRibOut.Delta delta = rib.sync(routes(Map.of(vip(IpFamily.IPV4, 7), "node2")), IpFamily.IPV4,
                terms(Set.of()), NODE1.ipv4(), LOCAL_AS);

        assertThat(delta.updates()).isEmpty();
        assertThat(delta.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void sendsNothingWhenNothingChanged(IpFamily family) {
        BgpRoutes desired = routes(Map.of(vip(family, 7), "node1"));
        rib.sync(desired, family, terms(Set.of()), NODE1.address(family), LOCAL_AS);
        java.util.Collection<AdvertisedRoute> before = rib.routes();

        AdjRibOut.Delta again = rib.sync(desired, family, terms(Set.of()), NODE1.address(family), LOCAL_AS);

        assertThat(again.updates()).isEmpty();
        assertThat(again.isEmpty()).isTrue();
        assertThat(rib.routes()).as("not copied again").isSameAs(before);
    }

    @Test
    void aMovedNextHopAnnouncesTheRouteAgainWithoutWithdrawingIt() {
        BgpRoutes desired = routes(Map.of(vip(IpFamily.IPV4, 7), "node1"));
        rib.sync(desired, IpFamily.IPV4, terms(Set.of()), IpAddress.parse("10.77.0.11"), LOCAL_AS);

        AdjRibOut.Delta delta = rib.sync(desired, IpFamily.IPV4, terms(Set.of()), IpAddress.parse("10.77.1.11"),
                LOCAL_AS);

        assertThat(announced(delta.updates())).containsExactly(Prefix.host(vip(IpFamily.IPV4, 7)));
        assertThat(nextHops(delta.updates())).containsExactly(IpAddress.parse("10.77.1.11"));
        assertThat(withdrawn(delta.updates())).isEmpty();
        assertThat(rib.routes()).extracting(AdvertisedRoute::nextHop).containsExactly(IpAddress.parse("10.77.1.11"));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void withAddPathSendsOnePathPerAnnouncingNodeWithThatNodeAsNextHop(IpFamily family) {
        BgpRoutes desired = new BgpRoutes("node1", Map.of(vip(family, 7), new TreeSet<>(Set.of("node1", "node2"))),
                Map.of("node1", NODE1, "node2", NODE2));

        AdjRibOut.Delta delta = rib.sync(desired, family, terms(Set.of(family)), NODE1.address(family), LOCAL_AS);

        assertThat(delta.updates()).as("one UPDATE per next hop").hasSize(2);
        assertThat(announced(delta.updates())).containsExactlyInAnyOrder(
                Prefix.host(vip(family, 7), NODE1.pathId()), Prefix.host(vip(family, 7), NODE2.pathId()));
        assertThat(nextHops(delta.updates())).containsExactlyInAnyOrder(NODE1.address(family), NODE2.address(family));
        assertThat(rib.routes()).extracting(AdvertisedRoute::pathId)
                .containsExactlyInAnyOrder(NODE1.pathId(), NODE2.pathId());
    }

    @Test
    void withAddPathANodeThatStopsAnnouncingLosesOnlyItsPath() {
        IpAddress vip = vip(IpFamily.IPV4, 7);
        Map<String, NodeHop> nodes = Map.of("node1", NODE1, "node2", NODE2);
        rib.sync(new BgpRoutes("node1", Map.of(vip, new TreeSet<>(Set.of("node1", "node2"))), nodes),
                IpFamily.IPV4, terms(Set.of(IpFamily.IPV4)), NODE1.ipv4(), LOCAL_AS);

        AdjRibOut.Delta delta = rib.sync(new BgpRoutes("node1", Map.of(vip, new TreeSet<>(Set.of("node1"))), nodes),
                IpFamily.IPV4, terms(Set.of(IpFamily.IPV4)), NODE1.ipv4(), LOCAL_AS);

        assertThat(withdrawn(delta.updates())).containsExactly(Prefix.host(vip, NODE2.pathId()));
        assertThat(announced(delta.updates())).isEmpty();
        assertThat(rib.routes()).extracting(AdvertisedRoute::pathId).containsExactly(NODE1.pathId());
    }

    @Test
    void eachFamilyIsSyncedOnItsOwn() {
        BgpRoutes desired = routes(Map.of(vip(IpFamily.IPV4, 7), "node1", vip(IpFamily.IPV6, 7), "node1"));
        rib.sync(desired, IpFamily.IPV4, terms(Set.of()), NODE1.ipv4(), LOCAL_AS);

        AdjRibOut.Delta v6 = rib.sync(routes(Map.of()), IpFamily.IPV6, terms(Set.of()), NODE1.ipv6(), LOCAL_AS);

        assertThat(v6.isEmpty()).as("an IPv6 sync leaves the IPv4 routes alone").isTrue();
        assertThat(rib.size()).isEqualTo(1);
    }

    @Test
    void afterClearEverythingIsSentAgain() {
        BgpRoutes desired = routes(Map.of(vip(IpFamily.IPV4, 7), "node1"));
        rib.sync(desired, IpFamily.IPV4, terms(Set.of()), NODE1.ipv4(), LOCAL_AS);

        rib.clear();
        assertThat(rib.size()).isZero();
        assertThat(rib.routes()).isEmpty();
        AdjRibOut.Delta delta = rib.sync(desired, IpFamily.IPV4, terms(Set.of()), NODE1.ipv4(), LOCAL_AS);

        assertThat(announced(delta.updates())).containsExactly(Prefix.host(vip(IpFamily.IPV4, 7)));
    }

    @Test
    void pendingCountsOwnAddressesOfTheSessionsFamiliesOrEveryNodesWithAddPath() {
        BgpRoutes desired = routes(Map.of(vip(IpFamily.IPV4, 7), "node1", vip(IpFamily.IPV4, 8), "node2",
                vip(IpFamily.IPV6, 7), "node1"));

        assertThat(rib.pending(desired, config(Set.of()))).isEqualTo(1);
        assertThat(rib.pending(desired, config(Set.of(IpFamily.IPV4)))).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void syncingTheChangedAddressesAloneSendsWhatAFullSyncWouldAndKeepsTheSameRib(IpFamily family) {
        AdjRibOut full = new AdjRibOut(PEER, Clock.fixed(NOW, ZoneOffset.UTC));
        java.util.Random random = new java.util.Random(11);
        Map<IpAddress, SortedSet<String>> announcers = new HashMap<>();
        BgpRoutes desired = new BgpRoutes("node1", announcers, Map.of("node1", NODE1, "node2", NODE2));
        for (int step = 0; step < 500; step++) {
            IpAddress address = vip(family, 1 + random.nextInt(20));
            switch (random.nextInt(3)) {
                case 0 -> announcers.remove(address);
                case 1 -> announcers.put(address, new TreeSet<>(Set.of("node1")));
                default -> announcers.put(address, new TreeSet<>(Set.of("node1", "node2")));
            }
            AdjRibOut.Delta one = rib.sync(desired, List.of(address), family, terms(Set.of()), NODE1.address(family),
                    LOCAL_AS);
            AdjRibOut.Delta all = full.sync(desired, family, terms(Set.of()), NODE1.address(family), LOCAL_AS);

            assertThat(one.updates()).as("step %d", step).isEqualTo(all.updates());
            assertThat(Set.copyOf(rib.routes())).isEqualTo(Set.copyOf(full.routes()));
        }
        assertThat(rib.size()).isPositive();
    }

    @Test
    void withAddPathSyncingOneAddressWithdrawsOnlyThePathsOfTheNodesThatStopped() {
        IpAddress vip = vip(IpFamily.IPV4, 7);
        Map<IpAddress, SortedSet<String>> announcers = new HashMap<>(Map.of(vip, new TreeSet<>(Set.of("node1", "node2")),
                vip(IpFamily.IPV4, 8), new TreeSet<>(Set.of("node2"))));
        BgpRoutes desired = new BgpRoutes("node1", announcers, Map.of("node1", NODE1, "node2", NODE2));
        rib.sync(desired, IpFamily.IPV4, terms(Set.of(IpFamily.IPV4)), NODE1.address(IpFamily.IPV4), LOCAL_AS);

        announcers.put(vip, new TreeSet<>(Set.of("node1")));
        AdjRibOut.Delta delta = rib.sync(desired, List.of(vip), IpFamily.IPV4, terms(Set.of(IpFamily.IPV4)),
                NODE1.address(IpFamily.IPV4), LOCAL_AS);

        assertThat(withdrawn(delta.updates())).containsExactly(Prefix.host(vip, NODE2.pathId()));
        assertThat(announced(delta.updates())).isEmpty();
        assertThat(rib.size()).isEqualTo(2);
    }

    private static IpAddress vip(IpFamily family, int last) {
        return IpAddress.parse(family == IpFamily.IPV4 ? "192.0.2." + last : "2001:db8:100::" + last);
    }

    /** Each address announced by one node. */
    private static BgpRoutes routes(Map<IpAddress, String> announcer) {
        Map<IpAddress, SortedSet<String>> announcers = new HashMap<>();
        announcer.forEach((address, node) -> announcers.put(address, new TreeSet<>(Set.of(node))));
        return new BgpRoutes("node1", announcers, Map.of("node1", NODE1, "node2", NODE2));
    }

    private static Negotiated terms(Set<IpFamily> addPath) {
        return new Negotiated(Duration.ofSeconds(90), Duration.ofSeconds(30), true,
                Set.of(IpFamily.IPV4, IpFamily.IPV6), 64512, 0x0a4d0001L, false, addPath);
    }

    private static SessionConfig config(Set<IpFamily> addPathSend) {
        return new SessionConfig(LOCAL_AS, 0x0a4d000bL, 64512, Set.of(IpFamily.IPV4), Duration.ofSeconds(90), null,
                Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1, addPathSend);
    }
}
