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
}
