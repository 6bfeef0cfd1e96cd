package io.openelb.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openelb.MockApiServer;
import io.openelb.api.Annotations;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipSpec;
import io.openelb.bus.Addresses;
import io.openelb.bus.ClusterChanged;
import io.openelb.bus.EventBusCodecs;
import io.openelb.cluster.Conversion;
import io.openelb.cluster.EipDefinitions;
import io.openelb.cluster.ResourceKind;
import io.openelb.cluster.SnapshotBuilder;
import io.openelb.config.Role;
import io.openelb.ipam.Allocator;
import io.openelb.kube.Informers;
import io.openelb.kube.WatchVerticle;
import io.openelb.kube.WatchedKinds;
import io.openelb.metrics.IpamMetrics;
import io.openelb.metrics.KubeMetrics;
import io.openelb.model.PoolSet;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
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
 * last leader's writes land after it decided; a Service that waits for another object gets its address as
 * soon as that object changes; an Eip's validity is said once, across restarts.
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

    /**
     * ChaosIT's second finding. A new leader's watch lags its list of the API server (a standby's watch
     * reconnects up to 32 s after an API server restart): the list shows "older" holding .10, the watched
     * view does not show "older" at all. Its address stays held while the API server has the Service, so
     * "newer" gets the other one; it goes once the Service is deleted, though the watch never showed it.
     * Before, the leader released .10 at once and gave it to "newer": two Services showed one address.
     */
    @Test
    void anAddressTheListShowsStaysHeldWhileTheWatchHasNotShownItsServiceAndGoesOnceItIsDeleted()
            throws Exception {
        HandFedView watched = new HandFedView();
        watched.put(ResourceKind.EIP, create(eip("pool", "192.0.2.10-192.0.2.11",
                Map.of(Annotations.DEFAULT_POOL, "true"))));
        createdAt(service("older"), "2026-12-06T10:00:00Z");
        setIngress("older", "192.0.2.10"); // by the last leader
        for (String name : List.of("newer", "last")) {
            watched.put(ResourceKind.SERVICE, createdAt(service(name), "2026-12-06T10:00:05Z"));
        }
        leading.set(true);
        deployIpamAlone();
        watched.publish();
        await("newer or last served", () -> !ingress().get("newer").isEmpty() || !ingress().get("last").isEmpty());
        Thread.sleep(ReconcileQueue.RETRY_MS); // the other one would be served by now if an address were free

        Map<String, String> ingress = ingress();
        assertThat(ingress).as("older keeps .10, one of the others gets .11, the third waits")
                .containsEntry("older", "192.0.2.10");
        assertThat(List.of(ingress.get("newer"), ingress.get("last"))).containsExactlyInAnyOrder("192.0.2.11", "");

        client.services().inNamespace(NAMESPACE).withName("older").delete(); // the watch never shows it
        await("the waiting one gets .10", () -> ingress().containsValue("192.0.2.10"));
        assertThat(ingress()).doesNotContainKey("older").containsValues("192.0.2.10", "192.0.2.11");
    }

    /**
     * ChaosIT's finding. A new leader's watch has not yet told it that "gone" was deleted (before the list it
     * rebuilt from was taken); "gone" still shows .10 in the watched view, as it held it. "live" gets .10,
     * free in the list, and keeps it: the deleted Service's stale status claims nothing. Before, "gone"
     * took .10 back from "live", which moved to .11. The view here follows "live" and never "gone".
     */
    @Test
    void aServiceDeletedBeforeTheListButStillInTheLaggingViewClaimsNothing() throws Exception {
        HandFedView watched = new HandFedView();
        watched.put(ResourceKind.EIP, create(eip("pool", "192.0.2.10-192.0.2.11",
                Map.of(Annotations.DEFAULT_POOL, "true"))));
        createdAt(service("gone"), "2026-12-06T10:00:00Z");
        setIngress("gone", "192.0.2.10"); // by the last leader
        watched.put(ResourceKind.SERVICE, client.services().inNamespace(NAMESPACE).withName("gone").get());
        client.services().inNamespace(NAMESPACE).withName("gone").delete();
        watched.put(ResourceKind.SERVICE, createdAt(service("live"), "2026-12-06T10:00:05Z"));
        leading.set(true);
        deployIpamAlone();
        watched.publish();

        List<String> seen = new java.util.ArrayList<>();
        long until = System.nanoTime() + Duration.ofMillis(3 * ReconcileQueue.RETRY_MS).toNanos();
        while (System.nanoTime() < until) { // the view follows live's writes, as a watch would
            watched.put(ResourceKind.SERVICE, client.services().inNamespace(NAMESPACE).withName("live").get());
            watched.publish();
            String ip = ingress().get("live");
            if (!ip.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(ip))) {
                seen.add(ip);
            }
            Thread.sleep(50);
        }
        assertThat(seen).as("the addresses live showed, in order").containsExactly("192.0.2.10");
        assertThat(events(NAMESPACE, "live", "IPAllocated")).as("what kubectl describe tells of live")
                .containsExactly("Allocated 192.0.2.10 from Eip pool");
    }

    /**
     * A Service waits for an address in an Eip that is invalid as a second default; removing that Eip's
     * default annotation makes it valid, and the Service gets the address at once: the Eip's change queues
     * it, no timer does (nothing retries a failed allocation on a timer).
     */
    @Test
    void aServiceWaitingForAnEipWithAConflictingDefaultGetsItsAddressAtOnceWhenTheConflictIsFixed()
            throws Exception {
        create(eip("a-default", "192.0.2.0/28", Map.of(Annotations.DEFAULT_POOL, "true")));
        create(eip("b-second", "198.51.100.0/28", Map.of(Annotations.DEFAULT_POOL, "true")));
        service("waiting", Map.of(Annotations.REQUESTED_ADDRESS, "198.51.100.5"));
        leading.set(true);
        deployController();
        await("waiting reported", () -> !events(NAMESPACE, "waiting", "AllocationFailed").isEmpty());

        long fixed = System.nanoTime();
        client.resources(Eip.class).withName("b-second")
                .edit(e -> {
                    e.getMetadata().getAnnotations().remove(Annotations.DEFAULT_POOL);
                    return e;
                });

        awaitWithinOneSecond(fixed, "waiting has 198.51.100.5", () -> "198.51.100.5".equals(ingress().get("waiting")));
    }

    /** A Service waiting for the address another holds gets it at once when the holder is deleted. */
    @Test
    void aServiceWaitingForAnAddressHeldByAnotherGetsItAtOnceWhenTheHolderIsDeleted() throws Exception {
        Map<String, String> ip12 = Map.of(Annotations.REQUESTED_ADDRESS, "192.0.2.12");
        holderAndWaiting(ip12, ip12);

        long deleted = System.nanoTime();
        client.services().inNamespace(NAMESPACE).withName("holder").delete();

        awaitWithinOneSecond(deleted, "waiting has 192.0.2.12", () -> "192.0.2.12".equals(ingress().get("waiting")));
    }

    /**
     * A Service waiting for the address another holds (same sharing key, a port collides) shares it at once
     * when the holder moves to another port: the holder's reconcile queues it. Before, only a release (a
     * Service gone) queued the waiting, and the holder's status did not change.
     */
    @Test
    void aServiceWaitingToShareAnAddressGetsItAtOnceWhenTheHoldersPortNoLongerCollides() throws Exception {
        Map<String, String> shared12 =
                Map.of(Annotations.REQUESTED_ADDRESS, "192.0.2.12", Annotations.SHARING_KEY, "k");
        holderAndWaiting(shared12, shared12);
        assertThat(events(NAMESPACE, "waiting", "AllocationFailed")).singleElement()
                .satisfies(message -> assertThat(message).contains("a port collides"));

        long moved = System.nanoTime();
        client.services().inNamespace(NAMESPACE).withName("holder").edit(s -> {
            s.getSpec().getPorts().get(0).setPort(8080);
            return s;
        });

        awaitWithinOneSecond(moved, "waiting has 192.0.2.12", () -> "192.0.2.12".equals(ingress().get("waiting")));
        assertThat(ingress()).containsEntry("holder", "192.0.2.12");
    }

    /**
     * A Service whose namespace no Eip admits gets an address at once when a label change makes an Eip's
     * namespaceSelector admit it: the namespace's change queues it.
     */
    @Test
    void aServiceWaitingForItsNamespaceGetsAnAddressAtOnceWhenALabelMakesAnEipAdmitIt() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).create();
        Eip selecting = eip("selecting", "192.0.2.0/28", Map.of());
        selecting.getSpec().namespaceSelector = Map.of("team", "shop");
        create(selecting);
        service("automatic", Map.of());
        leading.set(true);
        deployController();
        await("automatic reported", () -> !events(NAMESPACE, "automatic", "AllocationFailed").isEmpty());

        long labelled = System.nanoTime();
        client.namespaces().withName(NAMESPACE).edit(n -> {
            n.getMetadata().setLabels(Map.of("team", "shop"));
            return n;
        });

        awaitWithinOneSecond(labelled, "automatic has an address", () -> !ingress().get("automatic").isEmpty());
        assertThat(ingress().get("automatic")).startsWith("192.0.2.");
    }

    /**
     * Services waiting for a pool are served oldest first when one appears, whatever their names. CI found
     * it: they were queued in hash order, and the Service created second took the better pool.
     */
    @Test
    void servicesWaitingForAPoolAreServedOldestFirstWhenOneAppears() throws Exception {
        leading.set(true);
        deployController();
        List<String> oldestFirst = List.of("d", "c", "b", "a"); // name order is the reverse
        for (String name : oldestFirst) {
            service(name, Map.of());
            Thread.sleep(1050); // creation timestamps have whole seconds
        }
        await("all four reported", () -> oldestFirst.stream()
                .allMatch(name -> !events(NAMESPACE, name, "AllocationFailed").isEmpty()));

        eip("192.0.2.10-192.0.2.11"); // room for two
        await("two served", () -> ingress().values().stream().filter(ip -> !ip.isEmpty()).count() == 2);

        assertThat(ingress()).containsEntry("d", "192.0.2.10").containsEntry("c", "192.0.2.11")
                .containsEntry("b", "").containsEntry("a", "");
    }

    /**
     * IpamIT's finding in CI: a Service waits for a pool; the pool and a newer Service arrive in one change
     * (one snapshot). The older gets the pool's one address; the newer waits. Before, the change's own
     * Services were queued ahead of the waiting ones, and the newer took it. Snapshots are published by hand
     * here so that both arrive in one, as the watcher's batching did.
     */
    @Test
    void aServiceWaitingForAPoolIsServedBeforeANewerOneArrivingWithThePool() throws Exception {
        HandFedView cluster = new HandFedView();
        cluster.put(ResourceKind.SERVICE, createdAt(service("older"), "2026-12-06T10:00:00Z"));
        leading.set(true);
        deployIpamAlone();
        cluster.publish();
        await("older reported", () -> !events(NAMESPACE, "older", "AllocationFailed").isEmpty());

        cluster.put(ResourceKind.SERVICE, createdAt(service("newer"), "2026-12-06T10:00:05Z"));
        Eip pool = eip("pool", "192.0.2.10/32", Map.of());
        pool.getSpec().namespaces = List.of(NAMESPACE);
        cluster.put(ResourceKind.EIP, create(pool));
        cluster.publish();

        await("one served", () -> ingress().values().stream().anyMatch(ip -> !ip.isEmpty()));
        assertThat(ingress()).containsEntry("older", "192.0.2.10").containsEntry("newer", "");
    }

    /**
     * The status of an Eip tells that it is invalid for this reason (the last controller wrote it): a
     * controller that starts says nothing again; a new reason gets its Event. Before, every start posted
     * an InvalidEip Event for the same unchanged problem.
     */
    @Test
    void aRestartedControllerPostsNoInvalidEipEventForTheReasonTheStatusShowsButOneForANewReason()
            throws Exception {
        create(eip("a-default", "192.0.2.0/28", Map.of(Annotations.DEFAULT_POOL, "true")));
        Eip second = create(eip("b-second", "198.51.100.0/28", Map.of(Annotations.DEFAULT_POOL, "true")));
        PoolSet pools = PoolSet.of(client.resources(Eip.class).list().getItems().stream()
                .map(EipDefinitions::of).toList());
        String reason = pools.invalid().get("b-second");
        assertThat(reason).contains("default");
        second.setStatus(EipStatuses.desired(second, pools, new Allocator(pools.pools()), Instant.now()));
        client.resources(Eip.class).resource(second).updateStatus();
        service("c1", Map.of());
        leading.set(true);
        deployController();
        await("c1 has an address from a-default", () -> ingress().get("c1").startsWith("192.0.2."));
        Thread.sleep(ReconcileQueue.RETRY_MS); // an Event of the start has landed by now

        assertThat(events("default", "b-second", "InvalidEip")).as("said before the restart").isEmpty();
        client.resources(Eip.class).withName("b-second").edit(e -> {
            e.getSpec().address = "192.0.2.8/29";
            return e;
        });
        await("the new reason said", () -> !events("default", "b-second", "InvalidEip").isEmpty());
        Thread.sleep(ReconcileQueue.RETRY_MS); // a second Event would have landed by now

        assertThat(events("default", "b-second", "InvalidEip")).singleElement()
                .satisfies(message -> assertThat(message).contains("overlaps"));
    }

    /** holder gets its address first; then waiting asks and is told it cannot have it. */
    private void holderAndWaiting(Map<String, String> holder, Map<String, String> waiting) throws Exception {
        create(eip("pool", "192.0.2.10-192.0.2.19", Map.of(Annotations.DEFAULT_POOL, "true")));
        service("holder", holder);
        leading.set(true);
        deployController();
        await("holder has its address", () -> !ingress().get("holder").isEmpty());
        service("waiting", waiting);
        await("waiting reported", () -> !events(NAMESPACE, "waiting", "AllocationFailed").isEmpty());
    }

    private void deployController() throws Exception {
        vertx.deployVerticle(new WatchVerticle(new Informers(client, WatchedKinds.of(Role.CONTROLLER), "openelb-system"),
                        new KubeMetrics(meters), new Conversion()))
                .await(10, TimeUnit.SECONDS);
        deployIpamAlone();
    }

    /** The controller without a watcher: it sees what the watcher or a {@link HandFedView} publishes. */
    private void deployIpamAlone() throws Exception {
        vertx.deployVerticle(new IpamVerticle(new ServiceRequests("", true),
                        new KubeWriter(vertx, client, leading::get, Duration.ofSeconds(5)), new IpamMetrics(meters)))
                .await(10, TimeUnit.SECONDS);
    }

    /** A watched view the test feeds by hand: one that lags, or batches changes, as the test says. */
    private final class HandFedView {
        private final Conversion conversion = new Conversion();
        private final SnapshotBuilder builder = new SnapshotBuilder(WatchedKinds.of(Role.CONTROLLER));

        void put(ResourceKind kind, io.fabric8.kubernetes.api.model.HasMetadata object) {
            builder.put(kind, Conversion.key(kind, object), conversion.convert(kind, object));
        }

        void publish() {
            vertx.eventBus().publish(Addresses.CLUSTER_CHANGED, new ClusterChanged(builder.snapshot(true)));
        }
    }

    private void eip(String address) {
        Eip eip = new Eip();
        eip.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("pool").build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = address;
        eip.getSpec().namespaces = List.of(NAMESPACE);
        client.resources(Eip.class).resource(eip).create();
    }

    /** An Eip named {@code name}, not created yet. */
    private static Eip eip(String name, String address, Map<String, String> annotations) {
        Eip eip = new Eip();
        eip.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
                .withAnnotations(new HashMap<>(annotations)).build());
        eip.setSpec(new EipSpec());
        eip.getSpec().address = address;
        return eip;
    }

    private Eip create(Eip eip) {
        return client.resources(Eip.class).resource(eip).create();
    }

    /** A LoadBalancer Service of port 80, created on the mock server; returns it as the server has it. */
    private Service service(String name) {
        service(name, Map.of());
        return client.services().inNamespace(NAMESPACE).withName(name).get();
    }

    /** The Service as if created at {@code timestamp} (the mock server stamps whole seconds of now). */
    private static Service createdAt(Service service, String timestamp) {
        service.getMetadata().setCreationTimestamp(timestamp);
        return service;
    }

    /** A LoadBalancer Service of port 80 with these annotations. */
    private void service(String name, Map<String, String> annotations) {
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .withAnnotations(new HashMap<>(annotations)).endMetadata()
                .withNewSpec().withType("LoadBalancer").addNewPort().withProtocol("TCP").withPort(80).endPort()
                .endSpec()
                .build()).create();
    }

    /** The messages of the Events with this reason about the object of this name. */
    private List<String> events(String namespace, String about, String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> about.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .map(Event::getMessage)
                .toList();
    }

    /**
     * Within a second of {@code since}: a retry of a failed write comes {@link ReconcileQueue#RETRY_MS} after
     * it, and a resync later still, so only the change itself makes it in time.
     */
    private static void awaitWithinOneSecond(long since, String what, java.util.function.BooleanSupplier condition)
            throws Exception {
        long deadline = since + Duration.ofMillis(ReconcileQueue.RETRY_MS).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 1 s: " + what);
            }
            Thread.sleep(10);
        }
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
