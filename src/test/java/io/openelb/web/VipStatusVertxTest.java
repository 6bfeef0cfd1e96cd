package io.openelb.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.bus.Addresses;
import io.openelb.bus.EventBusCodecs;
import io.openelb.bus.ReadinessChanged;
import io.openelb.metrics.Metrics;
import io.openelb.status.StatusBoard;
import io.openelb.status.VipView;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoint of the kube-apiserver VIP role: no cluster to wait for, and the VRRP instance's status. */
class VipStatusVertxTest {
    private final Metrics metrics = new Metrics();
    private final StatusBoard board = new StatusBoard();
    private Vertx vertx;
    private WebClient web;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        EventBusCodecs.registerAll(vertx.eventBus());
        HttpVerticle http = HttpVerticle.withoutCluster("127.0.0.1", 0, metrics, board);
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
    void readyWithoutInformersUntilAComponentHasAProblem() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        vertx.eventBus().publish(Addresses.READINESS_CHANGED,
                new ReadinessChanged("apiserver-vip", "interface eth0 is down"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<Buffer> response = get("/readyz");
        while (response.statusCode() != 503 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            response = get("/readyz");
        }
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.bodyAsJsonObject().getJsonObject("problems").getString("apiserver-vip"))
                .isEqualTo("interface eth0 is down");
    }

    @Test
    void theVipStatusListsEachInstance() throws Exception {
        board.vip(new VipView("", "", List.of(new VipView.Instance("apiserver-vip-ipv4", "eth0", 51, "ipv4", "master",
                "192.0.2.1", 150, List.of("192.0.2.10", "2001:db8::10"), List.of(), "healthy", ""))));

        JsonObject body = get("/api/v1/vip").bodyAsJsonObject();

        assertThat(body.getJsonArray("instances").getJsonObject(0)).isEqualTo(
                new JsonObject().put("name", "apiserver-vip-ipv4").put("vrid", 51).put("family", "ipv4")
                        .put("interface", "eth0").put("state", "master").put("master", "192.0.2.1")
                        .put("priority", 150)
                        .put("addresses", new io.vertx.core.json.JsonArray(List.of("192.0.2.10", "2001:db8::10")))
                        .put("services", new io.vertx.core.json.JsonArray()).put("health", "healthy")
                        .put("problem", ""));
    }

    @Test
    void aProcessWithoutAVipAnswers404() throws Exception {
        HttpResponse<Buffer> response = get("/api/v1/vip");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("runs no VIP mode");
    }
}
