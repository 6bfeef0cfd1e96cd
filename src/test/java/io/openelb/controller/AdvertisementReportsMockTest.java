package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.MockApiServer;
import io.openelb.api.v1alpha2.BgpAdvertisement;
import io.openelb.api.v1alpha2.BgpAdvertisementSpec;
import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpConfSpec;
import io.openelb.bus.Addresses;
import io.openelb.bus.ClusterChanged;
import io.openelb.bus.EventBusCodecs;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.ResourceKind;
import io.openelb.config.Role;
import io.openelb.kube.Informers;
import io.openelb.kube.WatchVerticle;
import io.openelb.kube.WatchedKinds;
import io.openelb.metrics.IpamMetrics;
import io.openelb.metrics.KubeMetrics;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller writes the condition {@code Valid} of BgpAdvertisements and warns about invalid ones, against
 * the mock API server through the real watcher; a snapshot that changes nothing they say writes nothing.
 */
class AdvertisementReportsMockTest {
    private static final String PATCH = "PATCH /apis/network.kubesphere.io/v1alpha2/bgpadvertisements/";
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Vertx vertx;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicReference<ClusterChanged> lastChange = new AtomicReference<>();

    @BeforeEach
    void start() {
        server = MockApiServer.withOurCrds();
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

    @Test
    void anInvalidAdvertisementGetsValidFalseWithItsProblemAndAValidOneValidTrue() throws Exception {
        create(advertisement("good", List.of("65000:1")));
        create(advertisement("bad", List.of("no-such-alias")));
        deployController();

        await("both conditions written", () -> valid("good").isPresent() && valid("bad").isPresent());

        Condition good = valid("good").orElseThrow();
        assertThat(good.getStatus()).isEqualTo("True");
        assertThat(good.getReason()).isEqualTo("Valid");
        assertThat(good.getMessage()).isEqualTo("in effect");
        assertThat(good.getObservedGeneration()).isEqualTo(generation("good"));
        assertThat(good.getLastTransitionTime()).isNotBlank();
        Condition bad = valid("bad").orElseThrow();
        assertThat(bad.getStatus()).isEqualTo("False");
        assertThat(bad.getReason()).isEqualTo("InvalidSpec");
        assertThat(bad.getMessage()).startsWith("spec.communities[0]: 'no-such-alias' is not a community")
                .endsWith("; not applied");
        await("the warning", () -> !events("bad", "InvalidBgpAdvertisement").isEmpty());
        assertThat(events("bad", "InvalidBgpAdvertisement")).containsExactly(bad.getMessage());
        assertThat(events("good", "InvalidBgpAdvertisement")).isEmpty();
    }

    @Test
    void aSnapshotThatChangesNothingTheyShowWritesNothing() throws Exception {
        create(advertisement("good", List.of("65000:1")));
        create(advertisement("bad", List.of("no-such-alias")));
        deployController();
        await("both conditions written", () -> valid("good").isPresent() && valid("bad").isPresent());
        Thread.sleep(500); // the watch brings the written statuses back
        List<String> settled = requests();
        assertThat(settled.stream().filter(AdvertisementReportsMockTest::statusPatch)).hasSize(2);

        long before = lastChange.get().snapshot().revision();
        for (String name : List.of("good", "bad")) { // a label: a new snapshot of the same advertisements
            client.resources(BgpAdvertisement.class).withName(name).edit(a -> {
                a.getMetadata().setLabels(new HashMap<>(Map.of("touched", "yes")));
                return a;
            });
        }
        conf(List.of(alias("transit", "65000:300"))); // aliases nothing uses
        await("the watcher saw the BgpConf", () -> lastChange.get().snapshot().revision() > before
                && lastChange.get().snapshot().bgpConf(BgpConf.DEFAULT_NAME).isPresent());
        Thread.sleep(1500); // the edits seen too, and longer than the retry timer

        assertThat(requests()).noneMatch(AdvertisementReportsMockTest::statusPatch)
                .noneMatch(r -> r.contains("/events"));
        assertThat(events("bad", "InvalidBgpAdvertisement")).hasSize(1);
    }

    @Test
    void unusableCommunityAliasesAreToldOnTheBgpConfOncePerChange() throws Exception {
        deployController();
        await("synced", () -> lastChange.get() != null && lastChange.get().snapshot().synced());

        conf(List.of(alias("Upper", "65000:1"), alias("transit", "65000:300")));
        await("the warning", () -> !events(BgpConf.DEFAULT_NAME, "InvalidCommunityAliases").isEmpty());
        client.resources(BgpConf.class).withName(BgpConf.DEFAULT_NAME).edit(c -> {
            c.getSpec().as = 65001L;
            return c;
        });
        await("the edit seen", () -> lastChange.get().snapshot().bgpConf(BgpConf.DEFAULT_NAME)
                .map(c -> c.getSpec().as == 65001L).orElse(false));
        Thread.sleep(300);

        assertThat(events(BgpConf.DEFAULT_NAME, "InvalidCommunityAliases")).singleElement()
                .satisfies(m -> assertThat(m).contains("spec.communityAliases[0].name: 'Upper' is not a name"));
        assertThat(lastChange.get().snapshot().watched()).contains(ResourceKind.BGP_CONF);
    }

    private void deployController() throws Exception {
        vertx.deployVerticle(new WatchVerticle(new Informers(client, WatchedKinds.of(Role.CONTROLLER),
                        "openelb-system"), new KubeMetrics(meters), new Conversion()))
                .await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(new IpamVerticle(new ServiceRequests("", true),
                        new KubeWriter(vertx, client, () -> true, Duration.ofSeconds(5)), new IpamMetrics(meters)))
                .await(10, TimeUnit.SECONDS);
    }

    private static BgpAdvertisement advertisement(String name, List<String> communities) {
        BgpAdvertisement advertisement = new BgpAdvertisement();
        advertisement.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
        advertisement.setSpec(new BgpAdvertisementSpec());
        advertisement.getSpec().communities = communities;
        return advertisement;
    }

    private void create(BgpAdvertisement advertisement) {
        client.resources(BgpAdvertisement.class).resource(advertisement).create();
    }

    private void conf(List<BgpConfSpec.CommunityAlias> aliases) {
        BgpConf conf = new BgpConf();
        conf.setMetadata(new ObjectMetaBuilder().withName(BgpConf.DEFAULT_NAME).build());
        conf.setSpec(new BgpConfSpec());
        conf.getSpec().as = 65000L;
        conf.getSpec().communityAliases = aliases;
        client.resources(BgpConf.class).resource(conf).create();
    }

    private static BgpConfSpec.CommunityAlias alias(String name, String value) {
        BgpConfSpec.CommunityAlias alias = new BgpConfSpec.CommunityAlias();
        alias.name = name;
        alias.value = value;
        return alias;
    }

    private Optional<Condition> valid(String name) {
        BgpAdvertisement a = client.resources(BgpAdvertisement.class).withName(name).get();
        if (a.getStatus() == null || a.getStatus().conditions == null) {
            return Optional.empty();
        }
        return a.getStatus().conditions.stream().filter(c -> "Valid".equals(c.getType())).findFirst();
    }

    private Long generation(String name) {
        Long generation = client.resources(BgpAdvertisement.class).withName(name).get().getMetadata().getGeneration();
        return generation == null ? 0L : generation;
    }

    /** The messages of the Events with this reason about the cluster-scoped object of this name. */
    private List<String> events(String about, String reason) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> about.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .map(Event::getMessage)
                .toList();
    }

    private static boolean statusPatch(String request) {
        return request.startsWith(PATCH) && request.endsWith("/status");
    }

    /** The requests the server received since the last call, as "METHOD path". */
    private List<String> requests() throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
            taken.add(r.getMethod() + " " + r.getPath());
        }
        return taken;
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
