package io.openelb.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.MockApiServer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.bus.EventBusCodecs;
import io.openelb.config.Role;
import io.openelb.cluster.Conversion;
import io.openelb.kube.Informers;
import io.openelb.kube.WatchVerticle;
import io.openelb.kube.WatchedKinds;
import io.openelb.metrics.KubeMetrics;
import io.openelb.status.ClusterView;
import io.openelb.status.PoolView;
import io.openelb.status.ServiceView;
import io.openelb.status.StatusBoard;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pools and Services of the status API follow the cluster, through the real informers. */
class ClusterStatusVerticleMockTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private final StatusBoard board = new StatusBoard();

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds();
        client = server.createClient();
        vertx = Vertx.vertx();
        EventBusCodecs.registerAll(vertx.eventBus());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        client.close();
        server.destroy();
    }

    private void deploy(Role role) throws Exception {
        Informers informers = new Informers(client, WatchedKinds.of(role), "openelb-system");
        vertx.deployVerticle(new WatchVerticle(informers, new KubeMetrics(new SimpleMeterRegistry()), new Conversion()))
                .compose(id -> vertx.deployVerticle(new ClusterStatusVerticle(board)))
                .await(10, TimeUnit.SECONDS);
    }

    private void createEipAndService() {
        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("pool-a").build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = "192.0.2.0/28";
        client.resources(Eip.class).resource(eip).create();
        client.services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withType("LoadBalancer").addNewPort().withPort(53).withProtocol("UDP").endPort()
                .endSpec()
                .withNewStatus().withNewLoadBalancer().withIngress(new LoadBalancerIngressBuilder()
                        .withIp("192.0.2.3").build()).endLoadBalancer().endStatus()
                .build()).create();
    }

    /** Asks for the view, as the HTTP API does, until it shows what {@code done} expects. */
    private ClusterView await(Predicate<ClusterView> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ClusterView view = asked();
        while (!done.test(view) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            view = asked();
        }
        assertThat(done).as("view %s", view).accepts(view);
        return view;
    }

    private ClusterView asked() throws Exception {
        return board.cluster().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aServiceAddressShowsInItsPoolAndAsAService() throws Exception {
        deploy(Role.CONTROLLER);
        createEipAndService();

        ClusterView view = await(v -> v.pools().size() == 1 && v.pools().get(0).used() == 1);

        PoolView pool = view.pools().get(0);
        assertThat(pool.name()).isEqualTo("pool-a");
        assertThat(pool.allocations().get(0).services()).containsExactly("default/web");
        assertThat(view.services()).containsExactly(
                new ServiceView("default/web", "192.0.2.3", "pool-a", List.of("UDP"), null));
        assertThat(asked()).as("nothing changed: the same view, not computed again").isSameAs(view);
    }

    @Test
    void onASpeakerTheReadyNodesAnnounceTheAddressAndAReleasedAddressGoes() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node1").endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
        deploy(Role.SPEAKER);
        createEipAndService();

        // the caches fill in any order: wait for the view that saw the Service, its Eip and the Node
        ClusterView view = await(v -> v.services().size() == 1 && v.services().get(0).pool().equals("pool-a")
                && !v.services().get(0).announcingNodes().isEmpty());
        assertThat(view.services().get(0).announcingNodes()).containsExactly("node1");

        client.services().inNamespace("default").withName("web").delete();
        await(v -> v.services().isEmpty() && v.pools().get(0).used() == 0);
    }
}
