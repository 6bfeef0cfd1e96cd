package io.openelb.ui;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;

/**
 * The cluster's Events as each user last listed them, refreshed beside the overview instead of inside it.
 * Listing every Event of a cluster is by far the slowest read of the overview (thousands of Events took
 * 1-2 s here), and an open page reloads the overview on each change: the pools must not wait for it. The
 * first overview of a session lists them at once; later ones take the last list and, when it is older than
 * {@link #MAX_AGE}, start a new listing that the next overview shows. Thread-safe (worker threads).
 */
final class RecentEvents {
    static final Duration MAX_AGE = Duration.ofSeconds(2);

    /** A user's last list: the Events, or empty when the API server forbids listing them. */
    private record Listing(Optional<List<Event>> events, Instant at, boolean refreshing) {}

    /** By the user's client (one per session; a closed session's entry goes with its client). */
    private final Map<KubernetesClient, Listing> listings = new WeakHashMap<>();

    /** The user's Events: empty when forbidden. Blocks only for the first listing of this client. */
    Optional<List<Event>> of(KubernetesClient client, Instant now, Executor parallel) {
        Listing last;
        synchronized (listings) {
            last = listings.get(client);
            if (last != null && !last.refreshing() && last.at().plus(MAX_AGE).isBefore(now)) {
                listings.put(client, new Listing(last.events(), last.at(), true));
                parallel.execute(() -> refresh(client, now));
            }
        }
        return last != null ? last.events() : refresh(client, now);
    }

    /** Lists them; {@code started} is when the listing was asked for (the time it shows). */
    private Optional<List<Event>> refresh(KubernetesClient client, Instant started) {
        List<String> forbidden = new ArrayList<>();
        Optional<List<Event>> events;
        try {
            List<Event> listed = ClusterReads.listed(ClusterReads.EVENTS, forbidden,
                    () -> client.v1().events().inAnyNamespace().list().getItems());
            events = forbidden.isEmpty() ? Optional.of(listed) : Optional.empty();
        } catch (KubernetesClientException e) {
            synchronized (listings) { // keep the last list; the next overview tries again
                listings.computeIfPresent(client, (c, l) -> new Listing(l.events(), l.at(), false));
            }
            throw e;
        }
        synchronized (listings) {
            listings.put(client, new Listing(events, started, false));
        }
        return events;
    }
}
