package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Layer2PlanTest {
    private static final List<Pool> POOLS = PoolSet.of(List.of(
            new EipDefinition("l2", 0, "10.77.0.100-10.77.0.199", "layer2", "eth0", false, 0, List.of(), Map.of(),
                    false, false),
            new EipDefinition("l2v6", 1, "fd77::100/120", "layer2", "can_reach:fd77::1", false, 0, List.of(),
                    Map.of(), false, false),
            new EipDefinition("bgp", 2, "192.0.2.0/24", "bgp", "", false, 0, List.of(), Map.of(), false, false)))
            .pools();
    private static final List<NodeState> NODES = List.of(node("node1"), node("node2"), node("node3"));
    private static final Set<String> ALL = Set.of("node1", "node2", "node3");

    private static NodeState node(String name) {
        return new NodeState(name, true, false);
    }

    private static ServiceState service(String address, boolean local, String... endpointNodes) {
        return new ServiceState("ns/" + address, List.of(IpAddress.parse(address)), local, Set.of(endpointNodes));
    }

    private static List<ServiceState> services(int n, String base) {
        return IntStream.range(0, n).mapToObj(i -> service(IpAddress.parse(base).plus(i).toString(), false)).toList();
    }

    private static Map<IpAddress, String> owners(List<Assignment> assignments) {
        Map<IpAddress, String> out = new HashMap<>();
        assignments.forEach(a -> out.put(a.address(), a.owner()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.77.0.100", "fd77::100"})
    void everyAddressHasExactlyOneOwnerAndTheSameOneWhateverTheInputOrder(String base) {
        List<ServiceState> services = services(50, base);
        List<NodeState> shuffled = new ArrayList<>(NODES);
        Collections.reverse(shuffled);
        List<ServiceState> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);

        List<Assignment> a = Layer2Plan.assign(services, POOLS, NODES, ALL, Map.of());
        List<Assignment> b = Layer2Plan.assign(reversed, POOLS, shuffled, Set.copyOf(ALL), Map.of());

        assertThat(a).hasSize(50).allSatisfy(x -> assertThat(x.owner()).isIn(ALL));
        assertThat(owners(a)).isEqualTo(owners(b));
        // a spread, not everything on one node
        assertThat(a.stream().map(Assignment::owner).distinct()).hasSize(3);
    }

    @Test
    void onlyTheAddressesOfADeadNodeMoveAndTheyMoveToLiveNodes() {
        List<ServiceState> services = services(60, "10.77.0.100");
        Map<IpAddress, String> before = owners(Layer2Plan.assign(services, POOLS, NODES, ALL, Map.of()));
        Map<IpAddress, String> after = owners(Layer2Plan.assign(services, POOLS, NODES, Set.of("node1", "node3"),
                Map.of()));

        assertThat(before).hasSize(60).containsValue("node2");
        before.forEach((address, owner) -> {
            if (owner.equals("node2")) {
                assertThat(after.get(address)).isIn("node1", "node3");
            } else {
                assertThat(after.get(address)).as(address.toString()).isEqualTo(owner);
            }
        });
    }

    @Test
    void addressesOfBgpPoolsAndOfNoPoolAreNotLayer2() {
        List<Assignment> a = Layer2Plan.assign(List.of(service("192.0.2.5", false), service("203.0.113.5", false),
                service("10.77.0.100", false)), POOLS, NODES, ALL, Map.of());

        assertThat(a).extracting(Assignment::address).containsExactly(IpAddress.parse("10.77.0.100"));
        assertThat(a.get(0).pool()).isEqualTo("l2");
        assertThat(a.get(0).iface()).isEqualTo("eth0");
    }

    @Test
    void localTrafficPolicyPicksOnlyANodeWithAReadyEndpointAndFollowsIt() {
        assertThat(Layer2Plan.assign(List.of(service("10.77.0.100", true, "node2")), POOLS, NODES, ALL, Map.of()))
                .extracting(Assignment::owner).containsExactly("node2");
        assertThat(Layer2Plan.assign(List.of(service("10.77.0.100", true, "node3")), POOLS, NODES, ALL, Map.of()))
                .extracting(Assignment::owner).containsExactly("node3");
        assertThat(Layer2Plan.assign(List.of(service("10.77.0.100", true)), POOLS, NODES, ALL, Map.of()))
                .extracting(Assignment::owner, Assignment::reason).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("", "noLocalEndpoint"));
    }

    @Test
    void notReadyExcludedDeadAndInterfacelessNodesAreNeverOwners() {
        List<ServiceState> services = services(30, "10.77.0.100");
        List<NodeState> nodes = List.of(new NodeState("node1", false, false), new NodeState("node2", true, true),
                node("node3"), node("node4"), node("node5"));
        Set<String> live = Set.of("node1", "node2", "node3", "node4");

        List<Assignment> a = Layer2Plan.assign(services, POOLS, nodes, live, Map.of("node4", Set.of("l2")));

        assertThat(a).extracting(Assignment::owner).containsOnly("node3");
    }

    @Test
    void withNoLiveEligibleNodeNobodyAnswersAndTheReasonSaysWhy() {
        assertThat(Layer2Plan.assign(List.of(service("10.77.0.100", false)), POOLS, NODES, Set.of(), Map.of()))
                .extracting(Assignment::reason).containsExactly("noLiveSpeaker");
        assertThat(Layer2Plan.assign(List.of(service("10.77.0.100", false)), POOLS, NODES, ALL,
                Map.of("node1", Set.of("l2"), "node2", Set.of("l2"), "node3", Set.of("l2"))))
                .extracting(Assignment::reason).containsExactly("noEligibleNode");
    }

    @Test
    void rendezvousWeightsAreStableAcrossRunsAndVersions() {
        // golden values, computed independently (FNV-1a 64 + SplitMix64 in Python): a change here moves
        // addresses between nodes on upgrade, which must be deliberate
        assertThat(Layer2Plan.score("node1", IpAddress.parse("10.77.0.100"))).isEqualTo(0xf7f06c8ba1c927faL);
        assertThat(Layer2Plan.score("node1", IpAddress.parse("fd77::100"))).isEqualTo(0x0baaa81647e64179L);
        List<String> nodes = List.of("node1", "node2", "node3");
        assertThat(Layer2Plan.owner(IpAddress.parse("10.77.0.100"), nodes)).isEqualTo("node1");
        assertThat(Layer2Plan.owner(IpAddress.parse("fd77::100"), nodes)).isEqualTo("node2");
        assertThat(Layer2Plan.owner(IpAddress.parse("10.77.0.101"), List.of("node3", "node2", "node1")))
                .isEqualTo("node3");
        assertThat(Layer2Plan.owner(IpAddress.parse("10.77.0.100"), List.of())).isEmpty();
    }

    @Test
    void aNewOwnerAnswersAtOnceOnlyWhenNobodyElseCanStillBeAnswering() {
        Set<String> live = Set.of("node1", "node3");

        assertThat(Layer2Plan.takesOverAtOnce("node2", "node1", live)).as("previous owner left the view").isTrue();
        assertThat(Layer2Plan.takesOverAtOnce("", "node1", live)).as("nobody answered").isTrue();
        assertThat(Layer2Plan.takesOverAtOnce("node3", "node1", live)).as("previous owner still live").isFalse();
        assertThat(Layer2Plan.takesOverAtOnce(null, "node1", live)).as("just started: no knowledge").isFalse();
    }

    @Test
    void interfaceSpecsParseAsOpenElbWritesThem() {
        assertThat(InterfaceSpec.parse("eth0")).isEqualTo(new InterfaceSpec.Named("eth0"));
        assertThat(InterfaceSpec.parse("can_reach:192.168.1.1"))
                .isEqualTo(new InterfaceSpec.CanReach(IpAddress.parse("192.168.1.1")));
        assertThat(InterfaceSpec.parse(" can_reach:fd77::1 ")).isEqualTo(new InterfaceSpec.CanReach(IpAddress.parse("fd77::1")));
        for (String bad : new String[] {"", "eth 0", "a/b", "averyveryverylongname", "can_reach:nohost"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> InterfaceSpec.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theSnapshotListsWhatThisNodeOwns() {
        List<Assignment> a = Layer2Plan.assign(services(10, "10.77.0.100"), POOLS, NODES, ALL, Map.of());
        Layer2Snapshot s = new Layer2Snapshot("node2", "", List.of("node1", "node2", "node3"), a, Map.of());

        assertThat(s.owned()).isNotEmpty().allSatisfy(x -> assertThat(x.owner()).isEqualTo("node2"));
        assertThat(s.owned().size()).isLessThan(a.size());
    }
}
