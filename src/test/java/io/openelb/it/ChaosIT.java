package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Chaos in the lab with the real API server: LoadBalancer Services are created and deleted continuously
 * while, at random, the leader controller is SIGKILLed (and restarted), a speaker is SIGKILLed (and
 * restarted), BIRD is SIGKILLed (and started again), and the API server is stopped or killed (and started
 * again). BIRD and two nodes with a speaker each; two controller replicas with Lease leader election
 * (6 s lease), restarted when they exit (a leader that cannot renew its Lease while the API server is down
 * stops, as its Deployment would restart it).
 *
 * <p>An invariant checker samples all the time (every 200 ms, Services from the API server when it is up,
 * BIRD's table when BIRD is up):
 * <ul>
 *   <li>safety, on every sample: no address is held by two Services; no Service's address changes or
 *       disappears while it exists (a Service being deleted may lose it);
 *   <li>eventual, at checkpoints (faults and churn paused): within {@link #SETTLE} after the last fault,
 *       every Service has an address, BIRD has a path to it from both nodes, BIRD has no route of the
 *       pool that no Service holds (no stale route), and every deleted Service is gone. A checkpoint runs
 *       every {@link #checkpointEvery} and at the end, after which every Service is deleted and every
 *       route must be withdrawn within {@link #SETTLE}.
 * </ul>
 * The duration comes from {@code -Dopenelb.chaos.duration} or {@code OPENELB_CHAOS_DURATION} (e.g. 150s,
 * 30m; CI: 150 s); {@code hack/chaos.sh [DURATION]} runs the long variant through {@link #main}.
 */
class ChaosIT {
    /**
     * Eventual properties must hold this long after the last fault (and after churn paused): 90 s, or
     * {@code OPENELB_CHAOS_SETTLE}. 30 s was too short on a 2-core machine shared with other test runs
     * (load average 10-20), where a speaker restarted just before a checkpoint took 20 s to start its JVM
     * and list its objects; settle times measured there: 2-50 s.
     */
    static final Duration SETTLE = duration(System.getenv().getOrDefault("OPENELB_CHAOS_SETTLE", "90s"));
    private static final Duration CI_DURATION = Duration.ofSeconds(150);
    private static final String POOL = "192.0.2.0/24";
    private static final String POOL_PREFIX = "192.0.2.";
    private static final int NODES = 2;

    @Test
    void servicesKeepTheirAddressesAndRoutesConvergeThroughKillsOfEveryPart() throws Exception {
        Duration duration = duration(System.getProperty("openelb.chaos.duration",
                System.getenv().getOrDefault("OPENELB_CHAOS_DURATION", CI_DURATION.toSeconds() + "s")));
        Report report = run(duration);
        assertThat(report.kills.values().stream().mapToInt(AtomicInteger::get).sum()).as("faults injected")
                .isGreaterThanOrEqualTo((int) (duration.toSeconds() / 20));
        assertThat(report.kills.keySet()).as("kinds of fault").contains("controller-leader-sigkill",
                "speaker-sigkill", "router-sigkill");
        // churn stops while the API server is down and at checkpoints; a loaded machine slows it further
        assertThat(report.created.get()).as("Services created").isGreaterThan((int) (duration.toSeconds() / 10));
        assertThat(report.deleted.get()).as("Services deleted").isGreaterThan((int) (duration.toSeconds() / 20));
        // 5 a second when the machine is idle; a shared 2-core machine under load manages far fewer
        assertThat(report.serviceSamples.get()).as("Service samples").isGreaterThan((int) duration.toSeconds() / 2);
        assertThat(report.routeSamples.get()).as("BIRD samples").isGreaterThan((int) duration.toSeconds() / 2);
        assertThat(report.checkpoints.get()).as("checkpoints passed or failed").isGreaterThanOrEqualTo(2);
        assertThat(report.violations).as("invariant violations").isEmpty();
    }

    /** {@code hack/chaos.sh [DURATION]}: the long variant; exit code 0 only without violations. */
    public static void main(String[] args) throws Exception {
        Report report = run(duration(args.length > 0 ? args[0] : "30m"));
        System.exit(report.violations.isEmpty() ? 0 : 1);
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
        long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        return switch (t.replaceAll("^[0-9]+", "")) {
            case "", "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration like 150s, 30m or 2h: " + text);
        };
    }

    /** What a run did and found. */
    static final class Report {
        final Map<String, AtomicInteger> kills = new ConcurrentHashMap<>();
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger deleted = new AtomicInteger();
        final AtomicInteger apiErrors = new AtomicInteger();
        final AtomicInteger serviceSamples = new AtomicInteger();
        final AtomicInteger apiDownSamples = new AtomicInteger();
        final AtomicInteger routeSamples = new AtomicInteger();
        final AtomicInteger birdDownSamples = new AtomicInteger();
        final AtomicInteger checkpoints = new AtomicInteger();
        final List<Long> settleMillis = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

        void fault(String kind) {
            kills.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }

        void violation(String what) {
            String line = java.time.Instant.now() + " " + what;
            System.out.println("chaos: VIOLATION " + line);
            if (violations.size() < 200) {
                violations.add(line);
            }
        }

        String summary(Duration ran) {
            return String.format("chaos: ran %d s; faults %s; Services created %d, deleted %d (API errors while "
                    + "churning %d); Service samples %d (+%d with the API server down); BIRD samples %d (+%d with "
                    + "BIRD down); checkpoints %d, settle times %s ms (deadline %d s); violations %d",
                    ran.toSeconds(), new TreeMap<>(kills), created.get(), deleted.get(), apiErrors.get(),
                    serviceSamples.get(), apiDownSamples.get(), routeSamples.get(), birdDownSamples.get(),
                    checkpoints.get(), settleMillis, SETTLE.toSeconds(), violations.size());
        }
    }

    static Report run(Duration duration) throws Exception {
        Report report = new Report();
        long started = System.nanoTime();
        try (Chaos chaos = new Chaos(report)) {
            chaos.run(duration);
        } finally {
            System.out.println(report.summary(Duration.ofNanos(System.nanoTime() - started)));
            report.violations.forEach(v -> System.out.println("chaos: violation " + v));
        }
        return report;
    }

    /** The lab, the processes, and the three loops: churn, faults (this thread), checker. */
    private static final class Chaos implements AutoCloseable {
        private final Report report;
        private final Random random = new Random();
        private final LocalCluster cluster;
        private final Lab lab;
        private final Path dir;
        private final Path speakerKubeconfig;
        private final Path controllerKubeconfig;
        private final OpenElbProcess[] speakers = new OpenElbProcess[NODES + 1];
        private final OpenElbProcess[] controllers = new OpenElbProcess[2];
        private int starts;
        private final IpamFixture f;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean churnPaused = new AtomicBoolean();
        private final ReentrantLock churnStep = new ReentrantLock();
        private final Set<String> live = ConcurrentHashMap.newKeySet();
        private final AtomicInteger seq = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private final Invariants invariants;

        Chaos(Report report) throws Exception {
            this.report = report;
            cluster = LocalCluster.get();
            IpamFixture.removeLeftovers(cluster.admin());
            lab = Lab.up(cluster, "bird", NODES);
            cluster.kubectlWithInput(LabRun.V4_ROUTER, "apply", "-f", "-");
            dir = Files.createTempDirectory("chaos-it");
            // made once: a token request needs the API server, which is down at times
            speakerKubeconfig = cluster.kubeconfigFor("openelb-system", "openelb-speaker", dir);
            controllerKubeconfig = cluster.kubeconfigFor("openelb-system", "openelb-controller", dir);
            f = new IpamFixture(cluster.admin(), "chaos");
            f.eip("it-chaos", POOL);
            invariants = new Invariants(report, f);
            try {
                for (int i = 1; i <= NODES; i++) {
                    speakers[i] = startSpeaker(i);
                }
                for (int c = 0; c < controllers.length; c++) {
                    controllers[c] = startController();
                }
                for (int i = 1; i <= NODES; i++) {
                    speakers[i].awaitReady(Duration.ofSeconds(90));
                }
                // a replica that loses the Lease exits (on a loaded machine that can happen at start)
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (leader() < 0) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no controller leads after 90 s:\n" + controllers[0].log());
                    }
                    supervise();
                    sleep(500);
                }
                report.kills.clear();
            } catch (Exception | AssertionError e) {
                close();
                throw e;
            }
        }

        private OpenElbProcess startSpeaker(int i) {
            return OpenElbProcess.startIn(Lab.nodeNamespace(i), speakerKubeconfig, dir,
                    "speaker-" + Lab.nodeName(i) + "-" + ++starts, "--role=speaker", "--node-name=" + Lab.nodeName(i),
                    "--log-level=warn");
        }

        private OpenElbProcess startController() {
            return OpenElbProcess.start(controllerKubeconfig, dir, "controller-" + ++starts, "--role=controller",
                    "--lease-duration=6s", "--renew-deadline=4s", "--retry-period=1s", "--log-level=warn");
        }

        void run(Duration duration) throws Exception {
            thread("chaos-churn", this::churn);
            thread("chaos-service-checker", invariants::sampleServicesForever);
            thread("chaos-route-checker", invariants::sampleRoutesForever);
            long end = System.nanoTime() + duration.toNanos();
            Duration checkpointEvery = checkpointEvery(duration);
            long nextCheckpoint = System.nanoTime() + checkpointEvery.toNanos();
            while (System.nanoTime() < end) {
                sleep(2000 + random.nextInt(5000));
                fault();
                supervise();
                if (System.nanoTime() > nextCheckpoint && System.nanoTime() < end - checkpointEvery.toNanos() / 2) {
                    checkpoint();
                    nextCheckpoint = System.nanoTime() + checkpointEvery.toNanos();
                }
            }
            checkpoint();
            finalWithdrawals();
        }

        private static Duration checkpointEvery(Duration duration) {
            return duration.compareTo(Duration.ofMinutes(10)) <= 0 ? duration.dividedBy(2) : Duration.ofMinutes(5);
        }

        private void thread(String name, Runnable body) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (RuntimeException e) {
                    report.violation(name + " crashed: " + e);
                }
            }, name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        /** Creates and deletes Services, keeping between 4 and 16, one step every 0.2-0.7 s. */
        private void churn() {
            while (running.get()) {
                sleep(200 + random.nextInt(500));
                if (churnPaused.get()) {
                    continue;
                }
                churnStep.lock();
                try {
                    boolean create = live.size() < 4 || (live.size() < 16 && random.nextBoolean());
                    if (create) {
                        String name = "c" + seq.incrementAndGet();
                        f.service(name);
                        live.add(name);
                        report.created.incrementAndGet();
                    } else {
                        List<String> names = new ArrayList<>(live);
                        String name = names.get(random.nextInt(names.size()));
                        f.delete(name);
                        live.remove(name);
                        report.deleted.incrementAndGet();
                    }
                } catch (RuntimeException apiDown) {
                    report.apiErrors.incrementAndGet();
                } finally {
                    churnStep.unlock();
                }
            }
        }

        /** The kinds of fault, in a shuffled order refilled when used up: every kind comes, at random times. */
        private final java.util.Deque<Integer> kinds = new java.util.ArrayDeque<>();

        private void fault() throws Exception {
            if (kinds.isEmpty()) {
                List<Integer> all = new ArrayList<>(List.of(0, 1, 2, 3));
                java.util.Collections.shuffle(all, random);
                kinds.addAll(all);
            }
            int kind = kinds.poll();
            if (kind == 0) {
                int leader = leader();
                boolean known = leader >= 0;
                leader = known ? leader : random.nextInt(controllers.length);
                controllers[leader].kill();
                report.fault(known ? "controller-leader-sigkill" : "controller-sigkill-no-leader-known");
                sleep(random.nextInt(2000));
                controllers[leader] = startController();
            } else if (kind == 1) {
                int i = 1 + random.nextInt(NODES);
                speakers[i].kill();
                report.fault("speaker-sigkill");
                sleep(random.nextInt(3000));
                speakers[i] = startSpeaker(i);
            } else if (kind == 2) {
                lab.router("kill");
                report.fault("router-sigkill");
                sleep(1000 + random.nextInt(4000));
                lab.router("start");
            } else {
                boolean kill = random.nextBoolean();
                LocalCluster.apiServer(kill ? "kill" : "stop");
                report.fault(kill ? "apiserver-sigkill" : "apiserver-sigterm");
                sleep(3000 + random.nextInt(12000));
                LocalCluster.apiServer("start");
            }
        }

        /** The controller holding the Lease (its own metric says), or -1 (between leaders). */
        private int leader() {
            for (int c = 0; c < controllers.length; c++) {
                if (controllers[c].isLeader()) {
                    return c;
                }
            }
            return -1;
        }

        /** What the kubelet would do: restart processes that exited (a leader that lost its Lease exits). */
        private void supervise() {
            for (int c = 0; c < controllers.length; c++) {
                if (!controllers[c].alive()) {
                    report.fault("controller-exited-restarted");
                    controllers[c] = startController();
                }
            }
            for (int i = 1; i <= NODES; i++) {
                if (!speakers[i].alive()) {
                    report.fault("speaker-exited-restarted");
                    speakers[i] = startSpeaker(i);
                }
            }
        }

        /** Faults and churn paused: the eventual properties must hold within SETTLE. */
        private void checkpoint() {
            churnPaused.set(true);
            churnStep.lock(); // waits for a step in progress
            churnStep.unlock();
            long from = System.nanoTime();
            long deadline = from + SETTLE.toNanos();
            String problem = "";
            while (System.nanoTime() < deadline) {
                supervise();
                problem = invariants.unsettled();
                if (problem.isEmpty()) {
                    break;
                }
                sleep(250);
            }
            report.checkpoints.incrementAndGet();
            if (problem.isEmpty()) {
                long ms = (System.nanoTime() - from) / 1_000_000;
                report.settleMillis.add(ms);
                System.out.printf("chaos: checkpoint %d settled in %d ms (%d Services)%n", report.checkpoints.get(),
                        ms, live.size());
            } else {
                report.violation("not settled " + SETTLE.toSeconds() + " s after the last fault: " + problem);
            }
            churnPaused.set(false);
        }

        /** Every Service deleted: every route must be withdrawn within SETTLE. */
        private void finalWithdrawals() {
            running.set(false);
            churnStep.lock();
            churnStep.unlock();
            try {
                f.admin.services().inNamespace(f.namespace).delete();
            } catch (RuntimeException e) {
                report.violation("cannot delete the Services at the end: " + e);
            }
            live.clear();
            checkpoint();
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            invariants.stop();
            for (Thread t : threads) {
                t.join(10_000);
            }
            try {
                LocalCluster.apiServer("start"); // if the run stopped in an outage
                f.deleteServices();
            } finally {
                for (OpenElbProcess p : speakers) {
                    if (p != null) {
                        p.close();
                    }
                }
                for (OpenElbProcess p : controllers) {
                    if (p != null) {
                        p.close();
                    }
                }
                cluster.kubectlWithInput(LabRun.V4_ROUTER, "delete", "--ignore-not-found", "-f", "-");
                IpamFixture.removeLeftovers(cluster.admin());
                Lab.down();
            }
        }
    }

    /**
     * The checker: samples Services and BIRD's table every 200 ms and checks the safety properties on
     * every sample; {@link #unsettled} checks the eventual ones.
     */
    private static final class Invariants {
        private final Report report;
        private final IpamFixture f;
        private final AtomicBoolean running = new AtomicBoolean(true);
        /** uid -> the addresses the Service first held; never changes while it exists. */
        private final Map<String, List<String>> first = new HashMap<>();
        private final Map<String, String> names = new HashMap<>();

        Invariants(Report report, IpamFixture f) {
            this.report = report;
            this.f = f;
        }

        void stop() {
            running.set(false);
        }

        void sampleServicesForever() {
            while (running.get()) {
                sampleServices();
                sleep(200);
            }
        }

        void sampleRoutesForever() {
            while (running.get()) {
                sampleRoutes();
                sleep(200);
            }
        }

        private List<Service> services() {
            return f.admin.services().inNamespace(f.namespace).list().getItems();
        }

        private synchronized void sampleServices() {
            List<Service> services;
            try {
                services = services();
            } catch (RuntimeException apiDown) {
                report.apiDownSamples.incrementAndGet();
                return;
            }
            report.serviceSamples.incrementAndGet();
            Map<String, String> holder = new HashMap<>();
            Set<String> present = new HashSet<>();
            for (Service s : services) {
                String uid = s.getMetadata().getUid();
                String name = s.getMetadata().getName();
                present.add(uid);
                names.put(uid, name);
                boolean terminating = s.getMetadata().getDeletionTimestamp() != null;
                List<String> ips = IpamFixture.ingress(s);
                for (String ip : ips) {
                    String other = holder.put(ip, name);
                    if (other != null) {
                        report.violation(ip + " held by two Services: " + other + " and " + name);
                    }
                }
                List<String> was = first.get(uid);
                if (was == null) {
                    if (!ips.isEmpty()) {
                        first.put(uid, ips);
                    }
                } else if (ips.isEmpty() && !terminating) {
                    report.violation(name + " lost its address " + was + " while it exists");
                } else if (!ips.isEmpty() && !ips.equals(was)) {
                    report.violation(name + " changed its address from " + was + " to " + ips);
                    first.put(uid, ips); // once per change
                }
            }
            first.keySet().retainAll(present);
            names.keySet().retainAll(present);
        }

        private void sampleRoutes() {
            if (BirdTable.routes().isPresent()) {
                report.routeSamples.incrementAndGet();
            } else {
                report.birdDownSamples.incrementAndGet();
            }
        }

        /** "" when every eventual property holds now, else what does not. */
        String unsettled() {
            List<Service> services;
            try {
                services = services();
            } catch (RuntimeException apiDown) {
                return "API server not answering: " + apiDown.getMessage();
            }
            var routes = BirdTable.routes();
            if (routes.isEmpty()) {
                return "BIRD not answering";
            }
            String sessions = BirdTable.sessions().map(Object::toString).orElse("?");
            List<String> problems = new ArrayList<>();
            Set<String> held = new HashSet<>();
            for (Service s : services) {
                String name = s.getMetadata().getName();
                if (s.getMetadata().getDeletionTimestamp() != null) {
                    problems.add(name + " deleted but not released");
                    continue;
                }
                List<String> ips = IpamFixture.ingress(s);
                if (ips.isEmpty()) {
                    problems.add(name + " has no address");
                }
                for (String ip : ips) {
                    held.add(ip + "/32");
                    Set<String> via = new java.util.TreeSet<>();
                    routes.get().getOrDefault(ip + "/32", List.of()).forEach(p -> via.add(BirdTable.node(p.protocol())));
                    if (via.size() < NODES) {
                        problems.add(name + " " + ip + " routed via " + via + " only");
                    }
                }
            }
            for (String prefix : routes.get().keySet()) {
                if (prefix.startsWith(POOL_PREFIX) && !held.contains(prefix)) {
                    problems.add("stale route " + prefix + " " + routes.get().get(prefix));
                }
            }
            return problems.size() > 6 ? problems.subList(0, 6) + " and " + (problems.size() - 6) + " more; BIRD "
                    + sessions : problems.isEmpty() ? "" : problems + "; BIRD " + sessions;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
