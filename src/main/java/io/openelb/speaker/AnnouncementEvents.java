package io.openelb.speaker;

import io.openelb.announce.BgpPlan;
import io.openelb.announce.NodeState;
import io.openelb.announce.ServiceState;
import io.openelb.kube.SpeakerEvents;
import io.openelb.model.IpAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Event on each Service whose address this node started or stopped announcing (to at least one peer),
 * so that {@code kubectl describe svc} shows which nodes announce it and why one stopped. The first
 * plan's state is not reported (a restarted speaker would repeat every Service's Event), nor more than
 * {@link #EVENTS_PER_PLAN} at once (a new BgpPeer starts every address): a log line counts the rest.
 * Runs on the speaker's event loop.
 */
final class AnnouncementEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEvents.class);
    static final int EVENTS_PER_PLAN = 50;

    private final String nodeName;
    private final SpeakerEvents events;
    /** Addresses this node announced at the last plan; null before the first. */
    private Set<IpAddress> announcedHere;

    AnnouncementEvents(String nodeName, SpeakerEvents events) {
        this.nodeName = nodeName;
        this.events = events;
    }

    void report(NodeState self, Collection<ServiceState> services, Map<IpAddress, SortedSet<String>> announcers,
            Set<String> peers) {
        Set<IpAddress> now = new HashSet<>();
        if (!peers.isEmpty()) {
            announcers.forEach((address, nodes) -> {
                if (nodes.contains(nodeName)) {
                    now.add(address);
                }
            });
        }
        Set<IpAddress> before = announcedHere;
        announcedHere = now;
        if (before == null || before.equals(now)) {
            return;
        }
        String peerNames = String.join(", ", new TreeSet<>(peers));
        List<BgpPlan.Change> changes = BgpPlan.changes(self, services, before, now);
        for (BgpPlan.Change c : changes.subList(0, Math.min(EVENTS_PER_PLAN, changes.size()))) {
            if (c.announced()) {
                events.onService(c.service(), "BgpAnnounced", "node " + nodeName + " announces " + c.address()
                        + " over BGP (BgpPeers: " + peerNames + ")");
            } else {
                events.onService(c.service(), "BgpWithdrawn", "node " + nodeName + " withdrew " + c.address()
                        + " from BGP: " + BgpPlan.explain(c.why()));
            }
        }
        if (changes.size() > EVENTS_PER_PLAN) {
            LOG.info("{} more Services' BGP announcements changed on node {} (no Event for them)",
                    changes.size() - EVENTS_PER_PLAN, nodeName);
        }
    }
}
