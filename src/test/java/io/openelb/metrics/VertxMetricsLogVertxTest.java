package io.openelb.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.openelb.bus.Addresses;
import io.openelb.bus.ClusterChanged;
import io.openelb.bus.EventBusCodecs;
import io.openelb.cluster.ClusterSnapshots;
import io.openelb.grpc.GetBgpCall;
import io.openelb.grpc.GrpcVerticle;
import io.openelb.status.StatusBoard;
import io.openelb.web.HttpVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Vert.x wired to the registry as {@code Main} wires it, then used as a process uses it: consumers and
 * messages on the event bus, concurrent HTTP connections and requests, the gRPC API (HTTP/2). Nothing of
 * that may log a warning or an error: every line a user sees at start must mean something.
 */
class VertxMetricsLogVertxTest {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Metrics metrics;
    private Vertx vertx;

    @BeforeEach
    void start() {
        logged.setContext(root.getLoggerContext());
        logged.start();
        root.addAppender(logged);
        metrics = new Metrics();
        vertx = metrics.vertxBuilder(1).build();
        EventBusCodecs.registerAll(vertx.eventBus());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
            metrics.close();
        } finally {
            root.detachAppender(logged);
        }
    }

    @Test
    void theMetricsSetupLogsNoWarningUnderUse() throws Exception {
        HttpVerticle http = new HttpVerticle("127.0.0.1", 0, metrics);
        GrpcVerticle grpc = new GrpcVerticle("127.0.0.1", 0, new StatusBoard());
        vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(grpc).await(30, TimeUnit.SECONDS);
        EventLoopDelay.deploy(vertx, metrics.registry(), "main", 2).await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) { // several consumers of one address, several messages each
            vertx.eventBus().consumer(Addresses.CLUSTER_CHANGED, message -> { });
            vertx.eventBus().publish(Addresses.CLUSTER_CHANGED, new ClusterChanged(ClusterSnapshots.synced()));
        }

        HttpClient client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(8));
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String path = List.of("/healthz", "/readyz", "/metrics", "/api/v1/pools").get(i % 4);
            answers.add(client.request(HttpMethod.GET, http.actualPort(), "127.0.0.1", path)
                    .compose(request -> request.send())
                    .compose(HttpClientResponse::body)
                    .map(body -> path));
        }
        Future.all(answers).await(30, TimeUnit.SECONDS);
        try {
            GetBgpCall.send(vertx, grpc.actualPort()).await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) { // seen once in CI (2026-12-06): where it waited
            Thread.getAllStackTraces().forEach((thread, stack) -> System.err.println(thread + "\n    "
                    + java.util.Arrays.stream(stack).map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining("\n    "))));
            throw e;
        }
        client.close().await(10, TimeUnit.SECONDS);

        assertThat(metrics.scrape()).contains("vertx_eventbus_handlers", "vertx_http_server_active_connections");
        assertThat(logged.list)
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }
}
