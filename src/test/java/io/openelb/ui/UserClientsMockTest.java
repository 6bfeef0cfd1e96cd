package io.openelb.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.openelb.kube.KubeJson;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A user's client carries the user's token to the API server and nothing of the controller's credentials. */
class UserClientsMockTest {
    private KubernetesMockServer server;
    private Vertx vertx;
    private UserClients clients;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(true);
        server.init();
        server.expect().get().withPath("/api/v1/namespaces").andReturn(200, new NamespaceListBuilder().build())
                .always();
        vertx = Vertx.vertx();
        clients = new UserClients(controllerConfig(), new Vertx5HttpClientFactory(vertx), KubeJson.SERIALIZATION);
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        server.destroy();
    }

    /** The controller's config as it could come from a kubeconfig: every kind of credential set. */
    private Config controllerConfig() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/"))
                .withTrustCerts(true)
                .withOauthToken("controller-token")
                .withOauthTokenProvider(() -> "controller-provided-token")
                .withUsername("controller")
                .withPassword("controller-password")
                .withClientCertData("controller-cert")
                .withClientKeyData("controller-key")
                .withImpersonateUsername("someone-else")
                .withCustomHeaders(Map.of("X-Controller", "yes"))
                .withUserAgent("openelb-controller/dev")
                .build();
    }

    private static Session session(String id, String token) {
        return new Session(id, "csrf", token, new UserInfo("alice", List.of()), Permissions.NONE, Instant.EPOCH,
                Instant.EPOCH);
    }

    private RecordedRequest lastRequestAfterListingNamespaces(KubernetesClient client) throws Exception {
        client.namespaces().list();
        RecordedRequest request;
        RecordedRequest last = null;
        while ((request = server.takeRequest(1, TimeUnit.SECONDS)) != null) {
            last = request;
        }
        return last;
    }

    @Test
    void sessionClientSendsTheUsersTokenAndNoneOfTheControllers() throws Exception {
        RecordedRequest request = lastRequestAfterListingNamespaces(clients.of(session("s1", "alice-token")));

        assertThat(request.getPath()).isEqualTo("/api/v1/namespaces");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer alice-token");
        assertThat(request.getHeader("User-Agent")).isEqualTo("openelb-ui");
        assertThat(request.getHeader("Impersonate-User")).isNull();
        assertThat(request.getHeader("X-Controller")).isNull();
        assertThat(request.getHeaders().toString())
                .doesNotContain("controller-token", "controller-provided-token", "controller-password");
    }

    @Test
    void signInClientSendsTheCandidateToken() throws Exception {
        try (KubernetesClient client = clients.forToken("candidate-token")) {
            RecordedRequest request = lastRequestAfterListingNamespaces(client);

            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer candidate-token");
        }
    }

    @Test
    void userConfigKeepsOnlyTheServerAndHowToTrustIt() {
        Config controller = controllerConfig();
        Config user = UserClients.userConfig(controller, "alice-token");

        assertThat(user.getMasterUrl()).isEqualTo(controller.getMasterUrl());
        assertThat(user.isTrustCerts()).isTrue();
        assertThat(user.getOauthToken()).isEqualTo("alice-token");
        assertThat(user.getOauthTokenProvider()).isNull();
        assertThat(user.getUsername()).isNull();
        assertThat(user.getPassword()).isNull();
        assertThat(user.getClientCertData()).isNull();
        assertThat(user.getClientCertFile()).isNull();
        assertThat(user.getClientKeyData()).isNull();
        assertThat(user.getClientKeyFile()).isNull();
        assertThat(user.getAuthProvider()).isNull();
        assertThat(user.getImpersonateUsername()).isNull();
        assertThat(user.getCustomHeaders()).isNullOrEmpty();
        assertThat(user.getFile()).isNull();
        assertThat(user.getAutoConfigure()).isFalse();
        assertThat(user.getUserAgent()).isEqualTo("openelb-ui");
    }

    @Test
    void userConfigKeepsTheCaAndTheProxy() {
        Config controller = new ConfigBuilder(Config.empty())
                .withMasterUrl("https://10.96.0.1:443/")
                .withCaCertData("Q0EgZGF0YQ==")
                .withCaCertFile("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
                .withHttpsProxy("http://proxy:3128")
                .withNoProxy("10.0.0.0/8")
                .build();

        Config user = UserClients.userConfig(controller, "alice-token");

        assertThat(user.getCaCertData()).isEqualTo("Q0EgZGF0YQ==");
        assertThat(user.getCaCertFile()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        assertThat(user.getHttpsProxy()).isEqualTo("http://proxy:3128");
        assertThat(user.getNoProxy()).containsExactly("10.0.0.0/8");
        assertThat(user.isTrustCerts()).isFalse();
    }

    @Test
    void oneClientPerSessionClosedWhenTheSessionEnds() {
        Session alice = session("s1", "alice-token");
        KubernetesClient client = clients.of(alice);

        assertThat(clients.of(alice)).isSameAs(client);
        assertThat(clients.of(session("s2", "bob-token"))).isNotSameAs(client);

        clients.ended(alice);

        assertThat(client.getHttpClient().isClosed()).isTrue();
        assertThat(clients.of(alice)).isNotSameAs(client);
    }

    @Test
    void closeClosesEveryClient() {
        KubernetesClient alice = clients.of(session("s1", "alice-token"));
        KubernetesClient bob = clients.of(session("s2", "bob-token"));

        clients.close();

        assertThat(alice.getHttpClient().isClosed()).isTrue();
        assertThat(bob.getHttpClient().isClosed()).isTrue();
    }
}
