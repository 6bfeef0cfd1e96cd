package io.openelb.ui;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI's reads and writes, each made with the signed-in user's client ({@link UserClients}); see
 * {@code docs/ui.md} for the JSON. Reads: {@code GET /ui/api/overview}. Writes (403 when the UI is read-only;
 * the API server's refusal passed on with its status code and message): Eip create/update/delete with
 * {@code ?dryRun=true}, {@code POST /ui/api/eips/NAME/preview}, {@code PATCH /ui/api/services/NS/NAME}
 * (pool or requested address). Mounted behind {@link UiAuth}'s guard; the handlers run on the HTTP verticle's
 * event loop and hand every client call to a worker thread.
 */
public final class UiData {
    private static final Logger LOG = LoggerFactory.getLogger(UiData.class);
    private static final String API = "/ui/api";
    /** An EipForm or a Service patch is a few hundred bytes. */
    private static final long BODY_LIMIT = 64 * 1024;

    private final Function<Session, KubernetesClient> clients;
    private final UiSettings settings;
    private final ClusterReads reads;
    private final ClusterWrites writes;

    public UiData(UserClients clients, UiSettings settings) {
        this(clients::of, settings, PoolViews.PURE);
    }

    /** With the client of a session and the views given (tests give a mock server's client). */
    UiData(Function<Session, KubernetesClient> clients, UiSettings settings, PoolViews views) {
        this.clients = clients;
        this.settings = settings;
        this.reads = new ClusterReads(views);
        this.writes = new ClusterWrites(views);
    }

    /** One request's work with the user's client, its inputs taken from the request on the event loop. */
    @FunctionalInterface
    private interface Call {
        JsonObject run(KubernetesClient client);
    }

    /** Reads the request (on the event loop) into the call to make with the user's client. */
    @FunctionalInterface
    private interface Step {
        Call of(RoutingContext ctx);
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.get(API + "/overview").handler(ctx -> answer(ctx, 200, false,
                c -> client -> reads.overview(client, Instant.now(), blocking(c))));
        router.post(API + "/eips").handler(body).handler(ctx -> answer(ctx, 201, true, c -> {
            JsonObject form = json(c);
            boolean dryRun = dryRun(c);
            return client -> writes.create(client, form, dryRun);
        }));
        router.put(API + "/eips/:name").handler(body).handler(ctx -> answer(ctx, 200, true, c -> {
            JsonObject form = json(c);
            String name = c.pathParam("name");
            boolean dryRun = dryRun(c);
            return client -> writes.update(client, name, form, dryRun);
        }));
        // a preview changes nothing: allowed while the UI is read-only
        router.post(API + "/eips/:name/preview").handler(body).handler(ctx -> answer(ctx, 200, false, c -> {
            JsonObject form = json(c);
            String name = c.pathParam("name");
            return client -> writes.preview(client, name, form);
        }));
        router.delete(API + "/eips/:name").handler(ctx -> answer(ctx, 200, true, c -> {
            String name = c.pathParam("name");
            boolean dryRun = dryRun(c);
            return client -> writes.delete(client, name, dryRun);
        }));
        router.patch(API + "/services/:ns/:name").handler(body).handler(ctx -> answer(ctx, 200, true, c -> {
            JsonObject patch = json(c);
            String namespace = c.pathParam("ns");
            String name = c.pathParam("name");
            boolean dryRun = dryRun(c);
            return client -> writes.patchService(client, namespace, name, patch, dryRun);
        }));
    }

    /**
     * Checks the session and, for a write, that writes are on; reads the request; runs the call on a worker
     * thread; answers its JSON with {@code okStatus}, or the error.
     */
    private void answer(RoutingContext ctx, int okStatus, boolean write, Step step) {
        Call call;
        Session session;
        try {
            session = UiAuth.session(ctx).orElseThrow(() -> new UiError(401, "not signed in"));
            if (write && !settings.writes()) {
                throw new UiError(403, UiError.READ_ONLY);
            }
            call = step.of(ctx);
        } catch (RuntimeException e) {
            fail(ctx, UiError.of(e));
            return;
        }
        ctx.vertx().executeBlocking(() -> call.run(clients.apply(session)), false)
                .onSuccess(json -> send(ctx, okStatus, json))
                .onFailure(e -> fail(ctx, UiError.of(e)));
    }

    /** Runs blocking work on another worker of the Vert.x pool. */
    private static java.util.concurrent.Executor blocking(RoutingContext ctx) {
        return work -> ctx.vertx().executeBlocking(() -> {
            work.run();
            return null;
        }, false);
    }

    private static JsonObject json(RoutingContext ctx) {
        JsonObject json = ctx.body().asJsonObject();
        if (json == null) {
            throw new IllegalArgumentException("a JSON object is expected");
        }
        return json;
    }

    /** {@code ?dryRun=true}: the API server checks and answers, and stores nothing. */
    private static boolean dryRun(RoutingContext ctx) {
        List<String> values = ctx.queryParam("dryRun");
        if (values.isEmpty() || values.get(0).equals("false")) {
            return false;
        }
        if (values.get(0).equals("true")) {
            return true;
        }
        throw new IllegalArgumentException("dryRun must be true or false");
    }

    private static void fail(RoutingContext ctx, UiError error) {
        if (error.status() >= 500) {
            LOG.warn("UI request {} {} failed: {}", ctx.request().method(), ctx.request().path(), error.getMessage());
        }
        send(ctx, error.status(), error.body());
    }

    private static void send(RoutingContext ctx, int status, JsonObject json) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(json.encode());
        }
    }
}
