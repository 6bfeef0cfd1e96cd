package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.MockApiServer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.bus.Addresses;
import io.openelb.bus.EventBusCodecs;
import io.openelb.bus.ClusterChanged;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.config.Role;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watcher turns watch events into snapshots, through the real informers against the mock API server. */
class WatchVerticleMockTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private final Promise<ClusterSnapshot> synced = Promise.promise();
    private final PublishedSnapshots snapshots = new PublishedSnapshots();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Conversion conversion = new Conversion();

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds();
        client = MockApiServer.client(server);
        vertx = Vertx.vertx();
        EventBusCodecs.registerAll(vertx.eventBus());
        vertx.eventBus().<ClusterChanged>consumer(Addresses.CLUSTER_CHANGED, m -> {
            snapshots.add(m.body().snapshot());
            if (m.body().snapshot().synced()) {
                synced.tryComplete(m.body().snapshot());
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        client.close();
        server.destroy();
    }

    private void deploy(Role role) throws Exception {
        vertx.deployVerticle(new WatchVerticle(new Informers(client, WatchedKinds.of(role), "openelb-system"),
                        new KubeMetrics(meters), conversion))
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    void tellsTheBusOnceEveryInformerHasSynced() throws Exception {
        deploy(Role.ALL);

        ClusterSnapshot first = synced.future().await(10, TimeUnit.SECONDS);

        assertThat(first.watched()).containsExactlyInAnyOrder(ResourceKind.values());
        assertThat(meters.get("openelb_kube_informers_synced").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void publishesEveryChangeOfAWatchedObject() throws Exception {
        deploy(Role.ALL);
        synced.future().await(10, TimeUnit.SECONDS);

        Eip eip = new Eip();
        eip.setMetadata(new ObjectMetaBuilder().withName("pool-a").build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = "192.0.2.0/28";
        client.resources(Eip.class).resource(eip).create();
        client.services().inNamespace("default").resource(new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().withType("LoadBalancer").endSpec()
                .build()).create();
        client.resources(Eip.class).withName("pool-a").delete();

        // every change reaches a snapshot, in order within a kind (kinds are independent streams)
        ClusterSnapshot withEip = snapshots.until(x -> x.eips().containsKey("pool-a"));
        ClusterSnapshot last = snapshots.until(x -> !x.eips().containsKey("pool-a") && x.services().containsKey("default/web"));

        assertThat(withEip.pools().pool("pool-a")).isPresent();
        assertThat(last.revision()).isGreaterThan(withEip.revision());
        assertThat(last.services().get("default/web").loadBalancer()).isTrue();
        assertThat(meters.get("openelb_kube_watch_events").tag("resource", "eips").tag("change", "added")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void eachWatchEventConvertsItsObjectOnce() throws Exception {
        deploy(Role.ALL);
        synced.future().await(10, TimeUnit.SECONDS);
        long atSync = conversion.conversions();

        for (int i = 0; i < 20; i++) {
            client.services().inNamespace("default").resource(new ServiceBuilder()
                    .withNewMetadata().withName("web-" + i).withNamespace("default").endMetadata()
                    .withNewSpec().withType("LoadBalancer").endSpec()
                    .build()).create();
        }
        client.services().inNamespace("default").withName("web-0").edit(s -> {
            s.getMetadata().setLabels(java.util.Map.of(io.openelb.api.Annotations.POOL, "pool-x"));
            return s;
        });
        snapshots.until(x -> x.services().size() == 20 && "pool-x".equals(x.services().get("default/web-0").poolLabel()));

        // 20 adds and 1 update, each converted once, however many snapshots carried them
        assertThat(conversion.conversions() - atSync).isEqualTo(21);
        assertThat(watchEvents("services", "added") + watchEvents("services", "updated")).isEqualTo(21.0);
    }

    private double watchEvents(String resource, String change) {
        return meters.get("openelb_kube_watch_events").tag("resource", resource).tag("change", change)
                .counter().count();
    }

    @Test
    void controllerWatchesOnlyWhatItNeeds() throws Exception {
        deploy(Role.CONTROLLER);

        assertThat(synced.future().await(10, TimeUnit.SECONDS).watched())
                .containsExactlyInAnyOrderElementsOf(EnumSet.of(ResourceKind.SERVICE, ResourceKind.NAMESPACE,
                        ResourceKind.EIP, ResourceKind.BGP_ADVERTISEMENT, ResourceKind.BGP_CONF));
    }
}
