package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.ui.view.EipInput;
import io.openelb.ui.view.ServiceInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the UI reads with the user's client: the overview and the Services a write's preview needs. Blocking:
 * called on a worker thread, never on the event loop.
 */
final class ClusterReads {
    static final String EIPS = "eips";
    static final String SERVICES = "services";
    static final String BGP_PEERS = "bgppeers";
    static final String EVENTS = "events";

    private final PoolViews views;
    private final RecentEvents recentEvents = new RecentEvents();

    ClusterReads(PoolViews views) {
        this.views = views;
    }

    /** The kinds the user may list, each listed once; a kind the API server forbids is named in "forbidden". */
    record Listed(List<Eip> eips, List<ServiceInput> services, List<BgpPeer> peers, List<Event> events,
            List<String> forbidden) {}

    /**
     * {@code GET /ui/api/overview}: every list with the user's client, then the JSON. The lists run at once
     * ({@code parallel} runs blocking work elsewhere) and the Events come from {@link RecentEvents}: an open
     * page reloads this on each change, and the slowest list in a row with the others was most of the time an
     * allocation took to show.
     */
    JsonObject overview(KubernetesClient client, Instant now, Executor parallel) {
        List<String> forbidden = java.util.Collections.synchronizedList(new ArrayList<>());
        var services = CompletableFuture.supplyAsync(() -> listed(SERVICES, forbidden, () -> loadBalancers(client)),
                parallel);
        var peers = CompletableFuture.supplyAsync(() -> listed(BGP_PEERS, forbidden,
                () -> client.resources(BgpPeer.class).list().getItems()), parallel);
        List<Eip> eips = listed(EIPS, forbidden, () -> client.resources(Eip.class).list().getItems());
        Optional<List<Event>> events = recentEvents.of(client, now, parallel);
        if (events.isEmpty()) {
            forbidden.add(EVENTS);
        }
        try {
            return overview(new Listed(eips, services.join(), peers.join(), events.orElse(List.of()),
                    forbidden.stream().sorted().toList()), now);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The overview's JSON from what was listed. */
    JsonObject overview(Listed listed, Instant now) {
        JsonArray pools = new JsonArray();
        Map<String, String> protocols = new HashMap<>();
        listed.eips().stream().sorted(Comparator.comparing(e -> e.getMetadata().getName())).forEach(eip -> {
            EipInput input = EipForms.input(eip);
            protocols.put(input.name(), OverviewJson.protocol(input));
            pools.add(OverviewJson.pool(input, eip.getMetadata().getResourceVersion(),
                    eip.getMetadata().getGeneration(),
                    views.map(input, listed.services())));
        });
        Holders holders = Holders.of(listed.events());
        JsonArray services = new JsonArray();
        Set<String> keys = new HashSet<>();
        listed.services().stream().sorted(Comparator.comparing(ServiceInput::key)).forEach(s -> {
            keys.add(s.key());
            String protocol = protocols.get(s.pool());
            services.add(OverviewJson.service(s, protocol, holders.of(s.key(), protocol)));
        });
        JsonArray peers = new JsonArray();
        listed.peers().stream().sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .forEach(p -> peers.add(OverviewJson.peer(p)));
        JsonArray events = new JsonArray();
        EventRows.recent(listed.events(), keys, now).forEach(e -> events.add(EventRows.json(e)));
        return new JsonObject().put("pools", pools).put("services", services).put("peers", peers)
                .put("events", events).put("forbidden", new JsonArray(List.copyOf(listed.forbidden())));
    }

    /** Every LoadBalancer Service of the cluster, as the views take them. */
    static List<ServiceInput> loadBalancers(KubernetesClient client) {
        return client.services().inAnyNamespace().list().getItems().stream()
                .filter(ServiceRows::isLoadBalancer).map(ServiceRows::input).toList();
    }

    /** The list, or empty when the API server forbids it (then {@code forbidden} names it). */
    static <T> List<T> listed(String kind, List<String> forbidden, Supplier<List<T>> list) {
        try {
            return list.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            forbidden.add(kind);
            return List.of();
        }
    }

    /** The list, or empty when the API server forbids it: for what only decorates an answer. */
    static <T> List<T> orNone(Supplier<List<T>> list) {
        return listed("", new ArrayList<>(), list);
    }
}
