package io.openelb.web;

import io.openelb.bus.Addresses;
import io.openelb.bus.Snapshots;
import io.openelb.bus.ReadinessChanged;
import io.openelb.metrics.Metrics;
import io.openelb.status.StatusBoard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Instant;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint: {@code /healthz} (the event loop answers), {@code /readyz} (the informers have
 * synced), {@code /metrics} (Prometheus text), the JSON status {@code /api/v1/pools}, {@code /api/v1/services},
 * {@code /api/v1/bgp/neighbors}, {@code /api/v1/bgp/neighbors/PEER/routes} (what was sent to BgpPeer PEER),
 * {@code /api/v1/layer2}, {@code /api/v1/vip} (read from the {@link StatusBoard} the owners publish to), and the web page
 * at {@code /} (static files of {@code webroot/} in the jar). Read-only: every route answers GET only
 * (other methods get 405). The controller adds the management UI's routes under {@code /ui/}
 * ({@link #withRoutes}), which have their own sign-in.
 */
public final class HttpVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final String host;
    private final int port;
    private final Metrics metrics;
    private final StatusBoard board;
    private volatile boolean informersSynced;
    /** Routes added before the static files (the UI); called once in {@link #start}, on this event loop. */
    private BiConsumer<Router, Vertx> extraRoutes = (router, vertx) -> {};
    /** Component to the reason it cannot work; only touched on this verticle's event loop. */
    private final java.util.Map<String, String> problems = new java.util.TreeMap<>();
    private HttpServer server;

    public HttpVerticle(String host, int port, Metrics metrics) {
        this(host, port, metrics, new StatusBoard());
    }

    public HttpVerticle(String host, int port, Metrics metrics, StatusBoard board) {
        this(host, port, metrics, board, false);
    }

    private HttpVerticle(String host, int port, Metrics metrics, StatusBoard board, boolean withoutCluster) {
        this.host = host;
        this.port = port;
        this.metrics = metrics;
        this.board = board;
        this.informersSynced = withoutCluster;
    }

    /** For a process that watches no cluster (role apiserver-vip): {@code /readyz} waits for no informers. */
    public static HttpVerticle withoutCluster(String host, int port, Metrics metrics, StatusBoard board) {
        return new HttpVerticle(host, port, metrics, board, true);
    }

    /** Adds routes (the controller's UI) before the static files; they may have their own methods and guards. */
    public HttpVerticle withRoutes(BiConsumer<Router, Vertx> routes) {
        this.extraRoutes = routes;
        return this;
    }

    /** The cluster view, back on this verticle's event loop. */
    private Future<io.openelb.status.ClusterView> clusterView() {
        return Future.fromCompletionStage(board.cluster(), vertx.getOrCreateContext());
    }

    @Override
    public Future<?> start() {
        Snapshots.follow(vertx, s -> informersSynced |= s.synced());
        vertx.eventBus().<ReadinessChanged>consumer(Addresses.READINESS_CHANGED, msg -> {
            if (msg.body().problem().isEmpty()) {
                problems.remove(msg.body().component());
            } else {
                problems.put(msg.body().component(), msg.body().problem());
            }
        });

        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> text(ctx, 200, "ok\n"));
        router.get("/readyz").handler(this::readiness);
        router.get("/metrics").blockingHandler(this::prometheus);
        router.get("/api/v1/pools").handler(ctx -> clusterView()
                .onSuccess(view -> json(ctx, StatusJson.pools(view))).onFailure(ctx::fail));
        router.get("/api/v1/services").handler(ctx -> clusterView()
                .onSuccess(view -> json(ctx, StatusJson.services(view, board.layer2()))).onFailure(ctx::fail));
        router.get("/api/v1/layer2").handler(ctx -> board.layer2().ifPresentOrElse(
                l2 -> json(ctx, StatusJson.layer2(l2)),
                () -> ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", "this process runs no speaker: Layer 2 status is served "
                                + "by the speakers").encode() + "\n")));
        router.get("/api/v1/vip").handler(ctx -> board.vip().ifPresentOrElse(
                view -> json(ctx, StatusJson.vip(view)),
                () -> ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", "this process runs no VIP mode: the VIP status is served "
                                + "by the speakers and by role apiserver-vip").encode() + "\n")));
        router.get("/api/v1/bgp/neighbors").handler(ctx -> json(ctx, StatusJson.neighbors(board.neighbors(),
                Instant.now())));
        router.get("/api/v1/bgp/neighbors/:peer/routes").handler(this::routes);
        extraRoutes.accept(router, vertx);
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(port, host)
                .recover(e -> Future.failedFuture(new IllegalStateException(
                        "HTTP endpoint cannot listen on " + host + ":" + port + ": " + e.getMessage(), e)))
                .onSuccess(s -> {
                    server = s;
                    LOG.info("HTTP endpoint on {}:{}", host, s.actualPort());
                });
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void readiness(RoutingContext ctx) {
        JsonArray waitingFor = new JsonArray();
        if (!informersSynced) {
            waitingFor.add("informers");
        }
        JsonObject problemsJson = new JsonObject();
        problems.forEach((component, problem) -> {
            waitingFor.add(component);
            problemsJson.put(component, problem);
        });
        JsonObject body = new JsonObject().put("ready", waitingFor.isEmpty()).put("waitingFor", waitingFor);
        if (!problems.isEmpty()) {
            body.put("problems", problemsJson);
        }
        ctx.response()
                .setStatusCode(waitingFor.isEmpty() ? 200 : 503)
                .putHeader("content-type", "application/json")
                .end(body.encode() + "\n");
    }

    private void routes(RoutingContext ctx) {
        String peer = ctx.pathParam("peer");
        board.neighbors().stream().filter(n -> n.peer().equals(peer)).findFirst().ifPresentOrElse(
                n -> json(ctx, StatusJson.routes(n)),
                () -> ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", "no BGP session with BgpPeer " + peer + " on this node")
                                .encode() + "\n"));
    }

    /** Scraping walks every meter; it runs on a worker so a large registry never stalls the event loop. */
    private void prometheus(RoutingContext ctx) {
        ctx.response().putHeader("content-type", PROMETHEUS_CONTENT_TYPE).end(metrics.scrape());
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("content-type", "application/json").end(body.encodePrettily() + "\n");
    }

    private static void text(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8").end(body);
    }
}
