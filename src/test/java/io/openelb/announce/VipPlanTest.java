package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.VipPlan.Group;
import io.openelb.announce.VipPlan.VipService;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VipPlanTest {
    private static final List<Pool> POOLS = PoolSet.of(List.of(
            new EipDefinition("vip", 0, "10.77.0.100-10.77.0.199", "vip", "eth0", false, 0, List.of(), Map.of(),
                    false, false),
            new EipDefinition("vip6", 1, "fd77::100/120", "vip", "eth0", false, 0, List.of(), Map.of(), false, false),
            new EipDefinition("vip-eth1", 2, "10.88.0.0/24", "vip", "eth1", false, 0, List.of(), Map.of(), false,
                    false),
            new EipDefinition("l2", 3, "10.99.0.0/24", "layer2", "eth0", false, 0, List.of(), Map.of(), false,
                    false)))
            .pools();
    private static final List<NodeState> NODES = List.of(new NodeState("node1", true, false),
            new NodeState("node2", true, false), new NodeState("node3", false, false),
            new NodeState("node4", true, true));

    private static VipService service(String key, String createdAt, String... addresses) {
        return grouped(key, createdAt, "", "", addresses);
    }

    private static VipService grouped(String key, String createdAt, String group, String vrid, String... addresses) {
        List<IpAddress> parsed = List.of(addresses).stream().map(IpAddress::parse).toList();
        return new VipService(new ServiceState(key, parsed, false, Set.of()), createdAt, group, vrid);
    }

    private static Group only(List<Group> groups, String key) {
        return groups.stream().filter(g -> g.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aServicesIpv4AndIpv6AddressesFormOneGroupAndOtherModesAreNotVip() {
        List<Group> groups = VipPlan.groups(List.of(
                service("ns/web", "2026-01-01T00:00:00Z", "10.77.0.100", "fd77::100"),
                service("ns/l2", "2026-01-01T00:00:00Z", "10.99.0.5")), POOLS, NODES);

        assertThat(groups).hasSize(1);
        Group web = groups.get(0);
        assertThat(web.key()).isEqualTo("ns/web");
        assertThat(web.iface()).isEqualTo("eth0");
        assertThat(web.addresses()).containsExactly(IpAddress.parse("10.77.0.100"), IpAddress.parse("fd77::100"));
        assertThat(web.vrid()).isBetween(1, 255);
        assertThat(web.problem()).isEmpty();
    }

    @Test
    void theGroupAnnotationJoinsServicesOfOneNamespaceOnly() {
        List<Group> groups = VipPlan.groups(List.of(
                grouped("a/web", "2026-01-01T00:00:00Z", "pair", "", "10.77.0.100"),
                grouped("a/api", "2026-01-02T00:00:00Z", "pair", "", "10.77.0.101"),
                grouped("b/other", "2026-01-01T00:00:00Z", "pair", "", "10.77.0.102")), POOLS, NODES);

        assertThat(groups).extracting(Group::key).containsExactly("a/pair", "b/pair");
        assertThat(only(groups, "a/pair").services()).containsExactly("a/api", "a/web");
        assertThat(only(groups, "a/pair").addresses()).hasSize(2);
    }

    @Test
    void servicesSharingAnAddressMoveTogether() {
        List<Group> groups = VipPlan.groups(List.of(
                service("ns/http", "2026-01-01T00:00:00Z", "10.77.0.100"),
                service("ns/https", "2026-01-02T00:00:00Z", "10.77.0.100")), POOLS, NODES);

        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.key()).isEqualTo("ns/http");
            assertThat(g.services()).containsExactly("ns/http", "ns/https");
            assertThat(g.addresses()).containsExactly(IpAddress.parse("10.77.0.100"));
        });
    }

    @Test
    void aGroupOnTwoInterfacesIsSplitAndSaysSo() {
        List<Group> groups = VipPlan.groups(List.of(
                grouped("ns/web", "2026-01-01T00:00:00Z", "g", "", "10.77.0.100"),
                grouped("ns/db", "2026-01-01T00:00:00Z", "g", "", "10.88.0.7")), POOLS, NODES);

        assertThat(groups).extracting(Group::key).containsExactly("ns/g@eth0", "ns/g@eth1");
        assertThat(groups).allSatisfy(g -> assertThat(g.problem()).contains("interfaces [eth0, eth1]"));
    }

    @Test
    void poolsWrittenDifferentlyButOnOneInterfaceFormOneGroup() {
        List<Pool> pools = PoolSet.of(List.of(
                new EipDefinition("v4", 0, "10.77.0.100/30", "vip", "eth0", false, 0, List.of(), Map.of(), false,
                        false),
                new EipDefinition("v6", 1, "fd77::100/126", "vip", "can_reach:fd77::1", false, 0, List.of(), Map.of(),
                        false, false))).pools();
        VipService dual = service("ns/dual", "2026-01-01T00:00:00Z", "10.77.0.101", "fd77::101");

        assertThat(VipPlan.groups(List.of(dual), pools, NODES)).as("unresolved, they look like two interfaces")
                .hasSize(2);
        assertThat(VipPlan.groups(List.of(dual), pools, NODES, spec -> spec.startsWith("can_reach:") ? "eth0" : spec))
                .singleElement().satisfies(g -> {
                    assertThat(g.key()).isEqualTo("ns/dual");
                    assertThat(g.iface()).isEqualTo("eth0");
                    assertThat(g.problem()).isEmpty();
                });
    }

    @Test
    void derivedVridsDifferPerInterfaceAndANewerGroupNeverMovesAnOlderOne() {
        List<VipService> services = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            services.add(service("ns/s" + i, String.format("2026-01-01T00:%02d:%02dZ", i / 60, i % 60),
                    IpAddress.parse("10.77.0.100").plus(i).toString()));
        }
        List<Group> before = VipPlan.groups(services, POOLS, NODES);
        assertThat(before.stream().map(Group::vrid).collect(Collectors.toSet())).hasSize(100)
                .allSatisfy(v -> assertThat(v).isBetween(1, 255));

        List<VipService> more = new ArrayList<>(services);
        for (int i = 0; i < 100; i++) {
            more.add(service("ns/new" + i, "2026-02-01T00:00:00Z", IpAddress.parse("fd77::100").plus(i).toString()));
        }
        List<Group> after = VipPlan.groups(more, POOLS, NODES);
        for (Group old : before) {
            assertThat(only(after, old.key()).vrid()).isEqualTo(old.vrid());
        }
        assertThat(after.stream().map(Group::vrid).collect(Collectors.toSet())).hasSize(200);
    }

    @Test
    void aRequestedVridIsUsedAndAClashOrBadValueFallsBackWithAProblem() {
        List<Group> groups = VipPlan.groups(List.of(
                grouped("ns/old", "2026-01-01T00:00:00Z", "", "51", "10.77.0.100"),
                grouped("ns/young", "2026-01-02T00:00:00Z", "", "51", "10.77.0.101"),
                grouped("ns/other-nic", "2026-01-02T00:00:00Z", "", "51", "10.88.0.1"),
                grouped("ns/bad", "2026-01-02T00:00:00Z", "", "300", "10.77.0.102")), POOLS, NODES);

        assertThat(only(groups, "ns/old").vrid()).isEqualTo(51);
        assertThat(only(groups, "ns/old").problem()).isEmpty();
        assertThat(only(groups, "ns/other-nic").vrid()).isEqualTo(51);
        assertThat(only(groups, "ns/young").vrid()).isNotEqualTo(51).isBetween(1, 255);
        assertThat(only(groups, "ns/young").problem()).contains("VRID 51 on eth0 is already used by group ns/old");
        assertThat(only(groups, "ns/bad").vrid()).isNotIn(51, 0);
        assertThat(only(groups, "ns/bad").problem()).contains("'300' is not a number 1-255");
    }

    @Test
    void aNewerServiceAskingForAnOlderGroupsDerivedVridDoesNotMoveIt() {
        VipService old = service("ns/old", "2026-01-01T00:00:00Z", "10.77.0.100");
        int derived = VipPlan.groups(List.of(old), POOLS, NODES).get(0).vrid();

        List<Group> groups = VipPlan.groups(List.of(old, grouped("ns/new", "2026-01-02T00:00:00Z", "", "" + derived,
                "10.77.0.101")), POOLS, NODES);

        assertThat(only(groups, "ns/old").vrid()).isEqualTo(derived);
        assertThat(only(groups, "ns/new").vrid()).isNotEqualTo(derived);
        assertThat(only(groups, "ns/new").problem()).contains("VRID " + derived + " on eth0 is already used by group "
                + "ns/old");
    }

    @Test
    void candidatesAreReadyIncludedNodesWithAnEndpointOfEveryLocalService() {
        VipService local = new VipService(new ServiceState("ns/a", List.of(IpAddress.parse("10.77.0.100")), true,
                Set.of("node1", "node3")), "2026-01-01T00:00:00Z", "g", "");
        VipService cluster = grouped("ns/b", "2026-01-02T00:00:00Z", "g", "", "10.77.0.101");
        VipService local2 = new VipService(new ServiceState("ns/c", List.of(IpAddress.parse("10.77.0.102")), true,
                Set.of("node2")), "2026-01-01T00:00:00Z", "", "");

        List<Group> groups = VipPlan.groups(List.of(local, cluster, local2), POOLS, NODES);

        assertThat(only(groups, "ns/g").candidates()).containsExactly("node1");
        assertThat(only(groups, "ns/c").candidates()).containsExactly("node2");
    }

    @Test
    void prioritiesStayInTheDocumentedBandAndSpreadTheGroupsOverTheNodes() {
        List<VipService> services = IntStream.range(0, 90).mapToObj(i -> service("ns/s" + i,
                "2026-01-01T00:00:00Z", IpAddress.parse("10.77.0.100").plus(i).toString())).toList();
        List<Group> groups = VipPlan.groups(services, POOLS, NODES);
        Set<String> topNodes = new HashSet<>();
        for (Group g : groups) {
            for (String node : List.of("node1", "node2", "node3")) {
                assertThat(g.priority(node)).isBetween(VipPlan.LOWEST_PRIORITY, VipPlan.HIGHEST_PRIORITY)
                        .isEqualTo(VipPlan.priorityOf(node, g.key(), g.candidates()));
            }
            // a returning node of merely equal priority would never get the group back (RFC 5798 6.4.2)
            assertThat(g.candidates().stream().map(g::priority).distinct()).hasSize(g.candidates().size());
            topNodes.add(g.candidates().stream()
                    .max((a, b) -> Integer.compare(g.priority(a), g.priority(b))).orElseThrow());
        }
        assertThat(topNodes).containsExactlyInAnyOrder("node1", "node2");
    }

    @Test
    void aCandidateLeavingChangesNoOtherCandidatesOrderAndANewOneGetsAPlaceOfItsOwn() {
        List<String> three = List.of("node1", "node2", "node3");
        for (int i = 0; i < 200; i++) {
            String key = "ns/s" + i;
            List<String> byPriority = three.stream()
                    .sorted(Comparator.comparingInt((String n) -> -VipPlan.priorityOf(n, key, three))).toList();
            assertThat(VipPlan.priorityOf(byPriority.get(0), key, three)).isEqualTo(VipPlan.HIGHEST_PRIORITY);
            List<String> two = byPriority.subList(1, 3);
            assertThat(VipPlan.priorityOf(two.get(0), key, two)).isEqualTo(VipPlan.HIGHEST_PRIORITY);
            assertThat(VipPlan.priorityOf(two.get(1), key, two)).isEqualTo(VipPlan.HIGHEST_PRIORITY - 1);
            List<String> four = List.of("node1", "node2", "node3", "node4");
            assertThat(four.stream().map(n -> VipPlan.priorityOf(n, key, four)).distinct()).hasSize(4);
        }
        List<String> many = IntStream.range(0, 300).mapToObj(i -> "n" + i).toList();
        assertThat(many.stream().mapToInt(n -> VipPlan.priorityOf(n, "ns/a", many)).min().orElseThrow())
                .isEqualTo(VipPlan.LOWEST_PRIORITY);
    }
}
