package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.bgp.codec.Prefix;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BgpRoutesTest {
    private static final String PEER = "router1";
    private static final IpAddress VIP = IpAddress.parse("192.0.2.5");
    private static final IpAddress LOCAL = IpAddress.parse("10.77.0.11");
    private static final Map<String, NodeHop> NODES = Map.of(
            "node1", hop("node1", "10.77.0.11", "fd77::11"),
            "node2", hop("node2", "10.77.0.12", null),
            "node3", hop("node3", "10.77.0.13", "fd77::13"));

    private static NodeHop hop(String name, String v4, String v6) {
        IpAddress ipv4 = IpAddress.parse(v4);
        return new NodeHop(name, NodeHop.pathId(name, ipv4), ipv4, v6 == null ? null : IpAddress.parse(v6));
    }

    /** The routes' next hops, in the routes' order. */
    private static Map<Prefix, IpAddress> nextHops(Map<Prefix, BgpRoutes.Route> routes) {
        Map<Prefix, IpAddress> out = new LinkedHashMap<>();
        routes.forEach((prefix, route) -> out.put(prefix, route.nextHop()));
        return out;
    }

    private static SortedSet<String> nodes(String... names) {
        return new TreeSet<>(java.util.List.of(names));
    }

    @Test
    void withoutAddPathThisNodeAnnouncesItsOwnAddressesWithItselfAsNextHop() {
        BgpRoutes routes = new BgpRoutes("node1", Map.of(VIP, nodes("node1", "node2"),
                IpAddress.parse("192.0.2.6"), nodes("node2")), NODES);

        assertThat(nextHops(routes.of(PEER, IpFamily.IPV4, false, LOCAL))).containsExactly(Map.entry(Prefix.host(VIP), LOCAL));
        assertThat(new BgpRoutes("node3", routes.announcers(), NODES).of(PEER, IpFamily.IPV4, false, LOCAL))
                .isEmpty();
    }

    @Test
    void withAddPathOnePathPerAnnouncingNodeWithThatNodeAsNextHop() {
        BgpRoutes routes = new BgpRoutes("node1", Map.of(VIP, nodes("node1", "node2")), NODES);

        Map<Prefix, IpAddress> paths = nextHops(routes.of(PEER, IpFamily.IPV4, true, LOCAL));

        assertThat(paths).containsExactly(
                Map.entry(Prefix.host(VIP, 0x0a4d000bL), LOCAL),
                Map.entry(Prefix.host(VIP, 0x0a4d000cL), IpAddress.parse("10.77.0.12")));
    }

    @Test
    void thePolicyGivesEachPeerItsAttributesOrNoRoute() {
        RouteAttributes toRouter1 = new RouteAttributes(new java.util.TreeSet<>(java.util.List.of(0xfde80064L)),
                new java.util.TreeSet<>(), null, 10L);
        RoutePolicy policy = new RoutePolicy() {
            @Override
            public RouteAttributes toPeer(String peer, IpAddress address) {
                return peer.equals(PEER) ? toRouter1 : null;
            }

            @Override
            public boolean fromNode(String node, IpAddress address) {
                return true;
            }
        };
        BgpRoutes routes = new BgpRoutes("node1", Map.of(VIP, nodes("node1", "node2")), NODES, policy);

        assertThat(routes.of(PEER, IpFamily.IPV4, true, LOCAL).values()).extracting(BgpRoutes.Route::attributes)
                .containsExactly(toRouter1, toRouter1);
        assertThat(routes.of("router2", IpFamily.IPV4, true, LOCAL)).isEmpty();
        assertThat(new BgpRoutes("node1", routes.announcers(), NODES).of("router2", IpFamily.IPV4, false, LOCAL))
                .as("without a policy").containsExactly(Map.entry(Prefix.host(VIP),
                        new BgpRoutes.Route(LOCAL, RouteAttributes.NONE)));
    }

    @Test
    void nodesWithoutAnAddressOfTheFamilyGiveNoPath() {
        IpAddress vip6 = IpAddress.parse("2001:db8::5");
        BgpRoutes routes = new BgpRoutes("node1", Map.of(vip6, nodes("node1", "node2", "node3")), NODES);

        assertThat(nextHops(routes.of(PEER, IpFamily.IPV6, true, IpAddress.parse("fd77::11"))).values())
                .containsExactly(IpAddress.parse("fd77::11"), IpAddress.parse("fd77::13"));
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    private static RouteAttributes communities(Long... values) {
        return new RouteAttributes(new TreeSet<>(java.util.List.of(values)), new TreeSet<>(), null, null);
    }

    /**
     * Every address to every peer under its covering /{@code length}, except those given their own length;
     * {@code attributes} per address (absent: none), {@code shared} the same without overrides.
     */
    private static RoutePolicy aggregating(int length, Map<IpAddress, Integer> lengths,
            Map<IpAddress, RouteAttributes> attributes, Map<IpAddress, RouteAttributes> shared) {
        return new RoutePolicy() {
            @Override
            public RouteAttributes toPeer(String peer, IpAddress address) {
                return attributes.getOrDefault(address, RouteAttributes.NONE);
            }

            @Override
            public RouteAttributes sharedToPeer(String peer, IpAddress address) {
                return shared.getOrDefault(address, toPeer(peer, address));
            }

            @Override
            public int prefixLength(String peer, IpAddress address) {
                return lengths.getOrDefault(address, length);
            }

            @Override
            public boolean fromNode(String node, IpAddress address) {
                return true;
            }
        };
    }

    private static RoutePolicy aggregating(int length) {
        return aggregating(length, Map.of(), Map.of(), Map.of());
    }

    @Test
    void addressesInOneCoveringPrefixGiveOneRoute() {
        BgpRoutes routes = new BgpRoutes("node1", Map.of(VIP, nodes("node1"), ip("192.0.2.6"), nodes("node1"),
                ip("192.0.2.200"), nodes("node1"), ip("198.51.100.7"), nodes("node1")), NODES, aggregating(24));

        assertThat(nextHops(routes.of(PEER, IpFamily.IPV4, false, LOCAL))).containsExactly(
                Map.entry(new Prefix(ip("192.0.2.0"), 24), LOCAL),
                Map.entry(new Prefix(ip("198.51.100.0"), 24), LOCAL));
    }

    @Test
    void aHostRouteAndAnAggregateAtTheSameAddressAreTwoRoutes() {
        BgpRoutes routes = new BgpRoutes("node1", Map.of(ip("192.0.2.0"), nodes("node1"), VIP, nodes("node1")), NODES,
                aggregating(24, Map.of(ip("192.0.2.0"), 32), Map.of(), Map.of()));

        assertThat(routes.of(PEER, IpFamily.IPV4, false, LOCAL).keySet()).containsExactly(
                new Prefix(ip("192.0.2.0"), 24), Prefix.host(ip("192.0.2.0")));
    }

    /**
     * externalTrafficPolicy Local as the host routes have it: the announcers of an address are the nodes with
     * one of its endpoints, and a node announces the aggregate while it announces at least one address in it.
     */
    @Test
    void aNodeAnnouncesAnAggregateWhileItAnnouncesAnAddressInIt() {
        Map<IpAddress, SortedSet<String>> announcers = new java.util.HashMap<>(Map.of(VIP, nodes("node2"),
                ip("192.0.2.6"), nodes("node1", "node2")));
        BgpRoutes node1 = new BgpRoutes("node1", announcers, NODES, aggregating(24));
        Prefix aggregate = new Prefix(ip("192.0.2.0"), 24);

        assertThat(node1.of(PEER, IpFamily.IPV4, false, LOCAL)).containsOnlyKeys(aggregate);
        assertThat(new BgpRoutes("node3", announcers, NODES, aggregating(24)).of(PEER, IpFamily.IPV4, false, LOCAL))
                .as("no endpoint of any of its addresses").isEmpty();

        announcers.put(ip("192.0.2.6"), nodes("node2"));
        assertThat(node1.of(PEER, IpFamily.IPV4, false, LOCAL)).as("its last address gone").isEmpty();
    }

    @Test
    void withAddPathOneAggregatePathPerNodeThatAnnouncesAnAddressInIt() {
        BgpRoutes routes = new BgpRoutes("node1", Map.of(VIP, nodes("node1", "node2"),
                ip("192.0.2.6"), nodes("node2", "node3"), ip("192.0.2.7"), nodes("node2")), NODES, aggregating(24));

        Map<Prefix, IpAddress> paths = nextHops(routes.of(PEER, IpFamily.IPV4, true, LOCAL));

        assertThat(paths).containsExactly(
                Map.entry(new Prefix(ip("192.0.2.0"), 24, 0x0a4d000bL), LOCAL),
                Map.entry(new Prefix(ip("192.0.2.0"), 24, 0x0a4d000cL), ip("10.77.0.12")),
                Map.entry(new Prefix(ip("192.0.2.0"), 24, 0x0a4d000dL), ip("10.77.0.13")));
    }

    @Test
    void anAggregateCarriesItsAddressesAttributesWhenTheyAgree() {
        RouteAttributes gold = communities(1L);
        BgpRoutes routes = new BgpRoutes("node1", Map.of(VIP, nodes("node1"), ip("192.0.2.6"), nodes("node1")), NODES,
                aggregating(24, Map.of(), Map.of(VIP, gold, ip("192.0.2.6"), gold), Map.of()));

        assertThat(routes.of(PEER, IpFamily.IPV4, false, LOCAL).values()).extracting(BgpRoutes.Route::attributes)
                .containsExactly(gold);
    }

    /** A Service's override on one address only does not reach the aggregate; the Eips' attributes merge. */
    @Test
    void anAggregateWhoseAddressesDisagreeCarriesTheirSharedAttributesMerged() {
        RouteAttributes ofEip1 = new RouteAttributes(new TreeSet<>(java.util.List.of(1L)), new TreeSet<>(), 100L, 20L);
        RouteAttributes ofEip2 = new RouteAttributes(new TreeSet<>(java.util.List.of(2L)), new TreeSet<>(), 200L, 30L);
        RouteAttributes overridden = new RouteAttributes(new TreeSet<>(java.util.List.of(1L, 666L)), new TreeSet<>(),
                100L, 5L);
        IpAddress other = ip("192.0.2.6");
        Map<IpAddress, SortedSet<String>> announcers = Map.of(VIP, nodes("node1"), other, nodes("node1"));

        BgpRoutes oneOverride = new BgpRoutes("node1", announcers, NODES,
                aggregating(24, Map.of(), Map.of(VIP, overridden, other, ofEip1), Map.of(VIP, ofEip1)));
        BgpRoutes twoEips = new BgpRoutes("node1", announcers, NODES,
                aggregating(24, Map.of(), Map.of(VIP, ofEip1, other, ofEip2), Map.of()));

        assertThat(oneOverride.of(PEER, IpFamily.IPV4, false, LOCAL).values()).extracting(BgpRoutes.Route::attributes)
                .containsExactly(ofEip1);
        assertThat(twoEips.of(PEER, IpFamily.IPV4, false, LOCAL).values()).extracting(BgpRoutes.Route::attributes)
                .containsExactly(new RouteAttributes(new TreeSet<>(java.util.List.of(1L, 2L)), new TreeSet<>(), 200L,
                        20L));
    }

    @Test
    void anIpv6AggregateCoversItsAddresses() {
        BgpRoutes routes = new BgpRoutes("node1", Map.of(ip("2001:db8:0:1::5"), nodes("node1"),
                ip("2001:db8:0:1:ffff::9"), nodes("node1")), NODES, aggregating(64));

        assertThat(routes.of(PEER, IpFamily.IPV6, false, ip("fd77::11"))).containsOnlyKeys(
                new Prefix(ip("2001:db8:0:1::"), 64));
    }
}
