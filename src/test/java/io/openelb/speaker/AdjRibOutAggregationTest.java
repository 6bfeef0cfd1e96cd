package io.openelb.speaker;

import static io.openelb.speaker.UpdateContents.announced;
import static io.openelb.speaker.UpdateContents.nextHops;
import static io.openelb.speaker.UpdateContents.withdrawn;
import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.BgpRoutes;
import io.openelb.announce.NodeHop;
import io.openelb.announce.RouteAttributes;
import io.openelb.announce.RoutePolicy;
import io.openelb.bgp.codec.PathAttribute;
import io.openelb.bgp.codec.Prefix;
import io.openelb.bgp.codec.Update;
import io.openelb.bgp.fsm.Negotiated;
import io.openelb.bgp.fsm.SessionConfig;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Adj-RIB-Out when the policy aggregates: covering prefixes announced once, withdrawn with their last address. */
class AdjRibOutAggregationTest {
    private static final long LOCAL_AS = 64513;
    private static final String PEER = "router1";
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final NodeHop NODE1 = new NodeHop("node1", NodeHop.pathId("node1", IpAddress.parse("10.77.0.11")),
            IpAddress.parse("10.77.0.11"), IpAddress.parse("2001:db8:77::11"));
    private static final NodeHop NODE2 = new NodeHop("node2", NodeHop.pathId("node2", IpAddress.parse("10.77.0.12")),
            IpAddress.parse("10.77.0.12"), IpAddress.parse("2001:db8:77::12"));
    private static final RouteAttributes GOLD = communities(65000L << 16 | 100);

    private final AdjRibOut rib = new AdjRibOut(PEER, Clock.fixed(NOW, ZoneOffset.UTC));
    private final Map<IpAddress, SortedSet<String>> announcers = new HashMap<>();
    private final Aggregating policy = new Aggregating();
    private final BgpRoutes desired = new BgpRoutes("node1", announcers, Map.of("node1", NODE1, "node2", NODE2),
            policy);

    /**
     * A policy the test edits: every address to {@link #PEER} under its covering /{@code length} (per family),
     * or its own length; attributes per address, and the shared ones (without overrides) per address.
     */
    private static final class Aggregating implements RoutePolicy {
        private final Map<IpFamily, Integer> length = new HashMap<>(Map.of(IpFamily.IPV4, 24, IpFamily.IPV6, 64));
        private final Map<IpAddress, Integer> lengths = new HashMap<>();
        private final Map<IpAddress, RouteAttributes> attributes = new HashMap<>();
        private final Map<IpAddress, RouteAttributes> shared = new HashMap<>();

        @Override
        public RouteAttributes toPeer(String peer, IpAddress address) {
            return peer.equals(PEER) ? attributes.getOrDefault(address, RouteAttributes.NONE) : null;
        }

        @Override
        public RouteAttributes sharedToPeer(String peer, IpAddress address) {
            RouteAttributes own = toPeer(peer, address);
            return own == null ? null : shared.getOrDefault(address, own);
        }

        @Override
        public int prefixLength(String peer, IpAddress address) {
            return lengths.getOrDefault(address, length.get(address.family()));
        }

        @Override
        public boolean fromNode(String node, IpAddress address) {
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void twoAddressesInOneCoveringPrefixAreAnnouncedAsOneRoute(IpFamily family) {
        announce(vip(family, 1, 7), "node1");
        announce(vip(family, 1, 8), "node1");

        AdjRibOut.Delta delta = fullSync(family, Set.of());

        assertThat(announced(delta.updates())).containsExactly(aggregate(family, 1));
        assertThat(delta.announced()).isEqualTo(1);
        assertThat(rib.size()).isEqualTo(1);
        assertThat(rib.routes()).extracting(r -> r.address()).containsExactly(aggregate(family, 1).address());
        assertThat(rib.pending(desired, config(family))).as("an aggregate counts once").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void anAggregateIsWithdrawnOnlyWhenItsLastAddressGoes(IpFamily family) {
        announce(vip(family, 1, 7), "node1");
        announce(vip(family, 1, 8), "node1");
        fullSync(family, Set.of());

        announcers.remove(vip(family, 1, 7));
        AdjRibOut.Delta first = sync(family, Set.of(), vip(family, 1, 7));
        announcers.remove(vip(family, 1, 8));
        AdjRibOut.Delta last = sync(family, Set.of(), vip(family, 1, 8));

        assertThat(first.updates()).as("one address left: the aggregate stays, unchanged").isEmpty();
        assertThat(withdrawn(last.updates())).containsExactly(aggregate(family, 1));
        assertThat(announced(last.updates())).isEmpty();
        assertThat(rib.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void syncingOneAddressTouchesOnlyItsAggregate(IpFamily family) {
        announce(vip(family, 1, 7), "node1");
        announce(vip(family, 2, 7), "node1");
        policy.lengths.put(vip(family, 3, 7), family.bits());
        announce(vip(family, 3, 7), "node1");
        fullSync(family, Set.of());

        announce(vip(family, 1, 8), "node1");
        AdjRibOut.Delta sameAttributes = sync(family, Set.of(), vip(family, 1, 8));
        policy.attributes.put(vip(family, 1, 9), GOLD);
        policy.shared.put(vip(family, 1, 9), RouteAttributes.NONE); // GOLD comes from the Service's override
        announce(vip(family, 1, 9), "node1");
        AdjRibOut.Delta disagreeing = sync(family, Set.of(), vip(family, 1, 9));
        policy.attributes.put(vip(family, 1, 7), GOLD);
        policy.attributes.put(vip(family, 1, 8), GOLD);
        AdjRibOut.Delta allAgree = sync(family, Set.of(), vip(family, 1, 7), vip(family, 1, 8));

        assertThat(sameAttributes.isEmpty()).as("a second address in a sent aggregate sends nothing").isTrue();
        assertThat(disagreeing.isEmpty()).as("an override on one address does not reach the aggregate").isTrue();
        assertThat(announced(allAgree.updates())).as("all agree: the aggregate carries it, and only it is sent")
                .containsExactly(aggregate(family, 1));
        assertThat(allAgree.updates().get(0).attributes()).contains(new PathAttribute.Communities(
                List.copyOf(GOLD.communities())));
        assertThat(withdrawn(allAgree.updates())).isEmpty();
        assertThat(rib.size()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aPolicyEditOfTheLengthAnnouncesTheNewPrefixWithdrawsTheOldAndLeavesTheOthers(IpFamily family) {
        IpAddress host = vip(family, 3, 7);
        policy.lengths.put(host, family.bits());
        announce(host, "node1");
        announce(vip(family, 1, 7), "node1");
        announce(vip(family, 1, 8), "node1");
        fullSync(family, Set.of());

        int length = family.bits() - 3; // .7 and .8 apart
        policy.length.put(family, length); // as a new policy: the speaker then syncs every route
        AdjRibOut.Delta delta = fullSync(family, Set.of());

        assertThat(withdrawn(delta.updates())).containsExactly(aggregate(family, 1));
        assertThat(announced(delta.updates())).containsExactly(
                Prefix.covering(vip(family, 1, 7), length, Prefix.NO_PATH_ID),
                Prefix.covering(vip(family, 1, 8), length, Prefix.NO_PATH_ID));
        assertThat(withdrawn(delta.updates())).as("another Eip's host route stays").doesNotContain(Prefix.host(host));
        assertThat(rib.size()).isEqualTo(3);
        assertThat(rib.sync(desired, List.of(vip(family, 1, 7)), family, terms(Set.of()), NODE1.address(family),
                LOCAL_AS).isEmpty()).as("the next change of one address finds the new prefixes").isTrue();
    }

    @Test
    void withAddPathEachNodesAggregatePathGoesWhenThatNodeAnnouncesNoAddressInIt() {
        IpFamily family = IpFamily.IPV4;
        Set<IpFamily> addPath = Set.of(family);
        announce(vip(family, 1, 7), "node1", "node2");
        announce(vip(family, 1, 8), "node2");
        AdjRibOut.Delta first = fullSync(family, addPath);

        announce(vip(family, 1, 7), "node1");
        AdjRibOut.Delta stillNode2 = sync(family, addPath, vip(family, 1, 7));
        announcers.remove(vip(family, 1, 8));
        AdjRibOut.Delta node2Gone = sync(family, addPath, vip(family, 1, 8));

        Prefix ofNode1 = Prefix.covering(vip(family, 1, 7), 24, NODE1.pathId());
        Prefix ofNode2 = Prefix.covering(vip(family, 1, 7), 24, NODE2.pathId());
        assertThat(announced(first.updates())).containsExactlyInAnyOrder(ofNode1, ofNode2);
        assertThat(nextHops(first.updates())).containsExactlyInAnyOrder(NODE1.ipv4(), NODE2.ipv4());
        assertThat(stillNode2.isEmpty()).as("node2 still announces .8").isTrue();
        assertThat(withdrawn(node2Gone.updates())).containsExactly(ofNode2);
        assertThat(rib.size()).isEqualTo(1);
    }

    /** Random changes of addresses, announcers, lengths and attributes: the incremental sync matches a full one. */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void syncingTheChangedAddressesAloneSendsWhatAFullSyncWould(IpFamily family) {
        AdjRibOut full = new AdjRibOut(PEER, Clock.fixed(NOW, ZoneOffset.UTC));
        Random random = new Random(7);
        for (boolean addPath : List.of(false, true)) {
            Set<IpFamily> terms = addPath ? Set.of(family) : Set.of();
            rib.clear(); // ADD-PATH comes with a new session, which starts with every route
            full.clear();
            fullSync(family, terms);
            full.sync(desired, family, terms(terms), NODE1.address(family), LOCAL_AS);
            for (int step = 0; step < 400; step++) {
                IpAddress address = vip(family, 1 + random.nextInt(3), 1 + random.nextInt(6));
                switch (random.nextInt(6)) {
                    case 0 -> announcers.remove(address);
                    case 1 -> announce(address, "node1");
                    case 2 -> announce(address, "node2");
                    case 3 -> announce(address, "node1", "node2");
                    case 4 -> policy.attributes.put(address, random.nextBoolean() ? GOLD : communities(random.nextInt(3)));
                    default -> policy.lengths.put(address, random.nextBoolean() ? family.bits() : family.bits() - 8);
                }
                AdjRibOut.Delta one = rib.sync(desired, List.of(address), family, terms(terms), NODE1.address(family),
                        LOCAL_AS);
                AdjRibOut.Delta all = full.sync(desired, family, terms(terms), NODE1.address(family), LOCAL_AS);

                assertThat(one.updates()).as("add-path %s step %d", addPath, step).isEqualTo(all.updates());
                assertThat(Set.copyOf(rib.routes())).isEqualTo(Set.copyOf(full.routes()));
            }
        }
        assertThat(rib.size()).isPositive();
    }

    private void announce(IpAddress address, String... nodes) {
        announcers.put(address, new TreeSet<>(List.of(nodes)));
    }

    private AdjRibOut.Delta fullSync(IpFamily family, Set<IpFamily> addPath) {
        return rib.sync(desired, family, terms(addPath), NODE1.address(family), LOCAL_AS);
    }

    private AdjRibOut.Delta sync(IpFamily family, Set<IpFamily> addPath, IpAddress... changed) {
        return rib.sync(desired, List.of(changed), family, terms(addPath), NODE1.address(family), LOCAL_AS);
    }

    /** Address {@code last} of covering prefix {@code block}: 192.0.{block}.x/24 or 2001:db8:{block}::x/64. */
    private static IpAddress vip(IpFamily family, int block, int last) {
        return IpAddress.parse(family == IpFamily.IPV4 ? "192.0." + block + "." + last
                : "2001:db8:" + block + "::" + last);
    }

    private static Prefix aggregate(IpFamily family, int block) {
        return Prefix.covering(vip(family, block, 1), family == IpFamily.IPV4 ? 24 : 64, Prefix.NO_PATH_ID);
    }

    private static RouteAttributes communities(long... values) {
        TreeSet<Long> set = new TreeSet<>();
        for (long v : values) {
            set.add(v);
        }
        return new RouteAttributes(set, new TreeSet<>(), null, null);
    }

    private static Negotiated terms(Set<IpFamily> addPath) {
        return new Negotiated(Duration.ofSeconds(90), Duration.ofSeconds(30), true,
                Set.of(IpFamily.IPV4, IpFamily.IPV6), 64512, 0x0a4d0001L, false, addPath);
    }

    private static SessionConfig config(IpFamily family) {
        return new SessionConfig(LOCAL_AS, 0x0a4d000bL, 64512, Set.of(family), Duration.ofSeconds(90), null,
                Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1, Set.of());
    }
}
