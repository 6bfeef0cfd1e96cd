package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BgpPlanTest {
    private static final List<Pool> POOLS = PoolSet.of(List.of(
            new EipDefinition("bgp", 0, "192.0.2.0/24", "bgp", "", false, 0, List.of(), Map.of(), false, false),
            new EipDefinition("bgp6", 1, "2001:db8::/64", "bgp", "", false, 0, List.of(), Map.of(), false, false),
            new EipDefinition("l2", 2, "198.51.100.0/24", "layer2", "eth0", false, 0, List.of(), Map.of(), false,
                    false))).pools();
    private static final NodeState NODE = new NodeState("node1", true, false);

    private static ServiceState service(String address, boolean local, String... endpointNodes) {
        return new ServiceState("ns/" + address, List.of(IpAddress.parse(address)), local, Set.of(endpointNodes));
    }

    @Test
    void announcesAddressesOfBgpPoolsOnly() {
        assertThat(BgpPlan.addresses(NODE, List.of(service("192.0.2.5", false), service("2001:db8::5", false),
                service("198.51.100.5", false), service("203.0.113.5", false)), POOLS))
                .containsExactly(IpAddress.parse("192.0.2.5"), IpAddress.parse("2001:db8::5"));
    }

    @Test
    void localTrafficPolicyNeedsAReadyEndpointOnThisNode() {
        assertThat(BgpPlan.shouldAnnounce(NODE, service("192.0.2.5", true, "node2"))).isEqualTo("noLocalEndpoint");
        assertThat(BgpPlan.shouldAnnounce(NODE, service("192.0.2.5", true, "node1"))).isEmpty();
        assertThat(BgpPlan.shouldAnnounce(NODE, service("192.0.2.5", false))).isEmpty();
    }

    @Test
    void aNodeThatIsNotReadyOrExcludedAnnouncesNothing() {
        List<ServiceState> services = List.of(service("192.0.2.5", false));

        assertThat(BgpPlan.addresses(new NodeState("node1", false, false), services, POOLS)).isEmpty();
        assertThat(BgpPlan.addresses(new NodeState("node1", true, true), services, POOLS)).isEmpty();
        assertThat(BgpPlan.shouldAnnounce(new NodeState("node1", false, true), services.get(0))).isEqualTo("nodeNotReady");
    }

    @Test
    void announcersAreEveryEligibleNodePerAddress() {
        List<NodeState> nodes = List.of(NODE, new NodeState("node2", true, false), new NodeState("node3", false, false),
                new NodeState("node4", true, true));
        var announcers = BgpPlan.announcers(nodes, List.of(service("192.0.2.5", false), service("192.0.2.6", true, "node2"),
                service("198.51.100.5", false)), POOLS);

        assertThat(announcers).containsOnlyKeys(IpAddress.parse("192.0.2.5"), IpAddress.parse("192.0.2.6"));
        assertThat(announcers.get(IpAddress.parse("192.0.2.5"))).containsExactly("node1", "node2");
        assertThat(announcers.get(IpAddress.parse("192.0.2.6"))).containsExactly("node2");
    }

    @Test
    void thePolicysNodeSelectionLeavesOutNodesThatMayNotAnnounceAnAddress() {
        List<NodeState> nodes = List.of(NODE, new NodeState("node2", true, false), new NodeState("node3", true, false));
        IpAddress edge = IpAddress.parse("192.0.2.5");
        IpAddress nowhere = IpAddress.parse("192.0.2.6");
        RoutePolicy onlyNode2ForEdge = new RoutePolicy() {
            @Override
            public RouteAttributes toPeer(String peer, IpAddress address) {
                return RouteAttributes.NONE;
            }

            @Override
            public boolean fromNode(String node, IpAddress address) {
                return address.equals(edge) ? node.equals("node2") : !address.equals(nowhere);
            }
        };
        List<ServiceState> services = List.of(service("192.0.2.5", false), service("192.0.2.6", false),
                service("192.0.2.7", false));

        var announcers = BgpPlan.announcers(nodes, services, POOLS, onlyNode2ForEdge);

        assertThat(announcers.get(edge)).containsExactly("node2");
        assertThat(announcers).as("no node may announce it: not announced at all").doesNotContainKey(nowhere);
        assertThat(announcers.get(IpAddress.parse("192.0.2.7"))).containsExactly("node1", "node2", "node3");
        Announcements table = new Announcements();
        table.replaceAll(services, nodes, POOLS, onlyNode2ForEdge);
        assertThat(table.announcers()).as("kept one Service at a time: the same").isEqualTo(announcers);
        assertThat(table.update("ns/192.0.2.5", services.get(0), nodes, POOLS, onlyNode2ForEdge)).isEmpty();
        assertThat(BgpPlan.announcers(nodes, services, POOLS)).as("without a policy, every node")
                .isEqualTo(BgpPlan.announcers(nodes, services, POOLS, RoutePolicy.ANNOUNCE_ALL))
                .containsKey(nowhere);
    }
}
