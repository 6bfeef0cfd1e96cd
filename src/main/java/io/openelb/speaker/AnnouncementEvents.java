package io.openelb.speaker;

import io.openelb.announce.ClusterAnnouncementEvents;
import io.openelb.announce.ClusterAnnouncementEvents.ServiceEvent;
import io.openelb.announce.NodeState;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.bgp.fsm.State;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.model.NodeModel;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts this node's share of the Events on Services about their BGP announcements: one Event per Service
 * when its address becomes announced by some node and when no node announces it any more, posted by the
 * one speaker {@link ClusterAnnouncementEvents} names, whatever the number of nodes. Not more than
 * {@link #EVENTS_PER_PLAN} at once (a new BgpPeer starts every address): a log line counts the rest.
 * While the set of nodes with Established sessions has changed less than {@link #PEERING_STILL} ago, the
 * decisions wait (see {@link ClusterAnnouncementEvents}); {@link #report} says so, and the owner calls
 * {@link #recheck} later. Runs on the speaker's event loop.
 */
final class AnnouncementEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEvents.class);
    static final int EVENTS_PER_PLAN = 50;
    /** Longer than the spread of the speakers' views of one BgpPeer status change (a watch delivery). */
    static final Duration PEERING_STILL = Duration.ofSeconds(1);

    /** Where an Event on a Service goes (the speaker's {@code SpeakerEvents}). */
    @FunctionalInterface
    interface ServiceEvents {
        void onService(String service, String reason, String message);
    }

    private final String nodeName;
    private final ServiceEvents events;
    private final ClusterAnnouncementEvents cluster;
    private final LongSupplier nanoClock;
    private ClusterSnapshot lastSnapshot;
    private Map<String, NodeModel> nodesSeen;
    private Map<String, NodeState> nodeStates;
    private Map<String, BgpPeer> peersSeen;
    private Set<String> peering = Set.of();

    AnnouncementEvents(String nodeName, ServiceEvents events) {
        this(nodeName, events, PEERING_STILL, System::nanoTime);
    }

    AnnouncementEvents(String nodeName, ServiceEvents events, Duration peeringStill, LongSupplier nanoClock) {
        this.nodeName = nodeName;
        this.events = events;
        this.cluster = new ClusterAnnouncementEvents(peeringStill);
        this.nanoClock = nanoClock;
    }

    /**
     * @param changed keys of the Services whose announce state changed since the last report (read during the
     *                call only); null: any may have
     * @return whether decisions wait for the peering to hold still: {@link #recheck} after {@link #PEERING_STILL}
     */
    boolean report(ClusterSnapshot s, Set<String> changed) {
        lastSnapshot = s;
        if (s.nodes() != nodesSeen) { // converted once per change of the nodes: the same map means the same
            nodesSeen = s.nodes();
            nodeStates = new HashMap<>();
            nodesSeen.forEach((name, node) -> nodeStates.put(name, ClusterSnapshot.state(node)));
        }
        // any BgpPeer in the cluster, not this node's sessions: the other speakers cannot know those, and the
        // poster must be named from what every speaker knows alike
        if (s.bgpPeers() != peersSeen) {
            peersSeen = s.bgpPeers();
            peering = peering(peersSeen.values());
        }
        var inputs = new ClusterAnnouncementEvents.Inputs(nodeStates, s.announced(), s.pools().pools(), peering);
        List<ServiceEvent> mine = cluster.next(inputs, changed, nanoClock.getAsLong()).stream()
                .filter(e -> e.poster().equals(nodeName)).toList();
        mine.stream().limit(EVENTS_PER_PLAN).forEach(e -> events.onService(e.service(), e.reason(), e.message()));
        if (mine.size() > EVENTS_PER_PLAN) {
            LOG.info("{} more Services' BGP announcements changed, reported by node {} (no Event for them)",
                    mine.size() - EVENTS_PER_PLAN, nodeName);
        }
        return cluster.waiting();
    }

    /** The last reported cluster again, nothing changed in it since: decides what waited. As {@link #report}. */
    boolean recheck() {
        return lastSnapshot != null && report(lastSnapshot, Set.of());
    }

    /**
     * The nodes with an Established session to some BgpPeer, as each speaker writes it in the BgpPeer's status:
     * what every speaker knows alike about who announces (a node where no speaker runs, or that no BgpPeer
     * selects, has no such entry).
     */
    static Set<String> peering(Collection<BgpPeer> peers) {
        Set<String> nodes = new HashSet<>();
        for (BgpPeer peer : peers) {
            if (peer.getStatus() == null || peer.getStatus().nodesPeerStatus == null) {
                continue;
            }
            peer.getStatus().nodesPeerStatus.forEach((node, status) -> {
                if (status != null && status.peerState != null
                        && State.ESTABLISHED.name().equalsIgnoreCase(status.peerState.sessionState)) {
                    nodes.add(node);
                }
            });
        }
        return Set.copyOf(nodes);
    }
}
