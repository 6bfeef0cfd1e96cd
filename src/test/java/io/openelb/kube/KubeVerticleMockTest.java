package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.bus.Addresses;
import io.openelb.bus.EventBusCodecs;
import io.openelb.bus.InformersSynced;
import io.openelb.bus.ResourceChanged;
import io.openelb.bus.ResourceChanged.Change;
import io.openelb.bus.ResourceKind;
import io.openelb.config.Role;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubeVerticleMockTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private final Promise<InformersSynced> synced = Promise.promise();
    private final BlockingQueue<ResourceChanged> changes = new LinkedBlockingQueue<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        for (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>> type
                : java.util.List.of(Eip.class, BgpConf.class, BgpPeer.class)) {
            server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
        }
        server.init();
        client = server.createClient();
        vertx = Vertx.vertx();
        EventBusCodecs.registerAll(vertx.eventBus());
        vertx.eventBus().<InformersSynced>consumer(Addresses.INFORMERS_SYNCED, m -> synced.tryComplete(m.body()));
        vertx.eventBus().<ResourceChanged>consumer(Addresses.RESOURCE_CHANGED, m -> changes.add(m.body()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        client.close();
        server.destroy();
    }

    private void deploy(Role role) throws Exception {
        vertx.deployVerticle(new KubeVerticle(new Informers(client, WatchedKinds.of(role), "openelb-system"), new KubeMetrics(meters)))
                .await(10, TimeUnit.SECONDS);
    }

    @Test
    void tellsTheBusOnceEveryInformerHasSynced() throws Exception {
        deploy(Role.ALL);

        InformersSynced message = synced.future().await(10, TimeUnit.SECONDS);

        assertThat(message.kinds()).containsExactlyInAnyOrder(ResourceKind.values());
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

        ResourceChanged eipAdded = new ResourceChanged(ResourceKind.EIP, Change.ADDED, "", "pool-a");
        ResourceChanged eipDeleted = new ResourceChanged(ResourceKind.EIP, Change.DELETED, "", "pool-a");
        ResourceChanged serviceAdded = new ResourceChanged(ResourceKind.SERVICE, Change.ADDED, "default", "web");
        java.util.List<ResourceChanged> seen = java.util.List.of(next(), next(), next());

        // informers of different kinds are independent streams; within one kind the order holds
        assertThat(seen).containsExactlyInAnyOrder(eipAdded, serviceAdded, eipDeleted);
        assertThat(seen.indexOf(eipAdded)).isLessThan(seen.indexOf(eipDeleted));
        assertThat(meters.get("openelb_kube_watch_events").tag("resource", "eips").tag("change", "added")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void controllerWatchesOnlyWhatItNeeds() throws Exception {
        deploy(Role.CONTROLLER);

        assertThat(synced.future().await(10, TimeUnit.SECONDS).kinds())
                .containsExactlyInAnyOrderElementsOf(EnumSet.of(ResourceKind.SERVICE, ResourceKind.NAMESPACE,
                        ResourceKind.EIP));
    }

    private ResourceChanged next() throws InterruptedException {
        ResourceChanged change = changes.poll(10, TimeUnit.SECONDS);
        assertThat(change).as("a ResourceChanged within 10 s").isNotNull();
        return change;
    }
}
