package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The status a user sees, from real processes: a speaker in a lab node peering with BIRD over TCP MD5,
 * and the controller. The JSON API shows the pool, the Service and the Established neighbours; the web
 * page, loaded in headless Chromium inside the node's namespace, shows a pool and a neighbour without a
 * console error; the configured BGP password is in no response, log, status or Event; and the endpoint
 * answers every method but GET with 405 and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebStatusIT {
    private static final String PASSWORD = "web-it-md5-secret";
    private static final List<String> PATHS = List.of("/api/v1/pools", "/api/v1/services", "/api/v1/bgp/neighbors",
            "/metrics", "/readyz", "/", "/app.js");
    private LabRun run;
    private LocalCluster cluster;
    private OpenElbProcess speaker;
    private OpenElbProcess controller;
    private IpamFixture f;
    private String address;

    @BeforeAll
    void start() throws Exception {
        BrowserPage.ensureChromium();
        run = LabRun.start("web", "bird", 1, 1, """
                apiVersion: v1
                kind: Secret
                metadata: {name: web-it-bgp-auth, namespace: openelb-system}
                stringData: {router: %1$s}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: default}
                spec: {as: 64513}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v4}
                spec:
                  conf:
                    peerAs: 64512
                    neighborAddress: 10.77.0.1
                    authPasswordSecretRef: {name: web-it-bgp-auth, key: router}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v6}
                spec:
                  conf: {peerAs: 64512, neighborAddress: "fd77::1", authPassword: %1$s}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                """.formatted(PASSWORD), "--password", PASSWORD);
        cluster = run.cluster;
        speaker = run.speakers.get(0);
        controller = run.controller;
        f = run.f;
        f.eip("it-web-v4", "192.0.2.224/28");
        f.service("shop");
        address = f.awaitIngress("shop").get(0);
        IpamFixture.await(() -> json(speaker, "/api/v1/bgp/neighbors").getJsonArray("neighbors").stream()
                        .filter(n -> "ESTABLISHED".equals(((JsonObject) n).getString("state"))).count(),
                n -> n == 2, "both sessions Established in /api/v1/bgp/neighbors");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    private static JsonObject json(OpenElbProcess process, String path) {
        try {
            String response = process.get(path);
            return response.startsWith("200 ") ? new JsonObject(response.substring(4)) : new JsonObject()
                    .put("neighbors", new JsonArray()).put("pools", new JsonArray()).put("services", new JsonArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theApiShowsThePoolTheServiceAndTheEstablishedNeighbors() throws Exception {
        JsonObject pool = IpamFixture.await(() -> json(speaker, "/api/v1/pools").getJsonArray("pools").stream()
                        .map(JsonObject.class::cast).filter(p -> p.getString("name").equals("it-web-v4")
                                && p.getLong("used") == 1).findFirst().orElse(null),
                p -> p != null, "it-web-v4 with one address used in the speaker's /api/v1/pools");
        assertThat(pool.getLong("size")).isEqualTo(14);
        assertThat(pool.getLong("free")).isEqualTo(13);
        assertThat(pool.getJsonArray("allocations").getJsonObject(0).getString("ip")).isEqualTo(address);
        assertThat(pool.getJsonArray("allocations").getJsonObject(0).getJsonArray("services").getList())
                .containsExactly(f.namespace + "/shop");

        JsonObject service = IpamFixture.await(() -> json(speaker, "/api/v1/services").getJsonArray("services")
                        .stream().map(JsonObject.class::cast).filter(s -> s.getString("ip").equals(address))
                        .findFirst().orElse(null),
                s -> s != null && !s.getJsonArray("announcingNodes", new JsonArray()).isEmpty(),
                "the Service announced by node1 in /api/v1/services");
        assertThat(service.getString("pool")).isEqualTo("it-web-v4");
        assertThat(service.getJsonArray("protocols").getList()).containsExactly("TCP");
        // every Ready Node announces (ETP Cluster): node1, and any Node object an earlier test left Ready
        List<String> ready = cluster.admin().nodes().list().getItems().stream()
                .filter(n -> n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus()
                        .getConditions().stream().anyMatch(c -> c.getType().equals("Ready")
                                && c.getStatus().equals("True")))
                .filter(n -> n.getMetadata().getLabels() == null || !n.getMetadata().getLabels()
                        .containsKey("node.kubernetes.io/exclude-from-external-load-balancers"))
                .map(n -> n.getMetadata().getName()).sorted().toList();
        assertThat(ready).contains(Lab.nodeName(1));
        assertThat(service.getJsonArray("announcingNodes").getList()).containsExactlyElementsOf(ready);

        JsonObject v4 = json(speaker, "/api/v1/bgp/neighbors").getJsonArray("neighbors").stream()
                .map(JsonObject.class::cast).filter(n -> n.getString("peer").equals("lab-router-v4")).findFirst()
                .orElseThrow();
        assertThat(v4.getString("address")).isEqualTo("10.77.0.1");
        assertThat(v4.getLong("peerAs")).isEqualTo(64512);
        assertThat(v4.getLong("uptimeSeconds")).isNotNull();
        assertThat(v4.getJsonObject("messages").getJsonObject("received").getLong("open")).isEqualTo(1);
        IpamFixture.await(() -> json(speaker, "/api/v1/bgp/neighbors").getJsonArray("neighbors").stream()
                        .map(JsonObject.class::cast).filter(n -> n.getString("peer").equals("lab-router-v4"))
                        .mapToInt(n -> n.getInteger("advertisedPrefixes")).sum(),
                n -> n == 1, "the Service's address advertised to the v4 router");

        IpamFixture.await(() -> json(controller, "/api/v1/pools").getJsonArray("pools").stream()
                        .map(JsonObject.class::cast).anyMatch(p -> p.getString("name").equals("it-web-v4")
                                && p.getLong("used") == 1),
                found -> found, "the controller's /api/v1/pools too");
    }

    /** The password as a leak would show it: in clear, as hex of its bytes, in base64 (as a Secret holds it). */
    private static Map<String, String> passwordForms() {
        byte[] bytes = PASSWORD.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String hex = java.util.HexFormat.of().formatHex(bytes);
        return Map.of("clear", PASSWORD, "hex", hex, "HEX", hex.toUpperCase(java.util.Locale.ROOT),
                "base64", java.util.Base64.getEncoder().encodeToString(bytes).replace("=", ""),
                "base64url", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * The password (set in clear on one BgpPeer and through a Secret on the other, both in use by the
     * Established sessions) is in no process log, no object status, no Event, and no response of either
     * process: the JSON API, the page and its script, /metrics, /readyz, /healthz.
     */
    @Test
    void thePasswordIsInNoLogStatusEventMetricOrResponse() throws Exception {
        Map<String, String> places = new java.util.LinkedHashMap<>();
        for (OpenElbProcess process : List.of(speaker, controller)) {
            String name = process == speaker ? "speaker" : "controller";
            for (String path : PATHS) {
                String response = process.get(path);
                assertThat(response).as("%s GET %s", name, path).startsWith("200 ");
                places.put(name + " GET " + path, response);
            }
            places.put(name + " GET /healthz", process.get("/healthz"));
            places.put(name + " log", process.log());
        }
        String status = cluster.kubectl("get", "bgppeer,bgpconf,eip", "-o",
                "jsonpath={range .items[*]}{.kind}/{.metadata.name}: {.status}{\"\\n\"}{end}");
        assertThat(status).as("the statuses are there to grep").contains("lab-router-v4", "ESTABLISHED", "it-web-v4");
        places.put("status of every BgpPeer, BgpConf and Eip", status);
        places.put("Events of every namespace", cluster.kubectl("get", "events", "-A", "-o", "yaml"));

        places.forEach((place, text) -> passwordForms().forEach((form, value) ->
                assertThat(text).as("%s contains the password (%s)", place, form).doesNotContain(value)));
        // the grep finds it where the user put it: the BgpPeer's spec (OpenELB's clear-text field)
        assertThat(cluster.kubectl("get", "bgppeer", "lab-router-v6", "-o", "yaml")).contains(PASSWORD);
    }

    /** Every route, every method but GET: 405 (404 for a path that is not one), and nothing changes. */
    @Test
    void theHttpEndpointIsReadOnly() throws Exception {
        List<String> paths = new ArrayList<>(PATHS);
        paths.addAll(List.of("/healthz", "/index.html", "/api/v1/nope"));
        for (OpenElbProcess process : List.of(speaker, controller)) {
            String pools = process.get("/api/v1/pools");
            String services = process.get("/api/v1/services");
            for (String path : paths) {
                for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                    assertThat(process.request(method, path)).as("%s %s", method, path).matches("(?s)(405|404) .*");
                }
            }
            assertThat(process.get("/api/v1/pools")).isEqualTo(pools);
            assertThat(process.get("/api/v1/services")).isEqualTo(services);
            assertThat(process.get("/readyz")).startsWith("200 ");
        }
        assertThat(f.get("shop").map(IpamFixture::ingress).orElseThrow()).containsExactly(address);
        assertThat(speaker.request("POST", "/api/v1/pools")).as("a route that exists answers 405").startsWith("405 ");
    }

    @Test
    void thePageShowsAPoolAndANeighbourWithoutConsoleErrors() {
        BrowserPage page = BrowserPage.load(Lab.nodeNamespace(1), "http://127.0.0.1:" + speaker.httpPort + "/",
                "document.body.innerText.includes('ESTABLISHED') && document.body.innerText.includes('it-web-v4')"
                        + " && document.body.innerText.includes('" + address + "')");

        assertThat(page.text()).contains("it-web-v4", "lab-router-v4", "lab-router-v6", "ESTABLISHED", address);
        assertThat(page.errors()).as("console errors, exceptions, failed loads").isEmpty();
    }

    /** The probe would see a broken page: without this the test above could not fail. */
    @Test
    void theProbeReportsConsoleErrorsExceptionsAndFailedLoads() {
        BrowserPage page = BrowserPage.load(null, "data:text/html,<p>broken</p><img src='http://127.0.0.1:9/x.png'>"
                + "<script>console.error('boom');undefinedFunction();</script>", "true");

        assertThat(page.text()).contains("broken");
        assertThat(String.join("\n", page.errors())).contains("boom", "undefinedFunction", "Failed to load resource");
    }
}
