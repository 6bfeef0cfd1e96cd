package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
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
import io.openelb.bus.ClusterChanged;
import io.openelb.bus.EventBusCodecs;
import io.openelb.cluster.Conversion;
import io.openelb.config.Role;
import io.openelb.kube.Informers;
import io.openelb.kube.WatchVerticle;
import io.openelb.kube.WatchedKinds;
import io.openelb.metrics.IpamMetrics;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against the mock API server, through the real watcher: what a new leader does when the
 * last leader's writes land after it decided.
 */
class IpamVerticleMockTest {
    private static final String NAMESPACE = "shop";
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicReference<ClusterChanged> lastChange = new AtomicReference<>();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        for (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>> type
                : List.of(Eip.class, BgpConf.class, BgpPeer.class)) {
            server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
        }
        server.init();
        client = server.createClient();
        vertx = Vertx.vertx();
        EventBusCodecs.registerAll(vertx.eventBus());
        vertx.eventBus().<ClusterChanged>consumer(Addresses.CLUSTER_CHANGED, m -> lastChange.set(m.body()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        client.close();
        server.destroy();
    }

    /**
     * ChaosIT's finding. The new leader lists c1..c3 without addresses and decides .10, .11, .12 (its writes
     * do not go through yet); then the last leader's writes land: c1 holds .11 and c2 .12. The statuses
     * win over the new leader's unwritten picks, which it makes again: c1 and c2 keep what they hold, c3
     * gets a free address, and no two share one. Before, each pick stayed held, each status was "not
     * adopted", and the retried writes moved c1 and c2 to the addresses picked for them.
     */
    @Test
    void aStatusWrittenByTheLastLeaderWinsOverTheNewLeadersUnwrittenPick() throws Exception {
        eip("192.0.2.10-192.0.2.19");
        for (String name : List.of("c1", "c2", "c3")) {
            client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                    .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                    .withNewSpec().withType("LoadBalancer").endSpec()
                    .build()).create();
        }
        deployController();
        await("the picks, refused while not leading", () -> writeErrors() >= 3);

        setIngress("c1", "192.0.2.11");
        setIngress("c2", "192.0.2.12");
        await("the watcher saw both", () -> {
            ClusterChanged change = lastChange.get();
            return change != null && !change.snapshot().services().get(NAMESPACE + "/c2").ingress().isEmpty()
                    && !change.snapshot().services().get(NAMESPACE + "/c1").ingress().isEmpty();
        });
        leading.set(true);
        await("c3 has an address", () -> !ingress().get("c3").isEmpty());
        Thread.sleep(4 * ReconcileQueue.RETRY_MS); // the refused writes (each refused once or twice) are retried by now

        Map<String, String> ingress = ingress();
        assertThat(ingress).containsEntry("c1", "192.0.2.11").containsEntry("c2", "192.0.2.12");
        assertThat(ingress.get("c3")).as("a free address, not one of theirs").isIn("192.0.2.10", "192.0.2.13");
    }

    private void deployController() throws Exception {
        vertx.deployVerticle(new WatchVerticle(new Informers(client, WatchedKinds.of(Role.CONTROLLER), "openelb-system"),
                        new KubeMetrics(meters), new Conversion()))
                .await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(new IpamVerticle(new ServiceRequests("", true),
                        new KubeWriter(vertx, client, leading::get, Duration.ofSeconds(5)), new IpamMetrics(meters)))
                .await(10, TimeUnit.SECONDS);
    }

    private void eip(String address) {
        Eip eip = new Eip();
        eip.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("pool").build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = address;
        eip.getSpec().namespaces = List.of(NAMESPACE);
        client.resources(Eip.class).resource(eip).create();
    }

    /** What the last leader wrote: the address, and nothing else. */
    private void setIngress(String name, String address) {
        Service service = client.services().inNamespace(NAMESPACE).withName(name).get();
        if (service.getStatus() == null) {
            service.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatus());
        }
        service.getStatus().setLoadBalancer(new io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder()
                .addNewIngress().withIp(address).endIngress().build());
        client.services().inNamespace(NAMESPACE).resource(service).updateStatus();
    }

    private Map<String, String> ingress() {
        Map<String, String> ingress = new TreeMap<>();
        for (Service s : client.services().inNamespace(NAMESPACE).list().getItems()) {
            var list = s.getStatus() == null || s.getStatus().getLoadBalancer() == null
                    ? List.<io.fabric8.kubernetes.api.model.LoadBalancerIngress>of()
                    : s.getStatus().getLoadBalancer().getIngress();
            ingress.put(s.getMetadata().getName(), list.isEmpty() ? "" : list.get(0).getIp());
        }
        return ingress;
    }

    private double writeErrors() {
        var counter = meters.find("openelb_kube_api_write_errors").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
