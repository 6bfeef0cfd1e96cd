package io.openelb.it;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * each with the API server's CPU (from /proc, less its idle rate) and the watch events and bytes it sent (its
 * /metrics), per change; and the cost to this JVM, to show the stand-ins were not the bottleneck. The two sizes
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
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ManySpeakersBenchmark() {}

    /** What one phase cost: per-change latencies (ms), wall time and CPU (ms), watch traffic. */
    record Phase(int changes, double[] millis, double wallMillis, double apiCpuMillis,
            ApiServerProbe.WatchTraffic traffic, long standInEvents, double jvmCpuMillis, double controllerCpuMillis) {
        double apiCpuPerChange() {
            return apiCpuMillis / changes;
        }

        double bytesPerChange() {
            return traffic.bytes() / changes;
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
            Path speakerKubeconfig = cluster.kubeconfigFor(SpeakerFleet.SPEAKER_NAMESPACE, "openelb-speaker", dir);
            ApiServerProbe apiServer = new ApiServerProbe(admin, CLUSTER_DIR);
            List<Round> rounds = new ArrayList<>();
            try (OpenElbProcess controller = OpenElbProcess.start(
                    cluster.kubeconfigFor(SpeakerFleet.SPEAKER_NAMESPACE, "openelb-controller", dir), dir,
                    "controller", "--role=controller", "--log-level=warn").awaitReady(Duration.ofSeconds(60))) {
                for (int r = 0; r < sizes.size(); r++) {
                    IpamFixture f = new IpamFixture(admin, "many" + sizes.get(r));
                    f.eip("many-pool-" + r, "10." + (100 + r) + ".0.0/16");
                    long heapBefore = SpeakerFleet.heapAfterGc();
                    try (SpeakerFleet fleet = new SpeakerFleet(sizes.get(r), speakerKubeconfig, vertx, handlers, admin)) {
                        fleet.sequence(f, "warm", Math.min(10, sequence)); // class loading and JIT everywhere
                        Meter meter = new Meter(apiServer, controller, fleet);
                        Phase seq = meter.measure(sequence, () -> fleet.sequence(f, "s", sequence));
                        Phase all = meter.measure(burst, () -> fleet.burst(f, "b", burst));
                        Phase beats = meter.measure(sequence, () -> fleet.nodeHeartbeats(nodes, sequence));
                        long heap = (SpeakerFleet.heapAfterGc() - heapBefore) / fleet.size();
                        rounds.add(new Round(fleet.size(), seq, all, beats, heap,
                                ManagementFactory.getThreadMXBean().getThreadCount()));
                    }
                }
            }
            ManySpeakersReport.emit(rounds, sequence, burst);
        } finally {
            vertx.close().await();
            handlers.shutdownNow();
            LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        }
    }

    /** Takes the counters before and after a phase; the API server's idle CPU rate is measured first. */
    private static final class Meter {
        private final ApiServerProbe apiServer;
        private final OpenElbProcess controller;
        private final SpeakerFleet fleet;
        private final double idleApiCpuPerMilli;

        Meter(ApiServerProbe apiServer, OpenElbProcess controller, SpeakerFleet fleet) throws InterruptedException {
            this.apiServer = apiServer;
            this.controller = controller;
            this.fleet = fleet;
            Duration before = apiServer.cpuTime();
            long start = System.nanoTime();
            Thread.sleep(IDLE.toMillis());
            idleApiCpuPerMilli = apiServer.cpuTime().minus(before).toMillis() / ((System.nanoTime() - start) / 1e6);
        }

        interface Work {
            double[] run() throws Exception;
        }

        Phase measure(int changes, Work work) throws Exception {
            ApiServerProbe.WatchTraffic traffic = apiServer.traffic();
            long events = fleet.eventsReceived();
            Duration controllerCpu = controller.cpuTime();
            long jvmCpu = OS.getProcessCpuTime();
            Duration apiCpu = apiServer.cpuTime();
            long start = System.nanoTime();
            double[] millis = work.run();
            double wall = (System.nanoTime() - start) / 1e6;
            double apiMillis = apiServer.cpuTime().minus(apiCpu).toMillis() - idleApiCpuPerMilli * wall;
            return new Phase(changes, millis, wall, Math.max(0, apiMillis), apiServer.traffic().minus(traffic),
                    fleet.eventsReceived() - events, (OS.getProcessCpuTime() - jvmCpu) / 1e6,
                    controller.cpuTime().minus(controllerCpu).toMillis());
        }
    }

    static String bytes(double bytes) {
        return bytes >= 10 * 1024 * 1024 ? BenchReport.format("%.1f MiB", bytes / (1024 * 1024))
                : bytes >= 10 * 1024 ? BenchReport.format("%.1f KiB", bytes / 1024)
                : BenchReport.format("%.0f B", bytes);
    }
}
