package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.openelb.MockApiServer;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.BgpPeerSpec;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The UI's data routes against the mock API server, behind a test guard that signs every request in: what the
 * overview lists, what each write stores (or does not), and how refusals reach the page. Views given by the
 * test ({@link StubViews}) except where a test says it draws with the real ones.
 */
class UiDataMockTest {
    static final Session ALICE = new Session("id", "csrf", "token", new UserInfo("alice", List.of()),
            Permissions.NONE, Instant.now(), Instant.now());
    static final String EIPS = "/apis/network.kubesphere.io/v1alpha2/eips";

    private final ScriptedApiServer api = new ScriptedApiServer();
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private WebClient web;
    private int port;

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds(api);
        client = server.createClient();
        vertx = Vertx.vertx();
        web = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        client.close();
        server.destroy();
    }

    /** The UI's routes behind a guard that finds Alice's session on every request. */
    private void serve(boolean writes, PoolViews views) throws Exception {
        Router router = Router.router(vertx);
        router.route("/ui/api/*").handler(ctx -> {
            ctx.put(UiAuth.SESSION_KEY, ALICE);
            ctx.next();
        });
        new UiData(session -> session == ALICE ? client : null,
                new UiSettings(writes, Duration.ofMinutes(30), Duration.ofHours(8)), views).mount(router);
        HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        port = http.actualPort();
    }

    private HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) throws Exception {
        var request = web.request(method, port, "127.0.0.1", path);
        return (body == null ? request.send() : request.sendJsonObject(body)).await(10, TimeUnit.SECONDS);
    }

    private void eip(String name, String address) {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName(name).withAnnotations(Map.of("team", "netops")).build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = address;
        client.resources(Eip.class).resource(eip).create();
    }

    private void service(String namespace, String name, String pool, String address) {
        Service s = new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withLabels(Map.of(Annotations.POOL, pool)).endMetadata()
                .withNewSpec().withType("LoadBalancer").endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(address).endIngress().endLoadBalancer()
                .endStatus().build();
        client.services().inNamespace(namespace).resource(s).create();
    }

    private static JsonObject form(String name, String address) {
        return new JsonObject().put("name", name).put("address", address).put("protocol", "bgp")
                .put("isDefault", true);
    }

    @Test
    void theOverviewListsEipsLoadBalancersPeersAndRecentEvents() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withNamespace("shop")
                .withName("internal").endMetadata().withNewSpec().withType("ClusterIP").endSpec().build()).create();
        BgpPeer peer = new BgpPeer();
        peer.setMetadata(new ObjectMetaBuilder().withName("router").build());
        peer.setSpec(new BgpPeerSpec());
        client.resources(BgpPeer.class).resource(peer).create();
        client.v1().events().inNamespace("shop").resource(UiEvents.onService("shop/web", "BgpAnnounced",
                "192.0.2.1 announced over BGP by 1 node: node1", "node1", Instant.now())).create();
        serve(false, new StubViews());

        HttpResponse<Buffer> response = call(HttpMethod.GET, "/ui/api/overview", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).startsWith("application/json");
        JsonObject overview = response.bodyAsJsonObject();
        assertThat(overview.getJsonArray("pools")).hasSize(1);
        JsonObject pool = overview.getJsonArray("pools").getJsonObject(0);
        assertThat(pool.getString("name")).isEqualTo("lab-pool");
        assertThat(pool.getString("resourceVersion")).isNotEmpty();
        assertThat(pool.getJsonArray("services")).containsExactly("shop/web");
        assertThat(overview.getJsonArray("services")).containsExactly(new JsonObject("""
                {"namespace": "shop", "name": "web", "pool": "lab-pool", "addresses": ["192.0.2.1"],
                 "requested": [], "protocol": "bgp", "holders": ["node1"]}"""));
        assertThat(overview.getJsonArray("peers").getJsonObject(0).getString("name")).isEqualTo("router");
        assertThat(overview.getJsonArray("events")).hasSize(1);
        assertThat(overview.getJsonArray("events").getJsonObject(0).getString("object")).isEqualTo("Service shop/web");
        assertThat(overview.getJsonArray("forbidden")).isEmpty();
    }

    /** Depends on PoolMaps (io.openelb.ui.view): the map as docs/ui.md shows it for a /28. */
    @Test
    void theOverviewDrawsEachPoolsMapWithThePureViews() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(false, PoolViews.PURE);

        JsonObject pool = call(HttpMethod.GET, "/ui/api/overview", null).bodyAsJsonObject()
                .getJsonArray("pools").getJsonObject(0);

        assertThat(pool.getString("family")).isEqualTo("IPv4");
        assertThat(pool.getString("size")).isEqualTo("14");
        assertThat(pool.getLong("used")).isEqualTo(1);
        assertThat(pool.getString("free")).isEqualTo("13");
        assertThat(pool.getBoolean("complete")).isTrue();
        assertThat(pool.getJsonArray("cells")).contains(
                new JsonObject("{\"ip\": \"192.0.2.0\", \"state\": \"reserved\", \"services\": []}"),
                new JsonObject("{\"ip\": \"192.0.2.1\", \"state\": \"used\", \"services\": [\"shop/web\"]}"),
                new JsonObject("{\"ip\": \"192.0.2.2\", \"state\": \"free\", \"services\": []}"));
        assertThat(pool.getJsonArray("services")).containsExactly("shop/web");
    }

    @Test
    void aForbiddenListIsNamedAndTheRestStillShown() throws Exception {
        service("shop", "web", "lab-pool", "192.0.2.1");
        api.answer("GET", "/api/v1/events", 403, status(403, "Forbidden",
                "events is forbidden: User \\\"alice\\\" cannot list resource \\\"events\\\"", ""));
        serve(false, new StubViews());

        HttpResponse<Buffer> response = call(HttpMethod.GET, "/ui/api/overview", null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject overview = response.bodyAsJsonObject();
        assertThat(overview.getJsonArray("forbidden")).containsExactly("events");
        assertThat(overview.getJsonArray("events")).isEmpty();
        assertThat(overview.getJsonArray("services")).hasSize(1);
    }

    @Test
    void aCreatedEipIsStoredWithItsSpecAndAnsweredAsAPool() throws Exception {
        serve(true, new StubViews());

        HttpResponse<Buffer> response = call(HttpMethod.POST, "/ui/api/eips", form("lab-pool", "192.0.2.0/28"));

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
        assertThat(response.bodyAsJsonObject().getString("name")).isEqualTo("lab-pool");
        assertThat(response.bodyAsJsonObject().getBoolean("isDefault")).isTrue();
        Eip stored = client.resources(Eip.class).withName("lab-pool").get();
        assertThat(stored.getSpec().address).isEqualTo("192.0.2.0/28");
        assertThat(stored.getSpec().protocol).isEqualTo("bgp");
        assertThat(stored.getMetadata().getAnnotations()).containsEntry(Annotations.DEFAULT_POOL, "true");
    }

    @Test
    void aDryRunCreateAsksTheApiServerAndStoresNothing() throws Exception {
        serve(true, new StubViews());

        HttpResponse<Buffer> response = call(HttpMethod.POST, "/ui/api/eips?dryRun=true",
                form("lab-pool", "192.0.2.0/28"));

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
        assertThat(response.bodyAsJsonObject().getString("address")).isEqualTo("192.0.2.0/28");
        assertThat(api.writes()).containsExactly("POST " + EIPS + "?dryRun=All");
        assertThat(client.resources(Eip.class).withName("lab-pool").get()).isNull();
    }

    @Test
    void aReadOnlyUiRefusesEveryWriteWithoutAskingTheApiServer() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(false, new StubViews());
        api.requests.clear();

        List<HttpResponse<Buffer>> responses = List.of(
                call(HttpMethod.POST, "/ui/api/eips", form("other", "192.0.2.16/28")),
                call(HttpMethod.PUT, "/ui/api/eips/lab-pool", form("lab-pool", "192.0.2.0/29")),
                call(HttpMethod.DELETE, "/ui/api/eips/lab-pool", null),
                call(HttpMethod.PATCH, "/ui/api/services/shop/web", new JsonObject().put("pool", "other")));

        for (HttpResponse<Buffer> response : responses) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error",
                    "the UI is read-only: start the controller with --ui-writes to manage pools"));
        }
        assertThat(api.requests).isEmpty();
        assertThat(client.resources(Eip.class).list().getItems()).hasSize(1);
        assertThat(client.resources(Eip.class).withName("lab-pool").get().getSpec().address).isEqualTo("192.0.2.0/28");
    }

    @Test
    void aDeleteOfAPoolInUseIsRefusedWithTheServicesAndNoDeleteCall() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(true, new StubViews());
        api.requests.clear();

        HttpResponse<Buffer> response = call(HttpMethod.DELETE, "/ui/api/eips/lab-pool", null);

        assertThat(response.statusCode()).isEqualTo(409);
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("refused")).isEqualTo("Services still hold addresses of lab-pool");
        assertThat(body.getString("error")).isEqualTo(body.getString("refused"));
        assertThat(body.getJsonArray("lose")).containsExactly(new JsonObject("""
                {"service": "shop/web", "reason": "holds 192.0.2.1"}"""));
        assertThat(api.writes()).isEmpty();
        assertThat(client.resources(Eip.class).withName("lab-pool").get()).isNotNull();
    }

    /** Depends on EipChanges (io.openelb.ui.view): a pool a Service holds an address of cannot go. */
    @Test
    void theRealPreviewRefusesTheDeleteOfAPoolInUse() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(true, PoolViews.PURE);

        HttpResponse<Buffer> response = call(HttpMethod.DELETE, "/ui/api/eips/lab-pool", null);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.bodyAsJsonObject().getString("refused")).isNotBlank();
        assertThat(response.bodyAsJsonObject().getJsonArray("lose").getJsonObject(0).getString("service"))
                .isEqualTo("shop/web");
        assertThat(client.resources(Eip.class).withName("lab-pool").get()).isNotNull();
    }

    @Test
    void anUnusedPoolIsDeletedAndADryRunDeleteKeepsIt() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        serve(true, new StubViews());

        HttpResponse<Buffer> dry = call(HttpMethod.DELETE, "/ui/api/eips/lab-pool?dryRun=true", null);
        assertThat(dry.statusCode()).isEqualTo(200);
        assertThat(client.resources(Eip.class).withName("lab-pool").get()).isNotNull();

        HttpResponse<Buffer> done = call(HttpMethod.DELETE, "/ui/api/eips/lab-pool", null);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.bodyAsJsonObject()).isEqualTo(new JsonObject());
        assertThat(client.resources(Eip.class).withName("lab-pool").get()).isNull();
    }

    @Test
    void theApiServersRefusalReachesThePageWithItsCodeMessageAndCauses() throws Exception {
        String message = "Eip.network.kubesphere.io \\\"lab-pool\\\" is invalid: spec.address: Invalid value: "
                + "\\\"192.0.2.300\\\": must be one IP, a CIDR or a range first-last";
        api.answer("POST", EIPS, 422, status(422, "Invalid", message, """
                , "details": {"name": "lab-pool", "group": "network.kubesphere.io", "kind": "Eip",
                  "causes": [{"reason": "FieldValueInvalid", "field": "spec.address",
                              "message": "Invalid value: \\"192.0.2.300\\": must be one IP"}]}"""));
        serve(true, new StubViews());

        HttpResponse<Buffer> response = call(HttpMethod.POST, "/ui/api/eips?dryRun=true",
                form("lab-pool", "192.0.2.300"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
                .put("error", "Eip.network.kubesphere.io \"lab-pool\" is invalid: spec.address: Invalid value: "
                        + "\"192.0.2.300\": must be one IP, a CIDR or a range first-last")
                .put("causes", new JsonArray().add(new JsonObject().put("field", "spec.address")
                        .put("message", "Invalid value: \"192.0.2.300\": must be one IP"))));
    }

    @Test
    void anUpdateKeepsOtherAnnotationsAndASpecChangedSinceIsAConflict() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        // the mock API server keeps metadata.generation as written; the real one bumps it with each spec change
        client.resources(Eip.class).withName("lab-pool").edit(e -> {
            e.getMetadata().setGeneration(1L);
            return e;
        });
        serve(true, new StubViews());

        HttpResponse<Buffer> updated = call(HttpMethod.PUT, "/ui/api/eips/lab-pool",
                form("lab-pool", "192.0.2.0/29").put("generation", 1));
        client.resources(Eip.class).withName("lab-pool").edit(e -> {
            e.getMetadata().setGeneration(2L); // someone else's spec change
            return e;
        });
        HttpResponse<Buffer> stale = call(HttpMethod.PUT, "/ui/api/eips/lab-pool",
                form("lab-pool", "192.0.2.0/30").put("generation", 1));

        assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
        Eip stored = client.resources(Eip.class).withName("lab-pool").get();
        assertThat(stored.getSpec().address).isEqualTo("192.0.2.0/29");
        assertThat(stored.getMetadata().getAnnotations()).containsEntry("team", "netops")
                .containsEntry(Annotations.DEFAULT_POOL, "true");
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.bodyAsJsonObject().getString("error")).contains("changed by someone else");
        assertThat(client.resources(Eip.class).withName("lab-pool").get().getSpec().address)
                .isEqualTo("192.0.2.0/29");
    }

    @Test
    void aPreviewShowsWhatTheEditDoesAndChangesNothing() throws Exception {
        eip("lab-pool", "192.0.2.0/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(false, new StubViews());

        HttpResponse<Buffer> response = call(HttpMethod.POST, "/ui/api/eips/lab-pool/preview",
                form("lab-pool", "192.0.2.16/28"));

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject("""
                {"keep": [], "lose": [{"service": "shop/web", "reason": "address changed to 192.0.2.16/28"}],
                 "refused": null}"""));
        assertThat(api.writes()).as("after the setup's creates").hasSize(2);
    }

    @Test
    void aServicePatchSetsAndRemovesThePoolAndRequestedAnnotations() throws Exception {
        eip("other", "192.0.2.16/28");
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(true, new StubViews());

        HttpResponse<Buffer> moved = call(HttpMethod.PATCH, "/ui/api/services/shop/web",
                new JsonObject().put("pool", "other").put("requested", new JsonArray().add("192.0.2.17")));

        assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
        assertThat(moved.bodyAsJsonObject().getString("name")).isEqualTo("web");
        assertThat(moved.bodyAsJsonObject().getJsonArray("requested")).containsExactly("192.0.2.17");
        Map<String, String> annotations = client.services().inNamespace("shop").withName("web").get()
                .getMetadata().getAnnotations();
        assertThat(annotations).containsEntry(Annotations.POOL, "other")
                .containsEntry(Annotations.REQUESTED_ADDRESS, "192.0.2.17");

        HttpResponse<Buffer> cleared = call(HttpMethod.PATCH, "/ui/api/services/shop/web",
                new JsonObject().putNull("pool").putNull("requested"));

        assertThat(cleared.statusCode()).isEqualTo(200);
        // a JSON merge patch removes a key set to null (RFC 7386); the mock server keeps it with a null value
        assertThat(new JsonObject(api.bodies.get(api.bodies.size() - 1))).isEqualTo(new JsonObject()
                .put("metadata", new JsonObject().put("annotations", new JsonObject()
                        .putNull(Annotations.POOL).putNull(Annotations.REQUESTED_ADDRESS))));
        annotations = client.services().inNamespace("shop").withName("web").get().getMetadata().getAnnotations();
        assertThat(annotations.get(Annotations.POOL)).isNull();
        assertThat(annotations.get(Annotations.REQUESTED_ADDRESS)).isNull();
    }

    @Test
    void aDryRunPatchIsSentAsOneAndBadInputIsA400() throws Exception {
        service("shop", "web", "lab-pool", "192.0.2.1");
        serve(true, new StubViews());

        HttpResponse<Buffer> dry = call(HttpMethod.PATCH, "/ui/api/services/shop/web?dryRun=true",
                new JsonObject().put("pool", "other"));
        HttpResponse<Buffer> empty = call(HttpMethod.PATCH, "/ui/api/services/shop/web", new JsonObject());
        HttpResponse<Buffer> notJson = web.request(HttpMethod.POST, port, "127.0.0.1", "/ui/api/eips")
                .sendBuffer(Buffer.buffer("{not json")).await(10, TimeUnit.SECONDS);

        assertThat(dry.statusCode()).isEqualTo(200);
        assertThat(api.writes()).contains("PATCH /api/v1/namespaces/shop/services/web?dryRun=All");
        assertThat(client.services().inNamespace("shop").withName("web").get().getMetadata().getAnnotations())
                .doesNotContainKey(Annotations.POOL);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.bodyAsJsonObject().getString("error")).isNotBlank();
    }

    private static String status(int code, String reason, String message, String more) {
        return "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": \"Failure\", \"code\": " + code
                + ", \"reason\": \"" + reason + "\", \"message\": \"" + message + "\"" + more + "}";
    }
}
