package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.openelb.kube.KubeJson;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in, sign-out and the guard, over HTTP, against a mock API server that answers the reviews. */
class UiAuthMockTest {
    private static final String ALICE_TOKEN = "alice-token.eyJhbGciOiJSUzI1NiJ9";
    private static final String ALICE = "system:serviceaccount:team:alice";
    private static final UiSettings SETTINGS = new UiSettings(true, Duration.ofMinutes(30), Duration.ofHours(8));

    private final FakeAuthApiServer apiServer = new FakeAuthApiServer();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T20:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<KubernetesClient> probeClient = new AtomicReference<>();
    private KubernetesMockServer server;
    private Vertx vertx;
    private UserClients clients;
    private String base;

    /** A request as a page would make it: after sign-in the cookie, for writes the CSRF token. */
    private record Signed(String cookie, String csrfToken, JsonObject info) {}

    @BeforeEach
    void start() throws Exception {
        server = FakeAuthApiServer.start(apiServer);
        apiServer.accept(ALICE_TOKEN, ALICE, List.of("system:serviceaccounts", "system:authenticated"),
                Set.of("list eips", "create eips", "list services", "list events"));
        vertx = Vertx.vertx();
        Config controller = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/"))
                .withOauthToken("controller-token").build();
        clients = new UserClients(controller, new Vertx5HttpClientFactory(vertx), KubeJson.SERIALIZATION);
        Router router = Router.router(vertx);
        new UiAuth(new Sessions(SETTINGS), clients, SETTINGS, clock).mount(router);
        router.get("/ui/api/probe").handler(ctx -> {
            Session session = UiAuth.session(ctx).orElseThrow();
            probeClient.set(clients.of(session));
            ctx.response().end(session.user().username());
        });
        router.post("/ui/api/probe").handler(ctx -> ctx.response().end("written"));
        HttpServer web = vertx.createHttpServer().requestHandler(router).listen(0).await(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + web.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        server.destroy();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postToken(String token) throws Exception {
        return send(request("/ui/api/session").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).encode())));
    }

    private Signed signIn() throws Exception {
        HttpResponse<String> response = postToken(ALICE_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        JsonObject info = new JsonObject(response.body());
        return new Signed(setCookie.substring(0, setCookie.indexOf(';')), info.getString("csrfToken"), info);
    }

    private HttpResponse<String> getProbe(Signed signed) throws Exception {
        return send(request("/ui/api/probe").header("Cookie", signed.cookie()).GET());
    }

    private static String error(HttpResponse<String> response) {
        return new JsonObject(response.body()).getString("error");
    }

    @Test
    void signInSetsAStrictSecureHttpOnlyCookieAndAnswersWhoAndWhat() throws Exception {
        HttpResponse<String> response = postToken(ALICE_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("openelb-ui=");
        assertThat(cookieAttributes(cookie)).contains("httponly", "secure", "samesite=strict", "path=/ui");
        JsonObject info = new JsonObject(response.body());
        assertThat(info.getString("user")).isEqualTo(ALICE);
        assertThat(info.getJsonArray("groups").getList())
                .containsExactly("system:serviceaccounts", "system:authenticated");
        assertThat(info.getBoolean("writesEnabled")).isTrue();
        assertThat(info.getString("csrfToken")).hasSize(43);
        assertThat(info.getJsonObject("can").getMap()).containsOnly(
                entry("listEips", true), entry("createEips", true), entry("updateEips", false),
                entry("deleteEips", false), entry("listServices", true), entry("patchServices", false),
                entry("listBgpPeers", false), entry("listEvents", true));
        assertThat(response.body()).doesNotContain(ALICE_TOKEN);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    }

    /** A Set-Cookie header's attributes, lower case (their names are case-insensitive). */
    private static List<String> cookieAttributes(String setCookie) {
        return Arrays.stream(setCookie.split(";")).skip(1).map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
    }

    private static java.util.Map.Entry<String, Object> entry(String key, boolean value) {
        return java.util.Map.entry(key, value);
    }

    @Test
    void tokenTheApiServerRefusesGets401AndNoCookie() throws Exception {
        HttpResponse<String> response = postToken("stolen-or-expired-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response)).isEqualTo("the API server did not accept this token");
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(response.body()).doesNotContain("stolen-or-expired-token");
    }

    @Test
    void apiServerInTroubleGets502AndNoCookie() throws Exception {
        apiServer.failWith(500);

        HttpResponse<String> response = postToken(ALICE_TOKEN);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(error(response)).contains("HTTP 500").doesNotContain(ALICE_TOKEN);
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void signInWantsTheTokenInAJsonBody() throws Exception {
        HttpResponse<String> form = send(request("/ui/api/session")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + ALICE_TOKEN + "\"}")));
        HttpResponse<String> inUrl = send(request("/ui/api/session?token=" + ALICE_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> notJson = send(request("/ui/api/session")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + ALICE_TOKEN)));

        for (HttpResponse<String> response : List.of(form, inUrl, notJson)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(response.body()).doesNotContain(ALICE_TOKEN);
        }
    }

    @Test
    void guardedRouteWantsASession() throws Exception {
        HttpResponse<String> anonymous = send(request("/ui/api/probe").GET());
        HttpResponse<String> unknown = send(request("/ui/api/probe").header("Cookie", "openelb-ui=made-up").GET());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(error(anonymous)).isEqualTo("sign in first");
        assertThat(unknown.statusCode()).isEqualTo(401);

        HttpResponse<String> signedIn = getProbe(signIn());

        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.body()).isEqualTo(ALICE);
    }

    @Test
    void sessionAnswersWhoIsSignedIn() throws Exception {
        Signed signed = signIn();

        HttpResponse<String> response = send(request("/ui/api/session").header("Cookie", signed.cookie()).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body())).isEqualTo(signed.info());
        assertThat(send(request("/ui/api/session").GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void writeNeedsTheSessionsCsrfToken() throws Exception {
        Signed signed = signIn();
        HttpRequest.Builder post = request("/ui/api/probe").header("Cookie", signed.cookie())
                .POST(HttpRequest.BodyPublishers.noBody());

        HttpResponse<String> without = send(post.copy());
        HttpResponse<String> wrong = send(post.copy().header("X-CSRF-Token", signed.csrfToken() + "x"));
        HttpResponse<String> right = send(post.copy().header("X-CSRF-Token", signed.csrfToken()));

        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(error(without)).isEqualTo("missing or wrong CSRF token");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("written");
    }

    @Test
    void requestFromAnotherOriginIsRefused() throws Exception {
        Signed signed = signIn();
        HttpRequest.Builder post = request("/ui/api/probe").header("Cookie", signed.cookie())
                .header("X-CSRF-Token", signed.csrfToken()).POST(HttpRequest.BodyPublishers.noBody());

        HttpResponse<String> foreign = send(post.copy().header("Origin", "https://evil.example"));
        HttpResponse<String> otherPort = send(post.copy().header("Origin", "http://127.0.0.1:1"));
        HttpResponse<String> own = send(post.copy().header("Origin", base));

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(error(foreign)).isEqualTo("the request comes from another origin");
        assertThat(otherPort.statusCode()).isEqualTo(403);
        assertThat(own.statusCode()).isEqualTo(200);
    }

    @Test
    void signInFromAnotherOriginIsRefused() throws Exception {
        HttpResponse<String> response = send(request("/ui/api/session").header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", ALICE_TOKEN).encode())));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void signOutEndsTheSessionAndClearsTheCookie() throws Exception {
        Signed signed = signIn();
        assertThat(getProbe(signed).statusCode()).isEqualTo(200);
        HttpRequest.Builder delete = request("/ui/api/session").header("Cookie", signed.cookie()).DELETE();

        HttpResponse<String> withoutCsrf = send(delete.copy());
        assertThat(withoutCsrf.statusCode()).isEqualTo(403);
        assertThat(getProbe(signed).statusCode()).isEqualTo(200);

        HttpResponse<String> signedOut = send(delete.copy().header("X-CSRF-Token", signed.csrfToken()));

        assertThat(signedOut.statusCode()).isEqualTo(204);
        String cleared = signedOut.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cleared).startsWith("openelb-ui=;");
        assertThat(cookieAttributes(cleared)).contains("max-age=0", "path=/ui");
        assertThat(getProbe(signed).statusCode()).isEqualTo(401);
        assertThat(probeClient.get().getHttpClient().isClosed()).isTrue();
    }

    @Test
    void everyUiResponseCarriesTheSecurityHeaders() throws Exception {
        for (HttpResponse<String> response : List.of(send(request("/ui/api/probe").GET()),
                send(request("/ui/index.html").GET()))) {
            assertThat(response.headers().firstValue("Content-Security-Policy")).contains(
                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
                            + "frame-ancestors 'none'");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
        }
        assertThat(send(request("/ui/api/probe").GET()).headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    void sessionUnusedForTheIdleTimeoutIsGoneAndItsClientClosed() throws Exception {
        Signed signed = signIn();
        clock.advance(Duration.ofMinutes(29));
        assertThat(getProbe(signed).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(30));

        assertThat(getProbe(signed).statusCode()).isEqualTo(401);
        assertThat(probeClient.get().getHttpClient().isClosed()).isTrue();
    }

    @Test
    void bodyLargerThanTheLimitIsRefused() throws Exception {
        HttpResponse<String> response = send(request("/ui/api/session").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + "a".repeat(70_000) + "\"}")));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response)).contains("64 KiB");
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
