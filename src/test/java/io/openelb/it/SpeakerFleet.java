package io.openelb.it;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.openelb.cluster.ResourceKind;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One round of {@link ManySpeakersBenchmark}: N {@link SpeakerStandIn}s in this JVM, sharing one Vert.x
 * instance (as the program's client does, {@code Main}) and a small fixed pool for their handlers, so that
 * 100 of them cost connections and heap, not hundreds of threads; and the Service and Node changes whose
 * cost the round measures.
 */
final class SpeakerFleet implements AutoCloseable {
    /** The program's namespace: its ServiceAccounts, and the Secrets a speaker watches. */
    static final String NAMESPACE = "openelb-system";
    static final Duration WAIT = Duration.ofMinutes(5);

    private final List<SpeakerStandIn> standIns = new ArrayList<>();
    private final Sightings sightings = new Sightings();
    private final Map<ResourceKind, LongAdder> events = SpeakerStandIn.counters();
    private final KubernetesClient admin;
    /** Seconds added to each heartbeat time: every update changes the Node (the API server keeps seconds only). */
    private long heartbeats;

    /** Starts {@code count} stand-ins with the speaker ServiceAccount's kubeconfig; returns once all listed. */
    SpeakerFleet(int count, Path speakerKubeconfig, Vertx vertx, ExecutorService handlers, KubernetesClient admin)
            throws Exception {
        this.admin = admin;
        String kubeconfig = LocalCluster.read(speakerKubeconfig);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Config config = Config.fromKubeconfig(kubeconfig);
            config.setUserAgent("openelb-speaker/stand-in-" + i);
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).withTaskExecutor(handlers).build();
            SpeakerStandIn standIn = new SpeakerStandIn(client, NAMESPACE, sightings, events);
            standIns.add(standIn);
            started.add(standIn.start());
        }
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    int size() {
        return standIns.size();
    }

    /** Watch events all stand-ins have received so far, by kind. */
    Map<ResourceKind, Long> eventsReceived() {
        Map<ResourceKind, Long> received = new java.util.EnumMap<>(ResourceKind.class);
        events.forEach((kind, counter) -> received.put(kind, counter.sum()));
        return received;
    }

    /**
     * Creates the Services one after another, each once every stand-in saw the previous one's address;
     * for each, milliseconds from the create call to the last stand-in seeing its address.
     */
    double[] sequence(IpamFixture f, String prefix, int count) throws InterruptedException {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            String key = f.namespace + "/" + prefix + i;
            sightings.expect(key, size());
            long start = System.nanoTime();
            f.service(prefix + i);
            millis[i] = (sightings.awaitAll(key, WAIT) - start) / 1e6;
        }
        sightings.clear();
        return millis;
    }

    /**
     * Creates the Services at once, as the scale benchmark does ({@link BgpConvergenceBenchmark#burst}); for
     * each, milliseconds from the first create call to the last stand-in seeing its address.
     */
    double[] burst(IpamFixture f, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            sightings.expect(f.namespace + "/" + prefix + i, size());
        }
        long start = System.nanoTime();
        BgpConvergenceBenchmark.burst(f, prefix, count);
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            millis[i] = (sightings.awaitAll(f.namespace + "/" + prefix + i, WAIT) - start) / 1e6;
        }
        sightings.clear();
        return millis;
    }

    /**
     * {@code count} Node status updates, one after another over the given Nodes, as a kubelet's status report
     * (a new heartbeat time in the Ready condition); milliseconds until every stand-in received them all.
     */
    double[] nodeHeartbeats(List<String> nodes, int count) throws InterruptedException {
        LongAdder nodeEvents = events.get(ResourceKind.NODE);
        long expected = nodeEvents.sum() + (long) count * size();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            heartbeat(nodes.get(i % nodes.size()), Instant.now().plusSeconds(++heartbeats));
        }
        while (nodeEvents.sum() < expected) {
            if (System.nanoTime() - start > WAIT.toNanos()) {
                throw new IllegalStateException((expected - nodeEvents.sum()) + " Node events missing after " + WAIT);
            }
            Thread.sleep(5);
        }
        return new double[] {(System.nanoTime() - start) / 1e6};
    }

    /**
     * Waits until the stand-ins have received no event for {@code quiet}: the writes that follow a change (the
     * controller's claim after the address, the Eip's status) have reached them.
     */
    void awaitQuiet(Duration quiet) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<ResourceKind, Long> last = eventsReceived();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < quiet.toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            Map<ResourceKind, Long> now = eventsReceived();
            if (!now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** Heap in use after a collection, in bytes. */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A Node as a kubelet registers it (addresses, capacity, node info), Ready. */
    static void createNode(KubernetesClient admin, String name, int index) {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("8"), "memory", new Quantity("32Gi"),
                "pods", new Quantity("110"), "ephemeral-storage", new Quantity("100Gi"));
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("kubernetes.io/hostname", name, "kubernetes.io/os", "linux",
                        "kubernetes.io/arch", "amd64", "topology.kubernetes.io/zone", "zone-" + index % 3))
                .endMetadata().build()).create();
        admin.nodes().withName(name).editStatus(node -> new NodeBuilder(node).editOrNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("10.200." + index / 250 + "." + (index % 250 + 1))
                .endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .withCapacity(capacity).withAllocatable(capacity)
                .withNewNodeInfo().withArchitecture("amd64").withOperatingSystem("linux")
                .withKubeletVersion("v1.33.13").withKubeProxyVersion("v1.33.13")
                .withContainerRuntimeVersion("containerd://2.0.5").withKernelVersion("6.1.0")
                .withOsImage("Debian GNU/Linux 12 (bookworm)").withMachineID(name).withSystemUUID(name)
                .withBootID(name).endNodeInfo()
                .withConditions(ready(Instant.now()))
                .endStatus().build());
    }

    private void heartbeat(String name, Instant at) {
        admin.nodes().withName(name).editStatus(node -> new NodeBuilder(node).editStatus()
                .withConditions(ready(at)).endStatus().build());
    }

    private static io.fabric8.kubernetes.api.model.NodeCondition ready(Instant now) {
        return new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("kubelet is posting ready status").withLastHeartbeatTime(now.toString())
                .withLastTransitionTime("2025-01-01T00:00:00Z").build();
    }

    @Override
    public void close() {
        standIns.forEach(SpeakerStandIn::close);
    }
}
