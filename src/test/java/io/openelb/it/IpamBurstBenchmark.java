package io.openelb.it;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark, not a test: N LoadBalancer Services created in a burst against the real local API server
 * while the controller runs; reports the time until every one holds an address, against the floor of
 * the API server merely creating them, and the controller's peak RSS and CPU time. Uses its own
 * control plane, purged before and after. Run by {@code hack/bench/run.sh ipam-burst [N]}.
 */
public final class IpamBurstBenchmark {
    private static final Map<String, String> ENV = Map.of(
            "OPENELB_CLUSTER_DIR", "/tmp/openelb-bench-cluster",
            "OPENELB_APISERVER_PORT", "26443");
    private static final int WRITERS = 16;

    private IpamBurstBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        LocalCluster cluster = LocalCluster.start(ENV);
        try {
            run(cluster, count);
        } finally {
            LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        }
    }

    private static void run(LocalCluster cluster, int count) throws Exception {
        KubernetesClient admin = cluster.admin();
        IpamFixture f = new IpamFixture(admin, "bench");
        f.eip("bench-pool", "10.0.0.0/16");
        Path dir = Files.createTempDirectory("ipam-bench");
        try (OpenElbProcess controller = OpenElbProcess.start(
                cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir, "controller",
                "--role=controller", "--log-level=warn")) {
            controller.awaitReady(Duration.ofSeconds(60));
            long rssIdle = controller.peakRssKiB();

            long start = System.nanoTime();
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            List<Future<Service>> created = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "s" + i;
                created.add(writers.submit(() -> f.service(name)));
            }
            for (Future<Service> c : created) {
                c.get();
            }
            long createdNanos = System.nanoTime() - start;
            writers.shutdown();

            List<Service> served;
            do {
                Thread.sleep(250);
                served = admin.services().inNamespace(f.namespace).list().getItems().stream()
                        .filter(s -> !IpamFixture.ingress(s).isEmpty()).toList();
            } while (served.size() < count && System.nanoTime() - start < Duration.ofMinutes(10).toNanos());
            long allServedNanos = System.nanoTime() - start;
            long distinct = new HashSet<>(served.stream().map(s -> IpamFixture.ingress(s).get(0)).toList()).size();

            System.out.printf("%nIPAM burst on this machine (%d cores), %d LoadBalancer Services, %d writers%n",
                    Runtime.getRuntime().availableProcessors(), count, WRITERS);
            System.out.printf("| figure | value |%n|---|---|%n");
            System.out.printf("| API server accepts all %d creates (floor) | %.1f s |%n", count, createdNanos / 1e9);
            System.out.printf("| first create -> every Service has an address | %.1f s |%n", allServedNanos / 1e9);
            System.out.printf("| ratio to the floor | %.2f |%n", (double) allServedNanos / createdNanos);
            System.out.printf("| Services served / distinct addresses | %d / %d |%n", served.size(), distinct);
            System.out.printf("| controller peak RSS idle -> after burst | %d MiB -> %d MiB |%n", rssIdle / 1024,
                    controller.peakRssKiB() / 1024);
            System.out.printf("| controller CPU time (whole run) | %.1f s |%n", controller.cpuTime().toMillis() / 1e3);
            if (served.size() < count || distinct != count) {
                throw new IllegalStateException("not every Service got a distinct address");
            }
        }
    }
}
