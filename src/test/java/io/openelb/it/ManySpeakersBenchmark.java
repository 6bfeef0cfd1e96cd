package io.openelb.it;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.cluster.ResourceKind;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Benchmark, not a test: what many speakers cost the API server. N stand-ins ({@link SpeakerStandIn}: the
 * informers a speaker has, with its ServiceAccount's token, each with its own client) watch a real API server
 * while the controller runs as its own process; then, with N/10 and with N stand-ins:
 * <ul>
 *   <li>a sequence of K Services, one after another: create -> every stand-in saw the address (p50, p99);
 *   <li>a burst of B Services: first create -> every stand-in saw every address;
 *   <li>K Node status updates (a kubelet's report), which every speaker receives too;
 * </ul>
 * each with the API server's CPU and bytes written (from /proc, less its idle rates) and the watch events the
 * stand-ins received, per change; and the cost to this JVM, to show the stand-ins were not the bottleneck. The two sizes
 * give each figure's growth with N, from which the report projects 1,000 and 5,000 nodes. Run by
 * {@code hack/bench/run.sh many-speakers [N]}; arguments {@code N K B} (default 100 50 500).
 */
public final class ManySpeakersBenchmark {
    private static final Path CLUSTER_DIR = Path.of("/tmp/openelb-many-cluster");
    /** A control plane of its own; no audit log, whose writes would count as API server CPU per change. */
    private static final Map<String, String> ENV = Map.of("OPENELB_CLUSTER_DIR", CLUSTER_DIR.toString(),
            "OPENELB_APISERVER_PORT", "28443", "OPENELB_APISERVER_AUDIT", "0");
    private static final int HANDLER_THREADS = 4;
    private static final Duration IDLE = Duration.ofSeconds(5);
    /** A phase ends when the stand-ins have received nothing for this long (the trailing writes are its cost too). */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ManySpeakersBenchmark() {}

    /**
     * What one phase cost: per-change latencies (ms); the API server's CPU (ms) and bytes written until all was
     * quiet, less what it spends idle in as long; the watch events the stand-ins received by kind; the
     * controller's CPU (ms); this JVM's CPU (ms) while the changes were made and seen, and that time (ms).
     */
    record Phase(int changes, double[] millis, double apiCpuMillis, double apiBytes,
            Map<ResourceKind, Long> standInEvents, double controllerCpuMillis, double jvmCpuMillis, double workMillis) {
        double apiCpuPerChange() {
            return apiCpuMillis / changes;
        }

        double bytesPerChange() {
            return apiBytes / changes;
        }

        /** Watch events one stand-in received per change. */
        double eventsPerChange(int standIns) {
            return standInEvents.values().stream().mapToLong(Long::longValue).sum() / (double) changes / standIns;
        }

        double percentile(int p) {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
        }
    }

    /** One size: its phases, and heap and threads of this JVM with the stand-ins running. */
    record Round(int standIns, Phase sequence, Phase burst, Phase nodes, long heapPerStandIn, int threads) {}

    public static void main(String[] args) throws Exception {
        int speakers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int sequence = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int burst = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        List<Integer> sizes = speakers >= 2 ? List.of(Math.max(1, speakers / 10), speakers) : List.of(speakers);
        LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        LocalCluster cluster = LocalCluster.start(ENV);
        Vertx vertx = Vertx.vertx();
        ExecutorService handlers = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
            Thread t = new Thread(r, "stand-in-handlers");
            t.setDaemon(true);
            return t;
        });
        try {
            Path dir = Files.createTempDirectory("many-speakers");
            KubernetesClient admin = cluster.admin();
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < speakers; i++) { // the Nodes the speakers would run on, listed by each
                nodes.add(String.format("node-%04d", i));
                SpeakerFleet.createNode(admin, nodes.get(i), i);
            }
            Path speakerKubeconfig = cluster.kubeconfigFor(SpeakerFleet.NAMESPACE, "openelb-speaker", dir);
            ApiServerProbe apiServer = new ApiServerProbe(CLUSTER_DIR);
            List<Round> rounds = new ArrayList<>();
            try (OpenElbProcess controller = OpenElbProcess.start(
                    cluster.kubeconfigFor(SpeakerFleet.NAMESPACE, "openelb-controller", dir), dir,
                    "controller", "--role=controller", "--log-level=warn").awaitReady(Duration.ofSeconds(60))) {
                Setup setup = new Setup(admin, speakerKubeconfig, vertx, handlers, apiServer, controller, nodes);
                for (int r = 0; r < sizes.size(); r++) {
                    rounds.add(setup.round(r, sizes.get(r), sequence, burst));
                }
            }
            ManySpeakersReport.emit(rounds, sequence, burst);
        } finally {
            vertx.close().await();
            handlers.shutdownNow();
            LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        }
    }

    /** What every round uses: the cluster, the speaker's credentials, the shared threads, the controller. */
    private record Setup(KubernetesClient admin, Path speakerKubeconfig, Vertx vertx, ExecutorService handlers,
            ApiServerProbe apiServer, OpenElbProcess controller, List<String> nodes) {
        /** Round {@code index}: its own namespace and pool, {@code standIns} stand-ins, then the phases. */
        Round round(int index, int standIns, int sequence, int burst) throws Exception {
            IpamFixture f = new IpamFixture(admin, "many" + standIns);
            f.eip("many-pool-" + index, "10." + (100 + index) + ".0.0/16");
            long heapBefore = SpeakerFleet.heapAfterGc();
            try (SpeakerFleet fleet = new SpeakerFleet(standIns, speakerKubeconfig, vertx, handlers, admin)) {
                fleet.sequence(f, "warm", Math.min(10, sequence)); // class loading and JIT everywhere
                fleet.awaitQuiet(QUIET);
                Meter meter = new Meter(apiServer, controller, fleet);
                Phase seq = meter.measure(sequence, () -> fleet.sequence(f, "s", sequence));
                Phase all = meter.measure(burst, () -> fleet.burst(f, "b", burst));
                Phase beats = meter.measure(sequence, () -> fleet.nodeHeartbeats(nodes, sequence));
                long heap = (SpeakerFleet.heapAfterGc() - heapBefore) / standIns;
                return new Round(standIns, seq, all, beats, heap, ManagementFactory.getThreadMXBean().getThreadCount());
            }
        }
    }

    /** Takes the counters before and after a phase; the API server's idle rates are measured first. */
    private static final class Meter {
        private final ApiServerProbe apiServer;
        private final OpenElbProcess controller;
        private final SpeakerFleet fleet;
        private final double idleCpuPerMilli;
        private final double idleBytesPerMilli;

        Meter(ApiServerProbe apiServer, OpenElbProcess controller, SpeakerFleet fleet) throws InterruptedException {
            this.apiServer = apiServer;
            this.controller = controller;
            this.fleet = fleet;
            Duration cpu = apiServer.cpuTime();
            long bytes = apiServer.bytesWritten();
            long start = System.nanoTime();
            Thread.sleep(IDLE.toMillis());
            double wall = (System.nanoTime() - start) / 1e6;
            idleCpuPerMilli = apiServer.cpuTime().minus(cpu).toMillis() / wall;
            idleBytesPerMilli = (apiServer.bytesWritten() - bytes) / wall;
        }

        interface Work {
            double[] run() throws Exception;
        }

        Phase measure(int changes, Work work) throws Exception {
            Map<ResourceKind, Long> events = fleet.eventsReceived();
            Duration controllerCpu = controller.cpuTime();
            long jvmCpu = OS.getProcessCpuTime();
            long apiBytes = apiServer.bytesWritten();
            Duration apiCpu = apiServer.cpuTime();
            long start = System.nanoTime();
            double[] millis = work.run();
            double jvmCpuMillis = (OS.getProcessCpuTime() - jvmCpu) / 1e6;
            double workMillis = (System.nanoTime() - start) / 1e6;
            fleet.awaitQuiet(QUIET);
            double wall = (System.nanoTime() - start) / 1e6;
            double cpu = apiServer.cpuTime().minus(apiCpu).toMillis() - idleCpuPerMilli * wall;
            double bytes = apiServer.bytesWritten() - apiBytes - idleBytesPerMilli * wall;
            Map<ResourceKind, Long> received = fleet.eventsReceived();
            received.replaceAll((kind, now) -> now - events.get(kind));
            received.values().removeIf(n -> n == 0);
            return new Phase(changes, millis, Math.max(0, cpu), Math.max(0, bytes), received,
                    controller.cpuTime().minus(controllerCpu).toMillis(), jvmCpuMillis, workMillis);
        }
    }

    static String bytes(double bytes) {
        return bytes >= 10 * 1024 * 1024 ? BenchReport.format("%.1f MiB", bytes / (1024 * 1024))
                : bytes >= 10 * 1024 ? BenchReport.format("%.1f KiB", bytes / 1024)
                : BenchReport.format("%.0f B", bytes);
    }
}
