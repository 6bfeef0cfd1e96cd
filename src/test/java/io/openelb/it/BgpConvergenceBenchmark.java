package io.openelb.it;

import io.fabric8.kubernetes.api.model.Service;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: the whole path from the Kubernetes API to the router's forwarding table, with
 * the real API server, the controller, one speaker in a lab node and BIRD as the router. Run by
 * {@code hack/bench/run.sh bgp-convergence [N]} and {@code hack/bench/run.sh bgp-table [N]}.
 *
 * <ul>
 *   <li>{@code convergence N}: N Services created one after another; for each, the time from the create
 *       call to its /32 in the router namespace's kernel table (BIRD installs it), seen by
 *       {@code ip monitor route}: p50, p99, max; against the floor of N routes added one by one with the
 *       {@code gobgp} CLI to a GoBGP peer of the same BIRD.
 *   <li>{@code table N}: N Services served while no speaker runs; then the speaker starts: time from
 *       its session reaching Established (its own log) and from its start to all N routes in BIRD's
 *       table, and in the kernel.
 * </ul>
 */
public final class BgpConvergenceBenchmark {
    private static final Map<String, String> ENV = Map.of(
            "OPENELB_CLUSTER_DIR", "/tmp/openelb-bench-cluster",
            "OPENELB_APISERVER_PORT", "26443");
    private static final Pattern ESTABLISHED_AT =
            Pattern.compile("^(\\S+) .*peer lab-router-v4 \\(10\\.77\\.0\\.1\\): OPEN_CONFIRM -> ESTABLISHED",
                    Pattern.MULTILINE);
    private static final Pattern BIRD_COUNT = Pattern.compile("(\\d+) of \\d+ routes");

    private BgpConvergenceBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "convergence";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : mode.equals("table") ? 10_000 : 500;
        LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        LocalCluster cluster = LocalCluster.start(ENV);
        Lab lab = Lab.up(cluster, "bird", 1);
        try {
            cluster.kubectl("apply", "-f", "hack/lab/bgp.yaml");
            if (mode.equals("table")) {
                table(cluster, lab, count);
            } else {
                convergence(cluster, lab, count);
            }
        } finally {
            Lab.down();
            LocalCluster.run(List.of("hack/cluster.sh", "down", "--purge"), ENV, 120);
        }
    }

    private static void convergence(LocalCluster cluster, Lab lab, int count) throws Exception {
        IpamFixture f = new IpamFixture(cluster.admin(), "bench");
        f.eip("bench-pool", "10.100.0.0/16");
        Path dir = Files.createTempDirectory("bgp-bench");
        double[] ours = new double[count];
        double[] floor;
        try (RouteMonitor monitor = new RouteMonitor()) {
            try (OpenElbProcess controller = controller(cluster, dir);
                    OpenElbProcess speaker = lab.startSpeakers(dir, "--log-level=warn").get(0)) {
                speaker.awaitReady(Duration.ofSeconds(60));
                // warm-up: the first Services pay for class loading and JIT everywhere
                for (int i = 0; i < 20; i++) {
                    f.service("warm" + i);
                    monitor.nextAdded(Duration.ofSeconds(30));
                }
                for (int i = 0; i < count; i++) {
                    long start = System.nanoTime();
                    f.service("c" + i);
                    ours[i] = (monitor.nextAdded(Duration.ofSeconds(30)) - start) / 1e6;
                }
            }
            floor = gobgpFloor(count, monitor, dir);
        }
        Arrays.sort(ours);
        Arrays.sort(floor);
        System.out.printf("%nService created -> /32 in the router's kernel table (BIRD), %d Services one after "
                + "another, %d cores; floor: the same kind of route added with the gobgp CLI to a GoBGP peer of "
                + "the same BIRD%n", count, Runtime.getRuntime().availableProcessors());
        System.out.printf("| figure | OpenELB JVM (API server -> controller -> speaker) | floor (gobgp CLI -> gobgpd) "
                + "| ratio |%n|---|---|---|---|%n");
        for (int p : new int[] {50, 99}) {
            System.out.printf("| p%d | %.1f ms | %.1f ms | %.2f |%n", p, percentile(ours, p), percentile(floor, p),
                    percentile(ours, p) / percentile(floor, p));
        }
        System.out.printf("| max | %.1f ms | %.1f ms | %.2f |%n", ours[count - 1], floor[count - 1],
                ours[count - 1] / floor[count - 1]);
    }

    /**
     * The baseline floor: gobgpd in the node's namespace (as the speaker was, same AS and address) peering
     * with the same BIRD; each route added with {@code gobgp global rib add}, timed from the CLI's start
     * to the route in the kernel table.
     */
    private static double[] gobgpFloor(int count, RouteMonitor monitor, Path dir) throws Exception {
        Path conf = dir.resolve("gobgpd.toml");
        Files.writeString(conf, """
                [global.config]
                  as = 64513
                  router-id = "10.77.0.11"
                  port = -1
                [[neighbors]]
                  [neighbors.config]
                    neighbor-address = "10.77.0.1"
                    peer-as = 64512
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv4-unicast"
                """);
        Process gobgpd = new ProcessBuilder("ip", "netns", "exec", Lab.nodeNamespace(1), "gobgpd", "-f",
                conf.toString(), "-t", "toml", "--api-hosts", "127.0.0.1:50051", "--pprof-disable")
                .redirectErrorStream(true).redirectOutput(dir.resolve("gobgpd.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!gobgp("neighbor").contains("Establ")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("gobgpd not Established with BIRD: " + gobgp("neighbor"));
                }
                Thread.sleep(200);
            }
            Thread.sleep(500);
            monitor.clear();
            for (int i = 0; i < 20; i++) { // the same warm-up
                gobgp("global", "rib", "add", "10.101.1." + i + "/32", "nexthop", "10.77.0.11");
                monitor.nextAdded(Duration.ofSeconds(30));
            }
            double[] millis = new double[count];
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                gobgp("global", "rib", "add", "10.101." + (2 + i / 250) + "." + i % 250 + "/32", "nexthop",
                        "10.77.0.11");
                millis[i] = (monitor.nextAdded(Duration.ofSeconds(30)) - start) / 1e6;
            }
            return millis;
        } finally {
            gobgpd.destroy();
            gobgpd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String gobgp(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Lab.nodeNamespace(1), "gobgp", "-p",
                "50051"));
        command.addAll(List.of(args));
        return LocalCluster.run(command, Map.of(), 30).stdout();
    }

    private static void table(LocalCluster cluster, Lab lab, int count) throws Exception {
        IpamFixture f = new IpamFixture(cluster.admin(), "bench");
        f.eip("bench-pool", "10.100.0.0/16");
        Path dir = Files.createTempDirectory("bgp-bench");
        try (OpenElbProcess controller = controller(cluster, dir)) {
            ExecutorService writers = Executors.newFixedThreadPool(16);
            List<Future<Service>> created = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "t" + i;
                created.add(writers.submit(() -> f.service(name)));
            }
            for (Future<Service> c : created) {
                c.get();
            }
            writers.shutdown();
            long served;
            do {
                Thread.sleep(500);
                served = cluster.admin().services().inNamespace(f.namespace).list().getItems().stream()
                        .filter(s -> !IpamFixture.ingress(s).isEmpty()).count();
            } while (served < count);

            long start = System.nanoTime();
            Instant startedAt = Instant.now();
            try (OpenElbProcess speaker = lab.startSpeakers(dir, "--log-level=info").get(0)) {
                long inBird = 0;
                long inKernel = 0;
                long birdNanos = 0;
                long kernelNanos = 0;
                while ((birdNanos == 0 || kernelNanos == 0) && System.nanoTime() - start < Duration.ofMinutes(5).toNanos()) {
                    if (birdNanos == 0 && (inBird = birdRoutes()) >= count) {
                        birdNanos = System.nanoTime() - start;
                    }
                    if (kernelNanos == 0 && (inKernel = kernelRoutes()) >= count) {
                        kernelNanos = System.nanoTime() - start;
                    }
                    Thread.sleep(20);
                }
                Matcher m = ESTABLISHED_AT.matcher(speaker.log());
                if (!m.find() || birdNanos == 0) {
                    throw new IllegalStateException("not all routes arrived: BIRD " + inBird + ", kernel " + inKernel
                            + "\n" + speaker.log());
                }
                double establishedMs = Duration.between(startedAt,
                        java.time.OffsetDateTime.parse(m.group(1)).toInstant()).toNanos() / 1e6;
                System.out.printf("%n%d VIPs to BIRD after the speaker starts (%d cores)%n", count,
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("| figure | value |%n|---|---|%n");
                System.out.printf("| speaker start -> session Established | %.0f ms |%n", establishedMs);
                System.out.printf("| Established -> all %d routes in BIRD's table | %.0f ms |%n", count,
                        birdNanos / 1e6 - establishedMs);
                System.out.printf("| speaker start -> all in BIRD's table | %.0f ms |%n", birdNanos / 1e6);
                System.out.printf("| speaker start -> all in the router's kernel table | %.0f ms |%n", kernelNanos / 1e6);
                System.out.printf("| speaker peak RSS | %d MiB |%n", speaker.peakRssKiB() / 1024);
            }
        }
    }

    private static OpenElbProcess controller(LocalCluster cluster, Path dir) throws InterruptedException {
        return OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir,
                "controller", "--role=controller", "--log-level=warn").awaitReady(Duration.ofSeconds(60));
    }

    private static long birdRoutes() {
        String out = LocalCluster.run(List.of("hack/lab.sh", "exec", "router", "birdc", "-s",
                labDir().resolve("bird/bird.ctl").toString(), "show", "route", "count"), Map.of(), 30).stdout();
        Matcher m = BIRD_COUNT.matcher(out);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    private static long kernelRoutes() {
        String out = LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "-4", "route", "show", "proto", "bird"),
                Map.of(), 30).stdout();
        return out.lines().count();
    }

    private static Path labDir() {
        return Path.of(System.getenv().getOrDefault("OPENELB_LAB_DIR", "/tmp/openelb-lab"));
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** {@code ip monitor route} in the router namespace: when each route was added, as the kernel says. */
    private static final class RouteMonitor implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<Long> added = new LinkedBlockingQueue<>();

        RouteMonitor() throws Exception {
            process = new ProcessBuilder("ip", "-n", Lab.ROUTER_NS, "-4", "monitor", "route").start();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (!line.startsWith("Deleted") && line.contains("proto bird")) {
                            added.add(System.nanoTime());
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the monitor was stopped
                }
            }, "route-monitor");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(200); // the monitor subscribes before the first Service
        }

        /** Forgets the routes added so far. */
        void clear() {
            added.clear();
        }

        /** When the next route was added (System.nanoTime). */
        long nextAdded(Duration timeout) throws InterruptedException {
            Long at = added.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (at == null) {
                throw new IllegalStateException("no route within " + timeout);
            }
            return at;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
