package io.openelb.ui;

import io.openelb.bus.Snapshots;
import io.openelb.cluster.ResourceKind;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /ui/api/stream}: server-sent events that tell an open page what changed ({@code event: changed},
 * {@code data: {"kinds": ["eips", "services"]}}), so it reloads the overview with the user's own token. Fed by
 * the controller's snapshots, which see more than a user may: an event names kinds only, never an object.
 * Changes are sent at most every {@link #COALESCE_MILLIS}; the page keeps one reload in flight and one queued,
 * so a burst of changes costs a reload per round trip, not one per change.
 * A stream ends when its session does. Mounted behind {@link UiAuth}'s guard; runs on the HTTP verticle's
 * event loop.
 */
public final class UiStream {
    static final long COALESCE_MILLIS = 50;
    static final long KEEPALIVE_MILLIS = 20_000;
    private static final Set<ResourceKind> SHOWN = EnumSet.of(ResourceKind.SERVICE, ResourceKind.EIP,
            ResourceKind.BGP_PEER, ResourceKind.NODE);

    private final Sessions sessions;
    /** Open streams and the session id each belongs to. */
    private final Map<HttpServerResponse, String> open = new HashMap<>();
    private final Set<String> pending = new TreeSet<>();
    private long flushTimer = -1;
    private Vertx vertx;

    public UiStream(Sessions sessions) {
        this.sessions = sessions;
    }

    /** Call from the HTTP verticle's start, after {@link UiAuth#mount}. */
    public void mount(Router router, Vertx vertx) {
        this.vertx = vertx;
        Snapshots.follow(vertx, snapshot -> changed(snapshot.changes().kinds()));
        vertx.setPeriodic(KEEPALIVE_MILLIS, id -> send(": keep-alive\n\n"));
        router.get("/ui/api/stream").handler(ctx -> {
            Session session = UiAuth.session(ctx).orElseThrow();
            HttpServerResponse response = ctx.response()
                    .setChunked(true)
                    .putHeader("content-type", "text/event-stream; charset=utf-8")
                    .putHeader("cache-control", "no-store");
            open.put(response, session.id());
            response.closeHandler(v -> open.remove(response));
            response.write("retry: 2000\n: connected\n\n");
        });
    }

    private void changed(Set<ResourceKind> kinds) {
        kinds.stream().filter(SHOWN::contains).map(ResourceKind::plural).forEach(pending::add);
        if (!pending.isEmpty() && flushTimer < 0) {
            flushTimer = vertx.setTimer(COALESCE_MILLIS, id -> {
                flushTimer = -1;
                JsonObject data = new JsonObject().put("kinds", new JsonArray(pending.stream().toList()));
                pending.clear();
                send("event: changed\ndata: " + data.encode() + "\n\n");
            });
        }
    }

    /** Writes to every stream whose session is still live; ends the others (the page then signs in again). */
    private void send(String message) {
        Instant now = Instant.now();
        for (var entry : Map.copyOf(open).entrySet()) {
            if (sessions.find(entry.getValue(), now).isPresent()) {
                entry.getKey().write(message);
            } else {
                open.remove(entry.getKey());
                entry.getKey().end();
            }
        }
    }
}
