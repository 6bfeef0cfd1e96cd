package io.openelb.announce;

import static io.openelb.announce.ClusterAnnouncementEvents.ANNOUNCED;
import static io.openelb.announce.ClusterAnnouncementEvents.WITHDRAWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.openelb.announce.ClusterAnnouncementEvents.Inputs;
import io.openelb.announce.ClusterAnnouncementEvents.ServiceEvent;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.Pool;
import io.openelb.model.PoolSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClusterAnnouncementEventsTest {
    private static final List<Pool> POOLS = pools("bgp");
    private static final Map<String, NodeState> THREE_NODES = nodes(ready("a"), ready("b"), ready("c"));
    private static final Set<String> PEERING = Set.of("a", "b", "c");
    private static final long MS = 1_000_000;

    private final ClusterAnnouncementEvents events = new ClusterAnnouncementEvents();

    private static List<Pool> pools(String protocolOfTheMovingPool) {
        return PoolSet.of(List.of(
                new EipDefinition("bgp", 0, "192.0.2.0/24", "bgp", "", false, 0, List.of(), Map.of(), false, false),
                new EipDefinition("moving", 1, "203.0.113.0/24", protocolOfTheMovingPool,
                        protocolOfTheMovingPool.equals("layer2") ? "eth0" : "", false, 0, List.of(), Map.of(), false,
                        false),
                new EipDefinition("l2", 2, "198.51.100.0/24", "layer2", "eth0", false, 0, List.of(), Map.of(), false,
                        false))).pools();
    }

    private static NodeState ready(String name) {
        return new NodeState(name, true, false);
    }

    private static NodeState notReady(String name) {
        return new NodeState(name, false, false);
    }

    private static Map<String, NodeState> nodes(NodeState... nodes) {
        Map<String, NodeState> out = new HashMap<>();
        for (NodeState n : nodes) {
            out.put(n.name(), n);
        }
        return Map.copyOf(out);
    }

    private static ServiceState service(String address, boolean local, String... endpointNodes) {
        return service("ns/" + address, address, local, endpointNodes);
    }

    private static ServiceState service(String key, String address, boolean local, String... endpointNodes) {
        return new ServiceState(key, List.of(IpAddress.parse(address)), local, Set.of(endpointNodes));
    }

    private static Map<String, ServiceState> services(ServiceState... services) {
        Map<String, ServiceState> out = new TreeMap<>();
        for (ServiceState s : services) {
            out.put(s.key(), s);
        }
        return out;
    }

    /** Every node in {@code nodes} has an Established session (that of a deleted node stays in the status). */
    private static Inputs inputs(Map<String, NodeState> nodes, ServiceState... services) {
        return new Inputs(nodes, services(services), POOLS, PEERING);
    }

    @Test
    void theFirstCallReportsNothingSoThatARestartRepeatsNoEvent() {
        assertThat(events.next(inputs(THREE_NODES, service("192.0.2.5", false)), null)).isEmpty();
    }

    @Test
    void aNewServiceIsAnnouncedOnceWithItsNodesPostedByTheFirstOfThem() {
        events.next(inputs(THREE_NODES), null);

        assertThat(events.next(inputs(THREE_NODES, service("192.0.2.5", false)), Set.of("ns/192.0.2.5")))
                .containsExactly(new ServiceEvent("ns/192.0.2.5", IpAddress.parse("192.0.2.5"), ANNOUNCED,
                        "192.0.2.5 announced over BGP by 3 nodes: a, b, c", "a"));
    }

    @Test
    void theMessageNamesFiveNodesAndCountsTheRest() {
        List<NodeState> many = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            many.add(ready("node-%03d".formatted(i)));
        }
        Map<String, NodeState> nodes = nodes(many.toArray(NodeState[]::new));
        events.next(new Inputs(nodes, services(), POOLS, nodes.keySet()), null);

        assertThat(events.next(new Inputs(nodes, services(service("192.0.2.5", false)), POOLS, nodes.keySet()),
                Set.of("ns/192.0.2.5")))
                .extracting(ServiceEvent::message).containsExactly("192.0.2.5 announced over BGP by 120 nodes: "
                        + "node-000, node-001, node-002, node-003, node-004 and 115 more");
    }

    @Test
    void whichNodesAnnounceWhileOneStillDoesIsNoServiceEvent() {
        ServiceState web = service("192.0.2.5", false);
        ServiceState local = service("192.0.2.6", true, "b", "c");
        events.next(inputs(THREE_NODES, web, local), null);

        assertThat(events.next(inputs(nodes(ready("a"), notReady("b"), ready("c")), web, local), Set.of()))
                .as("b not Ready: a and c still announce .5, c announces .6").isEmpty();
        assertThat(events.next(inputs(THREE_NODES, web, service("192.0.2.6", true, "c")), Set.of("ns/192.0.2.6")))
                .as("b Ready again; the endpoint of .6 on b went, the one on c stays").isEmpty();
        assertThat(events.next(inputs(nodes(ready("a"), ready("b")), web, service("192.0.2.6", true, "a")),
                Set.of("ns/192.0.2.6"))).as("c deleted while .6's endpoint moved to a").isEmpty();
    }

    @Test
    void anAddressNoNodeAnnouncesAnyMoreIsWithdrawnWithWhyUnlessItsServiceLetItGo() {
        ServiceState kept = service("192.0.2.5", false);
        ServiceState lostEndpoint = service("192.0.2.6", true, "b");
        ServiceState movedToLayer2 = service("203.0.113.8", false);
        ServiceState letGo = service("192.0.2.9", false);
        events.next(new Inputs(THREE_NODES, services(kept, lostEndpoint, movedToLayer2, letGo), POOLS, PEERING), null);

        List<ServiceEvent> out = events.next(new Inputs(THREE_NODES, services(kept, service("192.0.2.6", true),
                service("192.0.2.7", false), movedToLayer2), pools("layer2"), PEERING), null);

        assertThat(out).containsExactly(
                new ServiceEvent("ns/192.0.2.6", IpAddress.parse("192.0.2.6"), WITHDRAWN, "192.0.2.6 withdrawn from "
                        + "BGP, no node announces it any more: externalTrafficPolicy is Local and no ready endpoint "
                        + "runs on the node (b)", "b"),
                new ServiceEvent("ns/192.0.2.7", IpAddress.parse("192.0.2.7"), ANNOUNCED,
                        "192.0.2.7 announced over BGP by 3 nodes: a, b, c", "a"),
                new ServiceEvent("ns/203.0.113.8", IpAddress.parse("203.0.113.8"), WITHDRAWN, "203.0.113.8 withdrawn "
                        + "from BGP, no node announces it any more: no BGP Eip contains the address any more", "a"));
    }

    @Test
    void whenTheLastAnnouncerIsNotReadyTheFirstReadyNodePostsTheWithdrawal() {
        ServiceState local = service("192.0.2.6", true, "c");
        events.next(inputs(THREE_NODES, local), null);

        assertThat(events.next(inputs(nodes(ready("a"), ready("b"), notReady("c")), local), Set.of()))
                .extracting(ServiceEvent::message, ServiceEvent::poster).containsExactly(tuple(
                        "192.0.2.6 withdrawn from BGP, no node announces it any more: the node is not Ready (c)", "a"));
    }

    @Test
    void eachReasonNamesItsNodes() {
        ServiceState web = service("192.0.2.5", false);
        events.next(inputs(THREE_NODES, web), null);

        assertThat(events.next(inputs(nodes(notReady("a"), new NodeState("b", true, true)), web), null))
                .extracting(ServiceEvent::message, ServiceEvent::poster).containsExactly(tuple(
                        "192.0.2.5 withdrawn from BGP, no node announces it any more: the node was deleted (c); "
                                + "the node is excluded from load balancers (label "
                                + "node.kubernetes.io/exclude-from-external-load-balancers) (b); "
                                + "the node is not Ready (a)",
                        "b"));
    }

    @Test
    void onlyNodesWithAnEstablishedSessionCountAsAnnouncers() {
        ServiceState web = service("192.0.2.5", false);
        events.next(new Inputs(THREE_NODES, services(), POOLS, Set.of("b", "c")), null);

        assertThat(events.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of("b", "c")), Set.of("ns/192.0.2.5")))
                .extracting(ServiceEvent::message, ServiceEvent::poster)
                .as("a is Ready but runs no speaker, or no BgpPeer selects it: it neither counts nor posts")
                .containsExactly(tuple("192.0.2.5 announced over BGP by 2 nodes: b, c", "b"));
        assertThat(events.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of("c")), Set.of()))
                .as("one of two sessions went down: node-level detail, no Event").isEmpty();
        assertThat(events.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of()), Set.of()))
                .extracting(ServiceEvent::message, ServiceEvent::poster)
                .containsExactly(tuple("192.0.2.5 withdrawn from BGP, no node announces it any more: "
                        + "no BGP session of the node is Established (c)", "c"));
        assertThat(events.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of("a")), Set.of()))
                .extracting(ServiceEvent::reason, ServiceEvent::poster).containsExactly(tuple(ANNOUNCED, "a"));
    }

    /**
     * Two speakers whose paced plans saw the peering change at different snapshots: a saw the address
     * announced while only b peered (and named b), b saw it one snapshot later, when a peered too (and named
     * a). Deciding at once, neither posts; waiting for the peering to hold still, exactly one does.
     */
    @Test
    void speakersThatSawThePeeringChangeAtDifferentSnapshotsStillPostTheEventOnce() {
        assertThat(postsOfTheRace(Duration.ZERO)).as("the race, deciding at once").isEmpty();
        assertThat(postsOfTheRace(Duration.ofSeconds(1))).extracting(ServiceEvent::poster, ServiceEvent::reason)
                .containsExactly(tuple("a", ANNOUNCED));
    }

    @Test
    void whileThePeeringChangedLessThanTheStillTimeAgoNothingIsDecided() {
        ClusterAnnouncementEvents waiting = new ClusterAnnouncementEvents(Duration.ofSeconds(1));
        ServiceState web = service("192.0.2.5", false);
        waiting.next(new Inputs(THREE_NODES, services(), POOLS, Set.of()), null, 0);

        assertThat(waiting.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of("b")), Set.of(web.key()),
                MS)).isEmpty();
        assertThat(waiting.waiting()).isTrue();
        assertThat(waiting.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of("b")), Set.of(), 900 * MS))
                .isEmpty();
        assertThat(waiting.next(new Inputs(THREE_NODES, services(web), POOLS, Set.of("b")), Set.of(), 1001 * MS))
                .as("the Service's change, seen while waiting, decided after").extracting(ServiceEvent::poster)
                .containsExactly("b");
        assertThat(waiting.waiting()).isFalse();
    }

    /** What speakers a and b post (each its own share) in the race above. */
    private static List<ServiceEvent> postsOfTheRace(Duration still) {
        Map<String, NodeState> two = nodes(ready("a"), ready("b"));
        ServiceState web = service("192.0.2.5", false);
        Set<String> changed = Set.of(web.key());
        Inputs before = new Inputs(two, services(), POOLS, Set.of());
        Inputs onlyB = new Inputs(two, services(web), POOLS, Set.of("b"));
        Inputs both = new Inputs(two, services(web), POOLS, Set.of("a", "b"));
        ClusterAnnouncementEvents a = new ClusterAnnouncementEvents(still);
        ClusterAnnouncementEvents b = new ClusterAnnouncementEvents(still);
        a.next(before, null, 0);
        b.next(before, null, 0);
        List<ServiceEvent> posted = new ArrayList<>();
        posted.addAll(own("a", a.next(onlyB, changed, 100 * MS)));
        posted.addAll(own("a", a.next(both, Set.of(), 150 * MS)));
        posted.addAll(own("b", b.next(both, changed, 150 * MS))); // b's pacing skipped onlyB
        long later = 150 * MS + still.toNanos(); // each speaker's recheck
        posted.addAll(own("a", a.next(both, Set.of(), later)));
        posted.addAll(own("b", b.next(both, Set.of(), later)));
        return posted;
    }

    private static List<ServiceEvent> own(String node, List<ServiceEvent> events) {
        return events.stream().filter(e -> e.poster().equals(node)).toList();
    }

    @Test
    void aSharedAddressIsWithdrawnWhenNoneOfItsServicesIsAnnouncedAndOnlyOnThoseStillHoldingIt() {
        ServiceState everywhere = service("ns/a", "192.0.2.5", false);
        ServiceState localWithoutEndpoint = service("ns/b", "192.0.2.5", true);
        events.next(inputs(THREE_NODES, everywhere, localWithoutEndpoint), null);

        assertThat(events.next(inputs(THREE_NODES, localWithoutEndpoint), Set.of("ns/a")))
                .extracting(ServiceEvent::service, ServiceEvent::reason)
                .containsExactly(tuple("ns/b", WITHDRAWN));
        assertThat(events.next(inputs(THREE_NODES, everywhere, localWithoutEndpoint), Set.of("ns/a")))
                .extracting(ServiceEvent::service).containsExactly("ns/a", "ns/b");
    }

    @Test
    void addressesOfOtherPoolsAreNeverReported() {
        events.next(inputs(THREE_NODES), null);

        assertThat(events.next(inputs(THREE_NODES, service("198.51.100.5", false), service("2001:db8::5", false)),
                null)).isEmpty();
    }
}
