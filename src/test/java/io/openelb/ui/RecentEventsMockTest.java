package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventListBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Events of the overview: listed once per session at first, then refreshed beside it, not inside it. */
class RecentEventsMockTest {
    private static final String EVENTS = "/api/v1/events";
    private KubernetesMockServer server;
    private KubernetesClient client;
    private final RecentEvents recent = new RecentEvents();
    private final Instant t0 = Instant.parse("2026-12-05T20:00:00Z");

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private void answerEvents(String... names) {
        var list = new EventListBuilder();
        for (String name : names) {
            list.addToItems(new EventBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                    .build());
        }
        server.expect().get().withPath(EVENTS).andReturn(200, list.build()).once();
    }

    private static List<String> names(Optional<List<io.fabric8.kubernetes.api.model.Event>> events) {
        return events.orElseThrow().stream().map(e -> e.getMetadata().getName()).toList();
    }

    @Test
    void theFirstOverviewListsThemAndTheNextOnesDoNotWaitForANewList() {
        answerEvents("first");
        assertThat(names(recent.of(client, t0, Runnable::run))).containsExactly("first");
        int requests = server.getRequestCount();

        assertThat(names(recent.of(client, t0.plusSeconds(1), r -> {
            throw new AssertionError("no refresh within " + RecentEvents.MAX_AGE);
        }))).containsExactly("first");
        assertThat(server.getRequestCount()).isEqualTo(requests);

        answerEvents("first", "second");
        List<Runnable> started = new java.util.ArrayList<>();
        assertThat(names(recent.of(client, t0.plusSeconds(3), started::add))).as("the last list, at once")
                .containsExactly("first");
        assertThat(started).hasSize(1);
        started.get(0).run();
        assertThat(names(recent.of(client, t0.plusSeconds(3), started::add))).containsExactly("first", "second");
        assertThat(started).as("one refresh at a time").hasSize(1);
    }

    @Test
    void eventsTheUserMayNotListAreEmpty() {
        Status forbidden = new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("events is forbidden")
                .build();
        server.expect().get().withPath(EVENTS).andReturn(403, forbidden).always();

        assertThat(recent.of(client, t0, Runnable::run)).isEmpty();
    }
}
