package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.openelb.api.v1alpha2.Eip;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** The Events the overview shows and their JSON ({@code Event} of {@code docs/ui.md}). Pure: no client. */
final class EventRows {
    static final int MAX_SHOWN = 100;
    static final Duration WINDOW = Duration.ofHours(1);
    /** The project's cluster-scoped kinds whose Events the overview shows. */
    private static final Set<String> OUR_KINDS = Set.of("Eip", "BgpPeer", "BgpConf");

    private EventRows() {}

    /**
     * The Events on Eips, BgpPeers, BgpConfs and the given Services of the last hour before {@code now}, newest
     * first, at most {@link #MAX_SHOWN}.
     *
     * @param services {@code namespace/name} of the LoadBalancer Services listed
     */
    static List<Event> recent(List<Event> events, Set<String> services, Instant now) {
        Instant since = now.minus(WINDOW);
        return events.stream()
                .filter(e -> about(e, services))
                .filter(e -> !time(e).isBefore(since))
                .sorted(Comparator.comparing(EventRows::time).reversed())
                .limit(MAX_SHOWN)
                .toList();
    }

    private static boolean about(Event event, Set<String> services) {
        ObjectReference o = event.getInvolvedObject();
        if (o == null || o.getKind() == null) {
            return false;
        }
        if (OUR_KINDS.contains(o.getKind())) {
            return o.getApiVersion() == null || o.getApiVersion().startsWith(Eip.GROUP + "/");
        }
        return "Service".equals(o.getKind()) && services.contains(o.getNamespace() + "/" + o.getName());
    }

    /** When it last happened: the event time, else the last, first or creation timestamp; else the epoch. */
    static Instant time(Event event) {
        String at = event.getEventTime() != null ? event.getEventTime().getTime() : null;
        if (at == null || at.isBlank()) {
            at = event.getLastTimestamp();
        }
        if (at == null || at.isBlank()) {
            at = event.getFirstTimestamp();
        }
        if ((at == null || at.isBlank()) && event.getMetadata() != null) {
            at = event.getMetadata().getCreationTimestamp();
        }
        try {
            return at == null || at.isBlank() ? Instant.EPOCH : Instant.parse(at);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    static JsonObject json(Event event) {
        ObjectReference o = event.getInvolvedObject();
        String name = o.getNamespace() == null || o.getNamespace().isEmpty() ? o.getName()
                : o.getNamespace() + "/" + o.getName();
        return new JsonObject()
                .put("time", time(event).truncatedTo(ChronoUnit.SECONDS).toString())
                .put("type", event.getType())
                .put("reason", event.getReason())
                .put("object", o.getKind() + " " + name)
                .put("message", event.getMessage())
                .put("count", event.getCount() == null ? 1 : event.getCount());
    }
}
