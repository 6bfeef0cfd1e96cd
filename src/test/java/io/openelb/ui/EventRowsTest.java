package io.openelb.ui;

import static io.openelb.ui.UiEvents.onOurs;
import static io.openelb.ui.UiEvents.onService;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventRowsTest {
    private static final Instant NOW = Instant.parse("2026-12-05T20:00:00Z");

    @Test
    void keepsTheLastHoursEventsOnOurKindsAndTheListedServicesNewestFirst() {
        Event eip = onOurs("Eip", "lab-pool", "InvalidSpec", NOW.minusSeconds(60));
        Event peer = onOurs("BgpPeer", "router", "PeerUnusable", NOW.minusSeconds(30));
        Event web = onService("shop/web", "IPAllocated", "192.0.2.1", null, NOW.minusSeconds(10));
        Event unlisted = onService("shop/db", "IPAllocated", "192.0.2.2", null, NOW.minusSeconds(5));
        Event old = onOurs("BgpConf", "default", "Old", NOW.minusSeconds(3601));
        Event pod = new EventBuilder(web).editInvolvedObject().withKind("Pod").endInvolvedObject().build();

        List<Event> recent = EventRows.recent(List.of(eip, peer, web, unlisted, old, pod), Set.of("shop/web"), NOW);

        assertThat(recent).containsExactly(web, peer, eip);
    }

    @Test
    void anEipOfAnotherGroupIsNotOurs() {
        Event other = new EventBuilder(onOurs("Eip", "x", "R", NOW)).editInvolvedObject()
                .withApiVersion("example.com/v1").endInvolvedObject().build();

        assertThat(EventRows.recent(List.of(other), Set.of(), NOW)).isEmpty();
    }

    @Test
    void atMostAHundred() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            events.add(onOurs("Eip", "p" + i, "R", NOW.minusSeconds(i)));
        }

        List<Event> recent = EventRows.recent(events, Set.of(), NOW);

        assertThat(recent).hasSize(EventRows.MAX_SHOWN).startsWith(events.get(0)).endsWith(events.get(99));
    }

    @Test
    void theTimeIsTheNewestTimestampTheEventHas() {
        Event micro = onService("shop/web", "R", "m", null, Instant.parse("2026-12-05T19:59:58.123456Z"));
        Event bare = new EventBuilder().withNewMetadata().withCreationTimestamp("2026-12-05T19:00:00Z").endMetadata()
                .build();

        assertThat(EventRows.time(micro)).isEqualTo(Instant.parse("2026-12-05T19:59:58.123456Z"));
        assertThat(EventRows.time(bare)).isEqualTo(Instant.parse("2026-12-05T19:00:00Z"));
        assertThat(EventRows.time(new Event())).isEqualTo(Instant.EPOCH);
    }

    @Test
    void jsonNamesTheObjectWithItsKindAndNamespace() {
        assertThat(EventRows.json(onService("shop/web", "IPAllocated", "got 192.0.2.1", null,
                Instant.parse("2026-12-05T19:59:58.123456Z")))).isEqualTo(new JsonObject("""
                {"time": "2026-12-05T19:59:58Z", "type": "Normal", "reason": "IPAllocated",
                 "object": "Service shop/web", "message": "got 192.0.2.1", "count": 1}"""));
        assertThat(EventRows.json(onOurs("Eip", "lab-pool", "InvalidSpec", NOW)).getString("object"))
                .isEqualTo("Eip lab-pool");
    }
}
