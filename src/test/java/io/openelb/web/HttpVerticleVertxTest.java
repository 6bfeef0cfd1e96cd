package io.openelb.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.Layer2Plan.Assignment;
import io.openelb.announce.Layer2Snapshot;
import io.openelb.announce.RouteAttributes;
import io.openelb.bgp.codec.LargeCommunity;
import io.openelb.bus.Addresses;
import io.openelb.bus.EventBusCodecs;
import io.openelb.bus.ClusterChanged;
import io.openelb.bus.ReadinessChanged;
import io.openelb.cluster.ClusterSnapshots;
import io.openelb.cluster.WatchChange;
import io.openelb.cluster.ResourceKind;
import io.openelb.metrics.KubeMetrics;
import io.openelb.metrics.Metrics;
import io.openelb.model.EipDefinition;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.PoolSet;
import io.openelb.status.AdvertisedRoute;
import io.openelb.status.BfdView;
import io.openelb.status.MessageCounts;
import io.openelb.status.NeighborView;
import io.openelb.status.SessionDetail;
import io.openelb.status.ServiceAddresses;
import io.openelb.status.StatusBoard;
import io.openelb.status.StatusViews;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
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
    private final StatusBoard board = new StatusBoard();

    @BeforeEach
    void start() throws Exception {
        metrics = new Metrics();
        vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
                .build();
        EventBusCodecs.registerAll(vertx.eventBus());
        HttpVerticle http = new HttpVerticle("127.0.0.1", 0, metrics, board);
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

        vertx.eventBus().publish(Addresses.CLUSTER_CHANGED, new ClusterChanged(ClusterSnapshots.synced()));

        HttpResponse<Buffer> after = awaitStatus("/readyz", 200);
        assertThat(after.bodyAsJsonObject().getBoolean("ready")).isTrue();
        assertThat(after.getHeader("content-type")).isEqualTo("application/json");
    }

    @Test
    void readyzListsAComponentThatCannotWorkWithItsReasonUntilItCan() throws Exception {
        vertx.eventBus().publish(Addresses.CLUSTER_CHANGED, new ClusterChanged(ClusterSnapshots.synced()));
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
        new KubeMetrics(metrics.registry()).watchEvent(ResourceKind.EIP, WatchChange.ADDED);
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
    void aPortInUseFailsTheDeploymentAndTheMessageNamesTheAddress() throws Exception {
        // taken by another socket than this Vertx's (Vert.x shares its own servers' ports between verticles)
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int takenPort = taken.getLocalPort();
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> vertx.deployVerticle(
                    new HttpVerticle("127.0.0.1", takenPort, metrics)).await(10, TimeUnit.SECONDS));

            assertThat(failure).hasMessageContaining("HTTP endpoint cannot listen on 127.0.0.1:" + takenPort);
        }
    }

    @Test
    void endpointIsReadOnly() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/metrics", "/api/v1/pools", "/api/v1/services",
                "/api/v1/bgp/neighbors", "/api/v1/layer2", "/", "/index.html")) {
            HttpResponse<Buffer> response =
                    web.request(HttpMethod.POST, port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as("POST %s", path).isEqualTo(405);
        }
        assertThat(get("/no-such-page").statusCode()).isEqualTo(404);
    }

    private void publishLab() {
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("lab", 1, "192.0.2.10-192.0.2.13", "bgp", "", false, 0,
                List.of(), Map.of(), false, false)));
        board.cluster(StatusViews.of(pools, List.of(new ServiceAddresses("ns/web",
                        List.of(IpAddress.parse("192.0.2.10")), List.of("TCP"))),
                Map.of(IpAddress.parse("192.0.2.10"), new TreeSet<>(List.of("node1"))),
                Instant.parse("2026-01-02T03:04:05Z")));
        board.neighbor(new NeighborView("router", "10.77.0.1", 179, 64513, 64512, "ESTABLISHED",
                Instant.now().minusSeconds(90), null, new MessageCounts(7, 1, 2, 0, 4, 0),
                new MessageCounts(6, 1, 1, 0, 4, 0), 1, 0, "hold timer expired",
                new SessionDetail("10.77.0.11", "10.77.0.1", 90, 30, 1, 90, 30, false, 1, -1,
                        List.of(IpFamily.IPV4), null, List.of())));
    }

    @Test
    void poolsShowSizeUsedFreeAndAllocations() throws Exception {
        publishLab();

        HttpResponse<Buffer> response = get("/api/v1/pools");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("content-type")).isEqualTo("application/json");
        JsonObject pool = response.bodyAsJsonObject().getJsonArray("pools").getJsonObject(0);
        assertThat(pool.getString("name")).isEqualTo("lab");
        assertThat(pool.getLong("size")).isEqualTo(4);
        assertThat(pool.getLong("used")).isEqualTo(1);
        assertThat(pool.getLong("free")).isEqualTo(3);
        assertThat(pool.getJsonArray("allocations").encode())
                .isEqualTo("[{\"ip\":\"192.0.2.10\",\"services\":[\"ns/web\"]}]");
    }

    @Test
    void servicesShowAddressPoolProtocolsAndAnnouncingNodes() throws Exception {
        publishLab();

        JsonObject service = get("/api/v1/services").bodyAsJsonObject().getJsonArray("services").getJsonObject(0);

        assertThat(service.encode()).isEqualTo("{\"service\":\"ns/web\",\"ip\":\"192.0.2.10\",\"pool\":\"lab\","
                + "\"protocols\":[\"TCP\"],\"announcingNodes\":[\"node1\"]}");
    }

    @Test
    void neighborsShowStateUptimeCountersAndPrefixes() throws Exception {
        publishLab();

        JsonObject neighbor = get("/api/v1/bgp/neighbors").bodyAsJsonObject().getJsonArray("neighbors")
                .getJsonObject(0);

        assertThat(neighbor.getString("peer")).isEqualTo("router");
        assertThat(neighbor.getString("state")).isEqualTo("ESTABLISHED");
        assertThat(neighbor.getLong("uptimeSeconds")).isBetween(90L, 100L);
        assertThat(neighbor.getJsonObject("messages").getJsonObject("sent").getLong("update")).isEqualTo(2);
        assertThat(neighbor.getJsonObject("messages").getJsonObject("received").getLong("keepalive")).isEqualTo(4);
        assertThat(neighbor.getInteger("advertisedPrefixes")).isEqualTo(1);
        assertThat(neighbor.getString("lastError")).isEqualTo("hold timer expired");
    }

    @Test
    void aNeighborWithBfdShowsItsBfdSessionAndOneWithoutShowsNone() throws Exception {
        publishLab();
        board.neighbor(new NeighborView("tor-bfd", "10.77.0.2", 179, 64513, 64512, "IDLE", null,
                Instant.parse("2026-01-02T03:04:05Z"), new MessageCounts(0, 0, 0, 0, 0, 0),
                new MessageCounts(0, 0, 0, 0, 0, 0), 0, 1, "BFD detected the path down",
                new SessionDetail("", "", 90, 30, 1, 0, 0, false, 255, -1, List.of(IpFamily.IPV4), null, List.of()),
                new BfdView("Down", "ControlDetectionTimeExpired", 0, 300, 300, 3, false)));

        var neighbors = get("/api/v1/bgp/neighbors").bodyAsJsonObject().getJsonArray("neighbors");

        assertThat(neighbors.getJsonObject(0).containsKey("bfd")).as("router runs no BFD").isFalse();
        assertThat(neighbors.getJsonObject(1).getJsonObject("bfd").encode()).isEqualTo("{\"state\":\"Down\","
                + "\"diagnostic\":\"ControlDetectionTimeExpired\",\"detectionTimeMs\":0,\"transmitIntervalMs\":300,"
                + "\"receiveIntervalMs\":300,\"detectMultiplier\":3,\"passiveMode\":false}");
    }

    @Test
    void aNeighborsRoutesShowTheAttributesSent() throws Exception {
        RouteAttributes gold = new RouteAttributes(new TreeSet<>(List.of(0xFFFF_FF01L, 65000L << 16 | 100)),
                new TreeSet<>(List.of(new LargeCommunity(65000, 1, 2))), 200L, null);
        Instant since = Instant.parse("2026-01-02T03:04:05Z");
        board.neighbor(new NeighborView("tor", "10.77.0.1", 179, 64513, 64513, "ESTABLISHED", since, null,
                new MessageCounts(0, 0, 0, 0, 0, 0), new MessageCounts(0, 0, 0, 0, 0, 0), 2, 0, "",
                new SessionDetail("10.77.0.11", "10.77.0.1", 90, 30, 1, 90, 30, false, 1, -1, List.of(IpFamily.IPV4),
                        since, List.of(
                                new AdvertisedRoute(IpAddress.parse("192.0.2.11"), 0, IpAddress.parse("10.77.0.11"),
                                        since, RouteAttributes.NONE),
                                new AdvertisedRoute(IpAddress.parse("192.0.2.10"), 0, IpAddress.parse("10.77.0.11"),
                                        since, gold)))));

        HttpResponse<Buffer> response = get("/api/v1/bgp/neighbors/tor/routes");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("address")).isEqualTo("10.77.0.1");
        assertThat(body.getJsonArray("routes").getJsonObject(0).encode()).isEqualTo("{\"prefix\":\"192.0.2.10/32\","
                + "\"pathId\":0,\"nextHop\":\"10.77.0.11\",\"since\":\"2026-01-02T03:04:05Z\","
                + "\"communities\":[\"65000:100\",\"no-export\"],\"largeCommunities\":[\"65000:1:2\"],"
                + "\"localPref\":200,\"med\":null}");
        assertThat(body.getJsonArray("routes").getJsonObject(1).getJsonArray("communities")).isEmpty();
        assertThat(get("/api/v1/bgp/neighbors/nobody/routes").statusCode()).isEqualTo(404);
        assertThat(web.request(HttpMethod.POST, port, "127.0.0.1", "/api/v1/bgp/neighbors/tor/routes").send()
                .await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(405);
    }

    private void publishLayer2() {
        PoolSet pools = PoolSet.of(List.of(new EipDefinition("l2", 1, "10.77.0.100-10.77.0.103", "layer2", "eth0",
                false, 0, List.of(), Map.of(), false, false)));
        board.cluster(StatusViews.of(pools, List.of(
                        new ServiceAddresses("ns/a", List.of(IpAddress.parse("10.77.0.100")), List.of("TCP")),
                        new ServiceAddresses("ns/b", List.of(IpAddress.parse("10.77.0.101")), List.of("UDP"))),
                Map.of(), Instant.parse("2026-01-02T03:04:05Z")));
        board.layer2(new Layer2Snapshot("node1", "", List.of("node2", "node1"), List.of(
                new Assignment(IpAddress.parse("10.77.0.100"), "ns/a", "l2", "eth0", "node1", ""),
                new Assignment(IpAddress.parse("10.77.0.101"), "ns/b", "l2", "eth0", "node2", "")),
                Map.of("l2", "lab0")));
    }

    @Test
    void layer2ShowsTheAddressesThisNodeAnswersForOnWhichInterfaceAndEveryOwner() throws Exception {
        publishLayer2();

        HttpResponse<Buffer> response = get("/api/v1/layer2");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject l2 = response.bodyAsJsonObject();
        assertThat(l2.getString("node")).isEqualTo("node1");
        assertThat(l2.getJsonArray("members").getList()).containsExactly("node1", "node2");
        assertThat(l2.getJsonArray("owned").encode())
                .isEqualTo("[{\"ip\":\"10.77.0.100\",\"service\":\"ns/a\",\"pool\":\"l2\",\"interface\":\"lab0\"}]");
        assertThat(l2.getJsonArray("addresses").stream().map(a -> ((JsonObject) a).getString("owner")).toList())
                .containsExactly("node1", "node2");
    }

    @Test
    void servicesShowTheLayer2OwnerOfALayer2Address() throws Exception {
        publishLayer2();

        JsonObject b = get("/api/v1/services").bodyAsJsonObject().getJsonArray("services").getJsonObject(1);

        assertThat(b.encode()).isEqualTo("{\"service\":\"ns/b\",\"ip\":\"10.77.0.101\",\"pool\":\"l2\","
                + "\"protocols\":[\"UDP\"],\"layer2Owner\":\"node2\"}");
    }

    @Test
    void layer2IsNotFoundInAProcessWithoutASpeaker() throws Exception {
        HttpResponse<Buffer> response = get("/api/v1/layer2");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.bodyAsJsonObject().getString("error")).contains("runs no speaker");
    }

    @Test
    void beforeAnythingIsPublishedTheListsAreEmpty() throws Exception {
        assertThat(get("/api/v1/pools").bodyAsJsonObject().getJsonArray("pools")).isEmpty();
        assertThat(get("/api/v1/services").bodyAsJsonObject().getJsonArray("services")).isEmpty();
        assertThat(get("/api/v1/bgp/neighbors").bodyAsJsonObject().getJsonArray("neighbors")).isEmpty();
    }

    @Test
    void thePageAndItsScriptAreServedFromTheJar() throws Exception {
        HttpResponse<Buffer> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.getHeader("content-type")).startsWith("text/html");
        assertThat(page.bodyAsString()).contains("<table id=\"pools\">", "<table id=\"neighbors\">", "app.js");

        HttpResponse<Buffer> script = get("/app.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.bodyAsString()).contains("api/v1/pools", "api/v1/bgp/neighbors");
        assertThat(get("/style.css").statusCode()).isEqualTo(200);
    }

    /** The page's VIP section: hidden where /api/v1/vip answers 404, as it does until a VIP owner publishes. */
    @Test
    void thePageHasAVipSectionHiddenWhereTheProcessRunsNoVipMode() throws Exception {
        assertThat(get("/").bodyAsString()).contains("<section id=\"vip-section\" hidden>", "<table id=\"vip\">");
        assertThat(get("/app.js").bodyAsString()).contains("getOptional(\"api/v1/vip\")", "response.status === 404",
                "section.hidden = vip === null");
        assertThat(get("/api/v1/vip").statusCode()).isEqualTo(404);
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
