package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Of the {@link IpamRestartIT} family, at scale: 1,000 LoadBalancer Services served, then the controller
 * restarted again and again as it is in a cluster with its Deployment of two replicas: the leader goes,
 * alternately by SIGTERM (a rollout or a drain: it releases the Lease, the standby takes over at once) and
 * by SIGKILL (a node crash: the standby takes over when the Lease expires), and its replacement starts as
 * the new standby. After each restart the new leader serves a new Service (its allocator rebuilt from the
 * Services' status), and then every Service holds exactly the address it held before, no address is held
 * twice, none is lost. A watch on the Services meanwhile sees every status write: none may change an
 * address.
 *
 * <p>The count comes from {@code -Dopenelb.restarts} or {@code OPENELB_RESTARTS} (CI: 10);
 * {@code hack/chaos.sh restarts [N]} runs 100 through {@link #main}.
 */
class ControllerRestartsIT {
    private static final int SERVICES = 1000;
    private static final int CI_RESTARTS = 10;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aThousandServicesKeepTheirAddressesThroughEveryControllerRestart() throws Exception {
        int restarts = Integer.parseInt(System.getProperty("openelb.restarts",
                System.getenv().getOrDefault("OPENELB_RESTARTS", String.valueOf(CI_RESTARTS))));
        Report report = run(restarts);
        assertThat(report.restarts.get()).isEqualTo(restarts);
        assertThat(report.checkedServices.get()).as("Service addresses compared after the restarts")
                .isEqualTo((long) restarts * SERVICES);
        assertThat(report.watchEvents.get()).as("status writes seen by the watch (the probes' at least)")
                .isGreaterThanOrEqualTo(restarts);
        assertThat(report.violations).as("addresses changed, lost or held twice").isEmpty();
    }

    /** {@code hack/chaos.sh restarts [N]}; exit code 0 only without violations. */
    public static void main(String[] args) throws Exception {
        Report report = run(args.length > 0 ? Integer.parseInt(args[0]) : 100);
        System.exit(report.violations.isEmpty() ? 0 : 1);
    }

    static final class Report {
        final AtomicInteger restarts = new AtomicInteger();
        final AtomicInteger sigterms = new AtomicInteger();
        final AtomicInteger sigkills = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong checkedServices = new java.util.concurrent.atomic.AtomicLong();
        final AtomicInteger watchEvents = new AtomicInteger();
        final AtomicInteger exitedOnTheirOwn = new AtomicInteger();
        final List<Long> restartMillis = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Long> takeoverTermMillis = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Long> takeoverKillMillis = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

        void violation(String what) {
            System.out.println("restarts: VIOLATION " + what);
            if (violations.size() < 200) {
                violations.add(what);
            }
        }

        String summary() {
            return String.format("restarts: %d controller restarts over %d Services (%d SIGTERM, %d SIGKILL of the "
                    + "leader); per restart (leader gone -> standby leads and serves a new Service -> replacement "
                    + "ready -> all addresses compared) mean %d ms, max %d ms; takeover after SIGTERM mean %d ms, "
                    + "after SIGKILL mean %d ms; replicas that exited on their own (Lease lost under load) and were replaced %d; "
                    + "addresses compared %d; status writes watched %d; violations %d",
                    restarts.get(), SERVICES, sigterms.get(), sigkills.get(), mean(restartMillis), max(restartMillis),
                    mean(takeoverTermMillis), mean(takeoverKillMillis), exitedOnTheirOwn.get(), checkedServices.get(),
                    watchEvents.get(),
                    violations.size());
        }

        private static long mean(List<Long> values) {
            synchronized (values) {
                return (long) values.stream().mapToLong(Long::longValue).average().orElse(0);
            }
        }

        private static long max(List<Long> values) {
            synchronized (values) {
                return values.stream().mapToLong(Long::longValue).max().orElse(0);
            }
        }
    }

    static Report run(int restarts) throws Exception {
        Report report = new Report();
        LocalCluster cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        Path dir = Files.createTempDirectory("controller-restarts-it");
        Path kubeconfig = cluster.kubeconfigFor("openelb-system", "openelb-controller", dir);
        IpamFixture f = new IpamFixture(cluster.admin(), "restarts");
        List<OpenElbProcess> all = new ArrayList<>();
        AtomicInteger starts = new AtomicInteger();
        java.util.function.Supplier<OpenElbProcess> start = () -> {
            OpenElbProcess c = OpenElbProcess.start(kubeconfig, dir, "controller-" + starts.incrementAndGet(),
                    "--role=controller", "--lease-duration=6s", "--renew-deadline=4s", "--retry-period=1s",
                    "--log-level=warn");
            all.add(c);
            return c;
        };
        Watch watch = null;
        try {
            f.eip("it-restarts", "198.18.0.0/21"); // RFC 2544's benchmarking range: 2,048 addresses
            OpenElbProcess[] replicas = {start.get(), start.get()};
            awaitLeader(replicas, start, report);

            long t0 = System.nanoTime();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                names.add("s" + i);
            }
            ExecutorService creators = Executors.newFixedThreadPool(8);
            List<Future<Service>> created = new ArrayList<>();
            for (String name : names) {
                created.add(creators.submit(() -> f.service(name)));
            }
            for (Future<Service> c : created) {
                c.get();
            }
            creators.shutdown();
            Map<String, List<String>> held = await(() -> addresses(f), m -> m.size() >= SERVICES
                    && m.values().stream().noneMatch(List::isEmpty), SERVICES + " Services served");
            System.out.printf("restarts: %d Services created and served in %d ms%n", SERVICES,
                    (System.nanoTime() - t0) / 1_000_000);
            Map<String, List<String>> expected = new ConcurrentHashMap<>(held);
            checkUnique(expected, report, "after the burst");

            watch = f.admin.services().inNamespace(f.namespace).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Service s) {
                    if (action != Action.MODIFIED && action != Action.DELETED) {
                        return; // the watch starts with an ADDED per existing Service
                    }
                    report.watchEvents.incrementAndGet();
                    String name = s.getMetadata().getName();
                    List<String> now = IpamFixture.ingress(s);
                    List<String> was = expected.get(name);
                    if (was != null && !now.equals(was)) {
                        report.violation(action + " of " + name + ": address " + was + " became " + now);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    report.violation("the watch on the Services closed: " + cause);
                }
            });

            for (int r = 1; r <= restarts; r++) {
                long began = System.nanoTime();
                int leader = awaitLeader(replicas, start, report);
                boolean term = r % 2 == 1;
                if (term) {
                    int exit = replicas[leader].stop();
                    if (exit != 0) {
                        report.violation("restart " + r + ": SIGTERM exit code " + exit);
                    }
                    report.sigterms.incrementAndGet();
                } else {
                    replicas[leader].kill();
                    report.sigkills.incrementAndGet();
                }
                long gone = System.nanoTime();
                replicas[leader] = start.get();
                int standby = 1 - leader;
                // The standby leads (a loaded machine may instead make the replacement win: either will do).
                int next = awaitLeader(replicas, start, report);
                (term ? report.takeoverTermMillis : report.takeoverKillMillis).add((System.nanoTime() - gone) / 1_000_000);
                String probe = "probe" + r;
                f.service(probe);
                List<String> probeAddress = await(() -> f.get(probe).map(IpamFixture::ingress).orElse(List.of()),
                        l -> !l.isEmpty(), probe + " served after restart " + r);
                if (expected.values().contains(probeAddress)) {
                    report.violation("restart " + r + ": new Service " + probe + " got " + probeAddress
                            + ", an address held already");
                }
                expected.put(probe, probeAddress);
                awaitReady(replicas, start, report);
                Map<String, List<String>> now = addresses(f);
                for (int i = 0; i < SERVICES; i++) {
                    String name = "s" + i;
                    report.checkedServices.incrementAndGet();
                    if (!held.get(name).equals(now.get(name))) {
                        report.violation("restart " + r + ": " + name + " held " + held.get(name) + ", now "
                                + now.get(name));
                    }
                }
                checkUnique(now, report, "after restart " + r);
                long ms = (System.nanoTime() - began) / 1_000_000;
                report.restartMillis.add(ms);
                report.restarts.incrementAndGet();
                System.out.printf("restarts: %d/%d (%s of the leader, standby %s) in %d ms%n", r, restarts,
                        term ? "SIGTERM" : "SIGKILL", next == standby ? "took over" : "lost to the replacement", ms);
            }
        } finally {
            System.out.println(report.summary());
            if (watch != null) {
                watch.close();
            }
            try {
                f.admin.services().inNamespace(f.namespace).delete();
                await(() -> f.admin.services().inNamespace(f.namespace).list().getItems().size(), n -> n == 0,
                        "the Services released and gone");
            } catch (RuntimeException | AssertionError e) {
                System.out.println("restarts: cleanup through the controller incomplete: " + e);
            }
            for (OpenElbProcess c : all) {
                c.close();
            }
            IpamFixture.removeLeftovers(cluster.admin());
        }
        return report;
    }

    /**
     * The Deployment's part: a replica that exited on its own (on a loaded machine a Lease renewal can miss
     * its deadline, and the replica stops) is replaced.
     */
    private static void supervise(OpenElbProcess[] replicas, java.util.function.Supplier<OpenElbProcess> start,
            Report report) {
        for (int i = 0; i < replicas.length; i++) {
            if (!replicas[i].alive()) {
                report.exitedOnTheirOwn.incrementAndGet();
                replicas[i] = start.get();
            }
        }
    }

    private static void awaitReady(OpenElbProcess[] replicas, java.util.function.Supplier<OpenElbProcess> start,
            Report report) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            supervise(replicas, start, report);
            if (java.util.Arrays.stream(replicas).allMatch(p -> {
                try {
                    return p.get("/readyz").startsWith("200 ");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            })) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("replicas not ready within " + WAIT);
    }

    private static int awaitLeader(OpenElbProcess[] replicas, java.util.function.Supplier<OpenElbProcess> start,
            Report report) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            supervise(replicas, start, report);
            for (int i = 0; i < replicas.length; i++) {
                if (replicas[i].isLeader()) {
                    return i;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no controller leads within " + WAIT + ":\n" + replicas[0].log() + replicas[1].log());
    }

    private static Map<String, List<String>> addresses(IpamFixture f) {
        Map<String, List<String>> all = new HashMap<>();
        for (Service s : f.admin.services().inNamespace(f.namespace).list().getItems()) {
            all.put(s.getMetadata().getName(), IpamFixture.ingress(s));
        }
        return all;
    }

    private static void checkUnique(Map<String, List<String>> addresses, Report report, String when) {
        Set<String> seen = new HashSet<>();
        addresses.forEach((name, ips) -> ips.forEach(ip -> {
            if (!seen.add(ip)) {
                report.violation(when + ": " + ip + " held twice (one holder " + name + ")");
            }
        }));
    }

    private static <T> T await(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 5 minutes for " + what);
            }
            Thread.sleep(200);
            value = read.get();
        }
        return value;
    }
}
