package io.openelb.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.bus.Addresses;
import io.openelb.bus.EventBusCodecs;
import io.openelb.bus.InformersSynced;
import io.openelb.bus.ReadinessChanged;
import io.openelb.bus.ResourceChanged;
import io.openelb.bus.ResourceKind;
import io.openelb.metrics.KubeMetrics;
import io.openelb.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpVerticleVertxTest {
    private Metrics metrics;
    private Vertx vertx;
    private WebClient web;
    private int port;

    @BeforeEach
    void start() throws Exception {
        metrics = new Metrics();
        vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
                .build();
        EventBusCodecs.registerAll(vertx.eventBus());
        HttpVerticle http = new HttpVerticle("127.0.0.1", 0, metrics);
        vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
        port = http.actualPort();
        web = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        metrics.close();
    }

    private HttpResponse<Buffer> get(String path) throws Exception {
        return web.get(port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
    }

    @Test
    void healthzAnswersWhileTheEventLoopRuns() throws Exception {
        HttpResponse<Buffer> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("ok\n");
    }

    @Test
    void readyzWaitsForTheInformers() throws Exception {
        HttpResponse<Buffer> before = get("/readyz");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.bodyAsJsonObject().getJsonArray("waitingFor").getList()).containsExactly("informers");

        vertx.eventBus().publish(Addresses.INFORMERS_SYNCED, new InformersSynced(List.of(ResourceKind.EIP)));

        HttpResponse<Buffer> after = awaitStatus("/readyz", 200);
        assertThat(after.bodyAsJsonObject().getBoolean("ready")).isTrue();
        assertThat(after.getHeader("content-type")).isEqualTo("application/json");
    }

    @Test
    void readyzListsAComponentThatCannotWorkWithItsReasonUntilItCan() throws Exception {
        vertx.eventBus().publish(Addresses.INFORMERS_SYNCED, new InformersSynced(List.of(ResourceKind.EIP)));
        vertx.eventBus().publish(Addresses.READINESS_CHANGED, new ReadinessChanged("layer2", "no Secret"));

        HttpResponse<Buffer> waiting = awaitStatus("/readyz", 503);
        assertThat(waiting.bodyAsJsonObject().getJsonArray("waitingFor").getList()).containsExactly("layer2");
        assertThat(waiting.bodyAsJsonObject().getJsonObject("problems").getString("layer2")).isEqualTo("no Secret");

        vertx.eventBus().publish(Addresses.READINESS_CHANGED, new ReadinessChanged("layer2", ""));
        HttpResponse<Buffer> ready = awaitStatus("/readyz", 200);
        assertThat(ready.bodyAsJsonObject().containsKey("problems")).isFalse();
    }

    @Test
    void metricsServePrometheusTextWithJvmVertxAndOwnMeters() throws Exception {
        new KubeMetrics(metrics.registry()).watchEvent(ResourceKind.EIP, ResourceChanged.Change.ADDED);
        get("/healthz"); // so that Vert.x HTTP server meters exist

        HttpResponse<Buffer> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("content-type")).isEqualTo(HttpVerticle.PROMETHEUS_CONTENT_TYPE);
        assertThat(response.bodyAsString())
                .contains("# TYPE jvm_memory_used_bytes gauge")
                .contains("jvm_gc_")
                .contains("process_cpu_usage")
                .contains("vertx_http_server_requests_total")
                .contains("openelb_kube_watch_events_total{change=\"added\",resource=\"eips\"} 1.0")
                .contains("openelb_kube_informers_synced 0.0");
    }

    @Test
    void endpointIsReadOnly() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/metrics")) {
            HttpResponse<Buffer> response =
                    web.request(HttpMethod.POST, port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as("POST %s", path).isEqualTo(405);
        }
        assertThat(get("/no-such-page").statusCode()).isEqualTo(404);
    }

    private HttpResponse<Buffer> awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<Buffer> response = get(path);
        while (response.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(20);
            response = get(path);
        }
        return response;
    }
}
