package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which nodes serve a Service's addresses, as the speakers' Events on the Service tell it: for Layer 2 and VIP
 * pools the node of the newest {@code Layer2Announced} / {@code VipHeld} Event; for BGP the nodes the newest
 * {@code BgpAnnounced} Event of each address names (none once a newer {@code BgpWithdrawn} says no node
 * announces it). The reasons and messages are those the speaker writes (Layer2Verticle, VipVerticle,
 * ClusterAnnouncementEvents). Pure: no client.
 */
final class Holders {
    static final String LAYER2_ANNOUNCED = "Layer2Announced";
    static final String VIP_HELD = "VipHeld";
    static final String BGP_ANNOUNCED = "BgpAnnounced";
    static final String BGP_WITHDRAWN = "BgpWithdrawn";
    private static final Set<String> REASONS = Set.of(LAYER2_ANNOUNCED, VIP_HELD, BGP_ANNOUNCED, BGP_WITHDRAWN);
    /** The speaker's reporting instance is {@code openelb-speaker-NODE}. */
    private static final String SPEAKER_INSTANCE = "openelb-speaker-";
    /** "192.0.2.1 announced over BGP by 2 nodes: node1, node2" (then " and 3 more" beyond five names). */
    private static final Pattern ANNOUNCERS =
            Pattern.compile(" announced over BGP by \\d+ nodes?: (.*?)( and \\d+ more)?$");
    private static final Pattern NODE_IN_MESSAGE = Pattern.compile("^node (\\S+) ");

    /** Service key to its speakers' Events, newest first. */
    private final Map<String, List<Event>> byService;

    private Holders(Map<String, List<Event>> byService) {
        this.byService = byService;
    }

    /** Indexes the speakers' Events on Services (any age: a holder may have taken over long ago). */
    static Holders of(List<Event> events) {
        Map<String, List<Event>> byService = new HashMap<>();
        for (Event event : events) {
            ObjectReference o = event.getInvolvedObject();
            if (o != null && "Service".equals(o.getKind()) && REASONS.contains(event.getReason())) {
                byService.computeIfAbsent(o.getNamespace() + "/" + o.getName(), k -> new ArrayList<>()).add(event);
            }
        }
        byService.values().forEach(list -> list.sort(Comparator.comparing(EventRows::time).reversed()));
        return new Holders(byService);
    }

    /**
     * The nodes serving the Service, sorted; empty when unknown.
     *
     * @param protocol its pool's protocol ({@code bgp}, {@code layer2}, {@code vip}), null when it has none
     */
    List<String> of(String serviceKey, String protocol) {
        List<Event> events = byService.getOrDefault(serviceKey, List.of());
        if (protocol == null) {
            return List.of();
        }
        if (protocol.equals("layer2") || protocol.equals("vip")) {
            return events.stream()
                    .filter(e -> e.getReason().equals(LAYER2_ANNOUNCED) || e.getReason().equals(VIP_HELD))
                    .findFirst().map(Holders::node).filter(n -> !n.isEmpty()).map(List::of).orElse(List.of());
        }
        return bgpAnnouncers(events);
    }

    /** The union, over the Service's addresses, of the nodes the newest BGP Event of each address names. */
    private static List<String> bgpAnnouncers(List<Event> newestFirst) {
        Set<String> addressesSeen = new HashSet<>();
        Set<String> nodes = new TreeSet<>();
        for (Event event : newestFirst) {
            String message = event.getMessage() == null ? "" : event.getMessage();
            String address = message.split(" ", 2)[0];
            boolean bgp = event.getReason().equals(BGP_ANNOUNCED) || event.getReason().equals(BGP_WITHDRAWN);
            if (!bgp || !addressesSeen.add(address) || !event.getReason().equals(BGP_ANNOUNCED)) {
                continue;
            }
            Matcher m = ANNOUNCERS.matcher(message);
            if (m.find()) {
                Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(nodes::add);
            }
        }
        return List.copyOf(nodes);
    }

    /** The node that posted a Layer 2 / VIP Event: its source host, else its reporting instance or message. */
    private static String node(Event event) {
        String host = event.getSource() == null ? null : event.getSource().getHost();
        if (host != null && !host.isBlank()) {
            return host;
        }
        String instance = event.getReportingInstance();
        if (instance != null && instance.startsWith(SPEAKER_INSTANCE)) {
            return instance.substring(SPEAKER_INSTANCE.length());
        }
        Matcher m = NODE_IN_MESSAGE.matcher(event.getMessage() == null ? "" : event.getMessage());
        return m.find() ? m.group(1) : "";
    }
}
