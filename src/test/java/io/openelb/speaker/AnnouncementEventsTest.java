package io.openelb.speaker;

import static io.openelb.announce.ClusterAnnouncementEvents.ANNOUNCED;
import static io.openelb.announce.ClusterAnnouncementEvents.WITHDRAWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.openelb.announce.ServiceState;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerStatus;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.NodeModel;
import io.openelb.model.PoolSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every speaker of a cluster fed the same plans: the Events on a Service do not grow with the nodes. */
class AnnouncementEventsTest {
    private static final PoolSet POOLS = PoolSet.of(List.of(
            new EipDefinition("bgp", 0, "192.0.2.0/24", "bgp", "", false, 0, List.of(), Map.of(), false, false)));

    private record Posted(String poster, String service, String reason, String message) {}

    private final List<Posted> posted = new ArrayList<>();
    private final List<AnnouncementEvents> speakers = new ArrayList<>();
    private Map<String, NodeModel> nodes = new HashMap<>();
    /** One BgpPeer, with an Established session from every node of the cluster in its status. */
    private Map<String, BgpPeer> peers = Map.of();
    private long revision;
    private long nanos;

    /** The speakers of a cluster of {@code size} nodes, node-000 on, each posting into {@link #posted}. */
    private void cluster(int size) {
        for (int i = 0; i < size; i++) {
            String name = "node-%03d".formatted(i);
            nodes.put(name, node(name, true));
            speakers.add(new AnnouncementEvents(name, (service, reason, message) -> posted.add(
                    new Posted(name, service, reason, message)), AnnouncementEvents.PEERING_STILL, () -> nanos));
        }
        nodes = Map.copyOf(nodes);
        peers = Map.of("router", peer(nodes.keySet()));
    }

    private static BgpPeer peer(Set<String> establishedFrom) {
        BgpPeer peer = new BgpPeer();
        peer.setStatus(new BgpPeerStatus());
        peer.getStatus().nodesPeerStatus = new HashMap<>();
        for (String node : establishedFrom) {
            BgpPeerStatus.NodePeerStatus status = new BgpPeerStatus.NodePeerStatus();
            status.peerState = new BgpPeerStatus.PeerState();
            status.peerState.sessionState = "ESTABLISHED";
            peer.getStatus().nodesPeerStatus.put(node, status);
        }
        return peer;
    }

    private static NodeModel node(String name, boolean ready) {
        return new NodeModel(name, ready, false, Map.of(), List.of(), Map.of());
    }

    private static ServiceState service(String key, String address, boolean local, String... endpointNodes) {
        return new ServiceState(key, List.of(IpAddress.parse(address)), local, Set.of(endpointNodes));
    }

    /** One plan on every speaker: the snapshot with these Services, the keys of those that changed. */
    private void plan(Set<String> changed, ServiceState... services) {
        Map<String, ServiceState> announced = new HashMap<>();
        for (ServiceState s : services) {
            announced.put(s.key(), s);
        }
        ClusterSnapshot s = new ClusterSnapshot(++revision, true, Set.of(), ClusterSnapshot.Changes.NONE, Map.of(),
                Map.copyOf(announced), nodes, Map.of(), POOLS, Map.of(), peers, Map.of(), Map.of(), Map.of());
        speakers.forEach(speaker -> speaker.report(s, changed));
        // then the time for a change of the peering to settle, and each speaker's recheck after it
        nanos += AnnouncementEvents.PEERING_STILL.toNanos();
        speakers.forEach(AnnouncementEvents::recheck);
    }

    private void setReady(String name, boolean ready) {
        Map<String, NodeModel> next = new HashMap<>(nodes);
        next.put(name, node(name, ready));
        nodes = Map.copyOf(next);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 100})
    void aCreateAndAWithdrawEachPostOneEventWhateverTheNumberOfNodes(int size) {
        cluster(size);
        plan(null);

        plan(Set.of("ns/web"), service("ns/web", "192.0.2.5", false));
        assertThat(posted).as("created").extracting(Posted::poster, Posted::service, Posted::reason, Posted::message)
                .containsExactly(tuple("node-000", "ns/web", ANNOUNCED, "192.0.2.5 announced over BGP by " + size
                        + " nodes: " + (size == 2 ? "node-000, node-001"
                        : "node-000, node-001, node-002, node-003, node-004 and 95 more")));

        posted.clear();
        plan(Set.of("ns/web"), service("ns/web", "192.0.2.5", true, "node-001"));
        assertThat(posted).as("externalTrafficPolicy Local, an endpoint on node-001: still announced").isEmpty();
        plan(Set.of("ns/web"), service("ns/web", "192.0.2.5", true));
        assertThat(posted).as("withdrawn").extracting(Posted::poster, Posted::service, Posted::reason)
                .containsExactly(tuple("node-001", "ns/web", WITHDRAWN));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 100})
    void aNodeLeavingWhileOthersAnnouncePostsNoServiceEvent(int size) {
        cluster(size);
        ServiceState web = service("ns/web", "192.0.2.5", false);
        plan(null, web);

        setReady("node-000", false);
        plan(Set.of(), web);
        setReady("node-000", true);
        plan(Set.of(), web);

        assertThat(posted).isEmpty();
    }

    @Test
    void aRestartedSpeakerRepeatsNoEvent() {
        cluster(3);

        plan(null, service("ns/web", "192.0.2.5", false));

        assertThat(posted).isEmpty();
    }

    @Test
    void oneSpeakerPostsAtMostFiftyEventsPerPlan() {
        cluster(3);
        plan(null);
        List<ServiceState> many = new ArrayList<>();
        for (int i = 1; i <= AnnouncementEvents.EVENTS_PER_PLAN + 10; i++) {
            many.add(service("ns/s" + i, "192.0.2." + i, false));
        }

        plan(null, many.toArray(ServiceState[]::new));

        assertThat(posted).hasSize(AnnouncementEvents.EVENTS_PER_PLAN).extracting(Posted::poster)
                .containsOnly("node-000");
    }

    @Test
    void aReadyNodeWithoutAnEstablishedSessionNeitherCountsNorPosts() {
        cluster(3);
        Set<String> speakersThatPeer = new java.util.TreeSet<>(nodes.keySet());
        speakersThatPeer.remove("node-000"); // e.g. a control-plane node where the DaemonSet runs no speaker
        peers = Map.of("router", peer(speakersThatPeer));
        plan(null);

        plan(Set.of("ns/web"), service("ns/web", "192.0.2.5", false));

        assertThat(posted).extracting(Posted::poster, Posted::message)
                .containsExactly(tuple("node-001", "192.0.2.5 announced over BGP by 2 nodes: node-001, node-002"));
    }
}
