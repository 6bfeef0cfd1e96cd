package io.openelb.speaker;

import io.openelb.announce.Announcements;
import io.openelb.announce.BgpPlan;
import io.openelb.announce.NodeState;
import io.openelb.announce.ServiceState;
import io.openelb.kube.SpeakerEvents;
import io.openelb.model.IpAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Event on each Service whose address this node started or stopped announcing (to at least one peer),
 * so that {@code kubectl describe svc} shows which nodes announce it and why one stopped. The first
 * plan's state is not reported (a restarted speaker would repeat every Service's Event), nor more than
 * {@link #EVENTS_PER_PLAN} at once (a new BgpPeer starts every address): a log line counts the rest. An
 * address its Service no longer holds is not reported: the Service let it go (the controller's Events say
 * so). Runs on the speaker's event loop; looks at the changed addresses only.
 */
final class AnnouncementEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEvents.class);
    static final int EVENTS_PER_PLAN = 50;

    private final String nodeName;
    private final SpeakerEvents events;
    /** Addresses this node announces to its peers; null before the first plan. */
    private Set<IpAddress> announcedHere;
    private boolean peering;

    AnnouncementEvents(String nodeName, SpeakerEvents events) {
        this.nodeName = nodeName;
        this.events = events;
    }

    /**
     * @param changed the addresses whose announcers changed since the last report; null: any may have
     * @param peers   the BgpPeers this node has sessions with (none: it announces nothing)
     */
    void report(NodeState self, Announcements table, Collection<IpAddress> changed, Set<String> peers) {
        boolean nowPeering = !peers.isEmpty();
        if (announcedHere == null) {
            announcedHere = new HashSet<>();
            peering = nowPeering;
            table.addresses().stream().filter(a -> announcedHere(a, table)).forEach(announcedHere::add);
            return;
        }
        Collection<IpAddress> candidates = changed;
        if (changed == null || nowPeering != peering) {
            Set<IpAddress> all = new HashSet<>(announcedHere);
            all.addAll(table.addresses());
            candidates = all;
        }
        peering = nowPeering;
        // the addresses that started or stopped, and their Services: BgpPlan.changes says what and why
        Set<IpAddress> before = new HashSet<>();
        Set<IpAddress> now = new HashSet<>();
        Map<String, ServiceState> services = new TreeMap<>();
        for (IpAddress address : candidates) {
            boolean is = announcedHere(address, table);
            if (is == announcedHere.contains(address)) {
                continue;
            }
            (is ? now : before).add(address);
            if (is) {
                announcedHere.add(address);
            } else {
                announcedHere.remove(address);
            }
            table.servicesOf(address).forEach(service -> services.put(service.key(), service));
        }
        record(BgpPlan.changes(self, services.values(), before, now), String.join(", ", new TreeSet<>(peers)));
    }

    private boolean announcedHere(IpAddress address, Announcements table) {
        return peering && table.announcers().getOrDefault(address, Collections.emptySortedSet()).contains(nodeName);
    }

    private void record(List<BgpPlan.Change> changes, String peerNames) {
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
