package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.openelb.MockApiServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API server compresses a large list only for a client that asks for gzip. */
class KubeHttpClientsMockTest {
    private KubernetesMockServer server;
    private Vertx vertx;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds();
        vertx = Vertx.vertx();
        client = server.createClient(new KubeHttpClients(vertx));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
        vertx.close();
    }

    @Test
    void aListAsksForGzip() throws InterruptedException {
        client.services().inAnyNamespace().list();

        assertThat(server.getLastRequest().getHeader("Accept-Encoding")).contains("gzip");
    }
}
