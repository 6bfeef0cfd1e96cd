package io.openelb.announce;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.bgp.codec.LargeCommunity;
import io.openelb.model.AddressRange;
import io.openelb.model.BgpAdvertisementObject;
import io.openelb.model.BgpAdvertisementSet;
import io.openelb.model.CommunityAliases;
import io.openelb.model.IpAddress;
import io.openelb.model.LabelSelector;
import io.openelb.model.NodeModel;
import io.openelb.model.Pool;
import io.openelb.model.Protocol;
import io.openelb.model.RouteOverride;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdvertisementPolicyTest {
    private static final IpAddress A1 = IpAddress.parse("192.0.2.1");
    private static final IpAddress B1 = IpAddress.parse("2001:db8::1");
    private static final IpAddress C1 = IpAddress.parse("198.51.100.1");
    private static final IpAddress L2 = IpAddress.parse("203.0.113.1");
    private static final IpAddress OUTSIDE = IpAddress.parse("192.0.2.200");
    private static final List<Pool> POOLS = List.of(
            pool("pool-a", "192.0.2.0/25", Protocol.BGP),
            pool("pool-b", "2001:db8::/64", Protocol.BGP),
            pool("pool-c", "198.51.100.0/24", Protocol.BGP),
            pool("pool-l2", "203.0.113.0/24", Protocol.LAYER2));
    private static final Map<String, Map<String, String>> EIP_LABELS = Map.of("pool-c", Map.of("scope", "internal"));
    private static final Map<String, Map<String, String>> PEERS = Map.of(
            "peer-x", Map.of("role", "transit"),
            "peer-y", Map.of("role", "core"));
    private static final List<NodeModel> NODES = List.of(node("node-1", "rack-a"), node("node-2", "rack-b"));

    private static Pool pool(String name, String address, Protocol protocol) {
        return new Pool(name, AddressRange.parse(address), protocol, protocol == Protocol.BGP ? "" : "eth0", false, 0,
                false, List.of(), Map.of(), false);
    }

    private static NodeModel node(String name, String rack) {
        return new NodeModel(name, true, false, Map.of("rack", rack), List.of(), Map.of());
    }

    private static Advertisement advertisement(String name) {
        return new Advertisement(name);
    }

    /** A BgpAdvertisement with only the fields a test sets. */
    private static final class Advertisement {
        private final String name;
        private List<String> eips = List.of();
        private LabelSelector eipSelector;
        private List<String> peers = List.of();
        private LabelSelector peerSelector;
        private List<LabelSelector> nodeSelectors = List.of();
        private List<String> communities = List.of();
        private Long localPref;
        private Long med;
        private Integer aggregationLength;
        private Integer aggregationLengthV6;

        Advertisement(String name) {
            this.name = name;
        }

        Advertisement eips(String... names) {
            eips = List.of(names);
            return this;
        }

        Advertisement eipSelector(LabelSelector selector) {
            eipSelector = selector;
            return this;
        }

        Advertisement peers(String... names) {
            peers = List.of(names);
            return this;
        }

        Advertisement peerSelector(LabelSelector selector) {
            peerSelector = selector;
            return this;
        }

        Advertisement nodeSelectors(LabelSelector... selectors) {
            nodeSelectors = List.of(selectors);
            return this;
        }

        Advertisement communities(String... texts) {
            communities = List.of(texts);
            return this;
        }

        Advertisement localPref(Long value) {
            localPref = value;
            return this;
        }

        Advertisement med(Long value) {
            med = value;
            return this;
        }

        Advertisement aggregation(Integer v4, Integer v6) {
            aggregationLength = v4;
            aggregationLengthV6 = v6;
            return this;
        }

        BgpAdvertisementObject build() {
            return new BgpAdvertisementObject(name, 1, eips, eipSelector, peers, peerSelector, nodeSelectors,
                    communities, localPref, med, aggregationLength, aggregationLengthV6);
        }
    }

    private static AdvertisementPolicy policy(List<BgpAdvertisementObject> objects, Map<IpAddress, RouteOverride> overrides) {
        BgpAdvertisementSet set = BgpAdvertisementSet.of(objects, CommunityAliases.NONE);
        return AdvertisementPolicy.of(set, POOLS, EIP_LABELS, PEERS, NODES, overrides);
    }

    private static AdvertisementPolicy policy(BgpAdvertisementObject... objects) {
        return policy(List.of(objects), Map.of());
    }

    @Test
    void withoutAnyAdvertisementEveryAddressGoesToEveryPeerFromEveryNode() {
        AdvertisementPolicy policy = policy();

        for (IpAddress address : List.of(A1, B1, C1, OUTSIDE)) {
            assertThat(policy.toPeer("peer-x", address)).isEqualTo(RouteAttributes.NONE);
            assertThat(policy.toPeer("a-peer-not-yet-seen", address)).isEqualTo(RouteAttributes.NONE);
            assertThat(policy.fromNode("node-2", address)).isTrue();
        }
        assertThat(policy.forNode("node-1")).isSameAs(policy);
    }

    @Test
    void poolAGoesOnlyToPeerX() {
        AdvertisementPolicy policy = policy(advertisement("a-to-x").eips("pool-a").peers("peer-x").build());

        assertThat(policy.toPeer("peer-x", A1)).isEqualTo(RouteAttributes.NONE);
        assertThat(policy.toPeer("peer-y", A1)).isNull();
        assertThat(policy.toPeer("peer-x", B1)).as("another pool, not advertised").isNull();
        assertThat(policy.toPeer("peer-x", OUTSIDE)).as("outside every Eip").isNull();
        assertThat(policy.toPeer("peer-x", L2)).as("a Layer 2 Eip").isNull();
        assertThat(policy.fromNode("node-1", A1)).isTrue();
        assertThat(policy.fromNode("node-2", A1)).isTrue();
        assertThat(policy.fromNode("node-1", B1)).isFalse();
    }

    @Test
    void poolBGoesOnlyFromNodeOfRackB() {
        AdvertisementPolicy policy = policy(advertisement("b-from-rack-b").eips("pool-b")
                .nodeSelectors(new LabelSelector(Map.of("rack", "rack-b"), List.of())).build());

        assertThat(policy.fromNode("node-2", B1)).isTrue();
        assertThat(policy.fromNode("node-1", B1)).isFalse();
        assertThat(policy.fromNode("a-node-not-yet-seen", B1)).as("its labels are unknown").isFalse();
        assertThat(policy.toPeer("peer-x", B1)).isEqualTo(RouteAttributes.NONE);
        assertThat(policy.toPeer("peer-y", B1)).isEqualTo(RouteAttributes.NONE);
    }

    @Test
    void selectorsPickEipsAndPeersByLabel() {
        AdvertisementPolicy policy = policy(advertisement("internal-to-core")
                .eipSelector(new LabelSelector(Map.of("scope", "internal"), List.of()))
                .peerSelector(new LabelSelector(Map.of(), List.of(
                        new LabelSelector.Requirement("role", "In", List.of("core"))))).build());

        assertThat(policy.toPeer("peer-y", C1)).isNotNull();
        assertThat(policy.toPeer("peer-x", C1)).isNull();
        assertThat(policy.toPeer("peer-y", A1)).isNull();
        assertThat(policy.toPeer("a-peer-not-yet-seen", C1)).as("its labels are unknown").isNull();
    }

    @Test
    void aPeerNotYetSeenGetsWhatAnAdvertisementForEveryPeerSends() {
        AdvertisementPolicy policy = policy(advertisement("a-everywhere").eips("pool-a").communities("65000:1").build());

        assertThat(policy.toPeer("a-peer-not-yet-seen", A1).communities()).containsExactly(65000L << 16 | 1);
    }

    @Test
    void advertisementsForOneAddressAndPeerMerge() {
        AdvertisementPolicy policy = policy(
                advertisement("one").eips("pool-a").communities("65000:1", "1:2:3").localPref(100L).med(50L).build(),
                advertisement("two").eips("pool-a").peers("peer-x").communities("65000:2", "no-export")
                        .localPref(300L).med(10L).build(),
                advertisement("three").eips("pool-a").peers("peer-x").communities("65000:1").build());

        RouteAttributes toX = policy.toPeer("peer-x", A1);
        assertThat(toX.communities()).containsExactly(65000L << 16 | 1, 65000L << 16 | 2, 0xFFFF_FF01L);
        assertThat(toX.largeCommunities()).containsExactly(new LargeCommunity(1, 2, 3));
        assertThat(toX.localPref()).as("the highest").isEqualTo(300L);
        assertThat(toX.med()).as("the lowest").isEqualTo(10L);

        RouteAttributes toY = policy.toPeer("peer-y", A1);
        assertThat(toY.communities()).containsExactly(65000L << 16 | 1);
        assertThat(toY.localPref()).isEqualTo(100L);
        assertThat(toY.med()).isEqualTo(50L);
    }

    @Test
    void anInvalidAdvertisementWithdrawsNothingOthersAnnounce() {
        AdvertisementPolicy policy = policy(
                advertisement("good").eips("pool-a").peers("peer-x").build(),
                advertisement("bad").eips("pool-a").peers("peer-y").communities("not-an-alias").build());

        assertThat(policy.toPeer("peer-x", A1)).isEqualTo(RouteAttributes.NONE);
        assertThat(policy.toPeer("peer-y", A1)).as("the bad one is ignored whole").isNull();
    }

    @Test
    void serviceAnnotationsAddCommunitiesAndReplaceLocalPrefAndMed() {
        RouteOverride override = RouteOverride.of(Map.of(RouteOverride.COMMUNITIES, "65000:9,large:9:9:9",
                RouteOverride.MED, "1"), CommunityAliases.NONE).override();
        AdvertisementPolicy policy = policy(List.of(advertisement("a").eips("pool-a").peers("peer-x")
                .communities("65000:1").localPref(100L).med(50L).build()), Map.of(A1, override));

        RouteAttributes toX = policy.toPeer("peer-x", A1);
        assertThat(toX.communities()).containsExactly(65000L << 16 | 1, 65000L << 16 | 9);
        assertThat(toX.largeCommunities()).containsExactly(new LargeCommunity(9, 9, 9));
        assertThat(toX.localPref()).as("not overridden").isEqualTo(100L);
        assertThat(toX.med()).isEqualTo(1L);
        assertThat(policy.toPeer("peer-y", A1)).as("an override does not select a peer").isNull();
        assertThat(policy.toPeer("peer-x", IpAddress.parse("192.0.2.2")).communities()).containsExactly(65000L << 16 | 1);
    }

    @Test
    void serviceAnnotationsApplyWithoutAnyAdvertisementToo() {
        RouteOverride override = new RouteOverride(io.openelb.model.Communities.parse("no-export", Map.of()), 150L,
                null);
        AdvertisementPolicy policy = policy(List.of(), Map.of(A1, override));

        assertThat(policy.toPeer("peer-x", A1)).isEqualTo(new RouteAttributes(
                new java.util.TreeSet<>(List.of(0xFFFF_FF01L)), new java.util.TreeSet<>(), 150L, null));
        assertThat(policy.toPeer("peer-x", C1)).isEqualTo(RouteAttributes.NONE);
    }

    /** Peer X from rack A only, peer Y from rack B only: each node's view sends each peer only its routes. */
    @ParameterizedTest
    @CsvSource({"node-1, peer-x, true", "node-1, peer-y, false", "node-2, peer-x, false", "node-2, peer-y, true"})
    void theViewOfANodeSendsEachPeerOnlyWhatAnAdvertisementSendsItFromThatNode(String node, String peer,
            boolean sent) {
        AdvertisementPolicy policy = policy(
                advertisement("x-from-a").eips("pool-a").peers("peer-x").communities("65000:1")
                        .nodeSelectors(new LabelSelector(Map.of("rack", "rack-a"), List.of())).build(),
                advertisement("y-from-b").eips("pool-a").peers("peer-y").communities("65000:2")
                        .nodeSelectors(new LabelSelector(Map.of("rack", "rack-b"), List.of())).build());

        assertThat(policy.toPeer(peer, A1)).as("the whole policy looks at the peer only").isNotNull();
        assertThat(policy.forNode(node).toPeer(peer, A1) != null).isEqualTo(sent);
        assertThat(policy.forNode(node).fromNode(node, A1)).isTrue();
    }

    @Test
    void theViewOfANodeNoAdvertisementSelectsSendsNothing() {
        AdvertisementPolicy policy = policy(advertisement("from-a").eips("pool-a")
                .nodeSelectors(new LabelSelector(Map.of("rack", "rack-a"), List.of())).build());

        AdvertisementPolicy ofNode2 = policy.forNode("node-2");

        assertThat(ofNode2.toPeer("peer-x", A1)).isNull();
        assertThat(ofNode2.fromNode("node-1", A1)).as("fromNode answers as the whole policy").isTrue();
        assertThat(ofNode2.fromNode("node-2", A1)).isFalse();
    }

    @Test
    void withoutAggregationEveryAddressIsAHostRoute() {
        assertThat(policy().prefixLength("peer-x", A1)).isEqualTo(32);
        assertThat(policy().prefixLength("peer-x", B1)).isEqualTo(128);
        AdvertisementPolicy plain = policy(advertisement("plain").eips("pool-a").build());
        assertThat(plain.prefixLength("peer-x", A1)).isEqualTo(32);
        assertThat(plain.prefixLength("peer-x", OUTSIDE)).as("not announced: a host route's length").isEqualTo(32);
    }

    @Test
    void eachFamilyTakesItsOwnAggregationLength() {
        AdvertisementPolicy policy = policy(advertisement("agg").eips("pool-a", "pool-b").aggregation(24, 64).build());

        assertThat(policy.prefixLength("peer-x", A1)).isEqualTo(24);
        assertThat(policy.prefixLength("peer-y", B1)).isEqualTo(64);
        assertThat(policy.prefixLength("a-peer-not-yet-seen", A1)).as("an advertisement for every peer").isEqualTo(24);
        assertThat(policy.prefixLength("peer-x", C1)).as("pool-c is not selected").isEqualTo(32);
    }

    /** The most specific length wins: no advertisement's addresses go out under more space than it asked for. */
    @Test
    void aggregationLengthsForOneAddressAndPeerMergeTheLongestWins() {
        AdvertisementPolicy policy = policy(
                advertisement("wide").eips("pool-a", "pool-b").aggregation(16, 48).build(),
                advertisement("narrow-to-x").eips("pool-a").peers("peer-x").aggregation(24, null).build(),
                advertisement("hosts-to-y").eips("pool-b").peers("peer-y").build());

        assertThat(policy.prefixLength("peer-x", A1)).isEqualTo(24);
        assertThat(policy.prefixLength("peer-y", A1)).as("only the wide one selects peer-y").isEqualTo(16);
        assertThat(policy.prefixLength("peer-x", B1)).isEqualTo(48);
        assertThat(policy.prefixLength("peer-y", B1)).as("a host route asked for stays one").isEqualTo(128);
        assertThat(policy(advertisement("narrow-to-x").eips("pool-a").peers("peer-x").aggregation(24, null).build(),
                advertisement("wide").eips("pool-a", "pool-b").aggregation(16, 48).build())
                .prefixLength("peer-x", A1)).as("whatever the order").isEqualTo(24);
    }

    @Test
    void theViewOfANodeTakesTheLengthOfTheAdvertisementsOfThatNode() {
        AdvertisementPolicy policy = policy(
                advertisement("rack-a-aggregates").eips("pool-a").aggregation(24, null)
                        .nodeSelectors(new LabelSelector(Map.of("rack", "rack-a"), List.of())).build(),
                advertisement("rack-b-hosts").eips("pool-a")
                        .nodeSelectors(new LabelSelector(Map.of("rack", "rack-b"), List.of())).build());

        assertThat(policy.forNode("node-1").prefixLength("peer-x", A1)).isEqualTo(24);
        assertThat(policy.forNode("node-2").prefixLength("peer-x", A1)).isEqualTo(32);
        assertThat(policy.prefixLength("peer-x", A1)).as("the whole policy: both merged").isEqualTo(32);
    }

    @Test
    void sharedAttributesLeaveOutTheServicesOverrides() {
        RouteOverride override = RouteOverride.of(Map.of(RouteOverride.COMMUNITIES, "65000:9", RouteOverride.MED, "1"),
                CommunityAliases.NONE).override();
        AdvertisementPolicy policy = policy(List.of(advertisement("a").eips("pool-a").peers("peer-x")
                .communities("65000:1").med(50L).aggregation(24, null).build()), Map.of(A1, override));

        assertThat(policy.sharedToPeer("peer-x", A1)).isEqualTo(policy.toPeer("peer-x", IpAddress.parse("192.0.2.2")));
        assertThat(policy.sharedToPeer("peer-x", A1).communities()).containsExactly(65000L << 16 | 1);
        assertThat(policy.sharedToPeer("peer-x", A1).med()).isEqualTo(50L);
        assertThat(policy.toPeer("peer-x", A1).med()).isEqualTo(1L);
        assertThat(policy.sharedToPeer("peer-y", A1)).isNull();
    }
}
