package io.openelb.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.MockApiServer;
import io.openelb.api.Annotations;
import io.openelb.bus.Addresses;
import io.openelb.bus.ClusterChanged;
import io.openelb.bus.EventBusCodecs;
import io.openelb.cluster.ClusterSnapshot;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Vertx;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The informers keep skeletons in their caches, and every add, change and delete still reaches the snapshot
 * whole: through the real fabric8 informers against the mock API server, including a relist after the
 * watch expired (the server keeps a Service watch silent until the test ends it with a 410).
 */
class SkeletonCacheMockTest {
    private static final String EXPIRED = """
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
            "message":"too old resource version","reason":"Expired","code":410}}""".replace("\n", "");

    private final HeldBackServiceWatch dispatcher = new HeldBackServiceWatch();
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private Informers informers;
    private final PublishedSnapshots snapshots = new PublishedSnapshots();

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds(dispatcher);
        client = MockApiServer.client(server);
        vertx = Vertx.vertx();
        EventBusCodecs.registerAll(vertx.eventBus());
        vertx.eventBus().<ClusterChanged>consumer(Addresses.CLUSTER_CHANGED, m -> snapshots.add(m.body().snapshot()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        if (informers != null) { // their watches closed before the server goes: it waits for open connections
            for (var kind : informers.kinds()) {
                informers.informer(kind).stopped().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // the mock server's own watch listener blocks its event loop when a watch closes (seen in full
            // unit runs: WatchEventsListener.onClosed awaiting its executor), so its shutdown can time out;
            // the test's assertions have all run by then
            if (!String.valueOf(e.getMessage()).contains("Unable to close MockWebServer")) {
                throw e;
            }
        }
    }

    @Test
    void servicesListedAtStartArriveWholeAndTheCacheKeepsSkeletons() throws Exception {
        create(loadBalancer("a", "pool-a"));

        deploy();
        ClusterSnapshot synced = snapshots.until(ClusterSnapshot::synced);

        assertThat(synced.services().get("default/a").loadBalancer()).isTrue();
        assertThat(synced.services().get("default/a").poolLabel()).isEqualTo("pool-a");
        HasMetadata cached = informers.informer(ResourceKind.SERVICE).getStore().getByKey("default/a");
        assertThat(cached).isInstanceOfSatisfying(Service.class, s -> {
            assertThat(s.getSpec()).isNull();
            assertThat(s.getMetadata().getLabels()).isNullOrEmpty();
            assertThat(s.getMetadata().getResourceVersion()).isNotNull();
        });
    }

    @Test
    void addsChangesAndDeletesReachTheSnapshot() throws Exception {
        create(loadBalancer("listed", "pool-a"));
        deploy();
        snapshots.until(ClusterSnapshot::synced);

        create(loadBalancer("web", "pool-a"));
        snapshots.until(x -> x.services().containsKey("default/web"));
        relabel("web", "pool-b");
        ClusterSnapshot changed = snapshots.until(x -> "pool-b".equals(poolLabel(x, "web")));
        client.services().inNamespace("default").withName("web").delete();
        client.services().inNamespace("default").withName("listed").delete();

        // the cache held skeletons of both when they were deleted
        ClusterSnapshot deleted = snapshots.until(x -> x.services().isEmpty());
        assertThat(changed.services().get("default/web").loadBalancer()).isTrue();
        assertThat(deleted.revision()).isGreaterThan(changed.revision());
        assertThat(informers.informer(ResourceKind.SERVICE).getStore().list()).isEmpty();
    }

    @Test
    void aRelistAfterTheWatchExpiredDeletesChangesAndAdds() throws Exception {
        create(loadBalancer("gone", "pool-a"));
        create(loadBalancer("changed", "pool-a"));
        dispatcher.holdBackTheNextServiceWatch();
        deploy();
        snapshots.until(x -> x.synced() && x.services().size() == 2);

        // unseen by the held-back watch: only the relist tells the informer
        client.services().inNamespace("default").withName("gone").delete();
        relabel("changed", "pool-b");
        create(loadBalancer("new", "pool-c"));
        dispatcher.expire();

        ClusterSnapshot relisted = snapshots.until(x -> x.services().keySet().equals(
                Set.of("default/changed", "default/new")) && "pool-b".equals(poolLabel(x, "changed")));
        assertThat(relisted.services().get("default/new").poolLabel()).isEqualTo("pool-c");
        assertThat(relisted.services().get("default/changed").loadBalancer()).isTrue();
    }

    private void deploy() throws Exception {
        informers = new Informers(client, EnumSet.of(ResourceKind.SERVICE), "openelb-system");
        vertx.deployVerticle(new WatchVerticle(informers, new KubeMetrics(new SimpleMeterRegistry()),
                new Conversion())).await(10, TimeUnit.SECONDS);
    }

    private static Service loadBalancer(String name, String pool) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withLabels(Map.of(Annotations.POOL, pool))
                .endMetadata()
                .withNewSpec().withType("LoadBalancer").endSpec()
                .build();
    }

    private void create(Service service) {
        client.services().inNamespace("default").resource(service).create();
    }

    private void relabel(String name, String pool) {
        client.services().inNamespace("default").withName(name).edit(s -> {
            s.getMetadata().setLabels(Map.of(Annotations.POOL, pool));
            return s;
        });
    }

    private static String poolLabel(ClusterSnapshot snapshot, String name) {
        var service = snapshot.services().get("default/" + name);
        return service == null ? null : service.poolLabel();
    }

    /** CRUD, except that a Service watch held back stays silent until {@link #expire()} ends it with a 410. */
    private static final class HeldBackServiceWatch extends KubernetesCrudDispatcher {
        private final AtomicBoolean holdBack = new AtomicBoolean();
        private final CompletableFuture<WebSocket> silentWatch = new CompletableFuture<>();

        void holdBackTheNextServiceWatch() {
            holdBack.set(true);
        }

        @Override
        public MockResponse handleWatch(String path) {
            if (!path.startsWith("/api/v1/services?") || !holdBack.compareAndSet(true, false)) {
                return super.handleWatch(path);
            }
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket webSocket, Response response) {
                    silentWatch.complete(webSocket);
                }
            });
        }

        void expire() throws Exception {
            silentWatch.get(10, TimeUnit.SECONDS).send(EXPIRED);
        }
    }
}
