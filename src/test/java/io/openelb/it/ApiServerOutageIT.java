package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An API server outage: announcements in effect stay in effect, and when it returns state reconciles
 * without churn. BIRD and two nodes with a speaker each, a controller, three Services routed via both
 * nodes; then the API server is stopped for longer than the clients' request timeouts, watch reconnects
 * and the controller's Lease (45 s in CI; {@code -Dopenelb.outage} or {@code OPENELB_OUTAGE}, e.g. 120s;
 * {@code hack/chaos.sh outage [SECONDS]} runs {@link #main}). The controller, which stops when it cannot
 * renew its Lease, is restarted at once, as its Deployment would.
 *
 * <p>BIRD's table is sampled every 150 ms from before the outage until after a Service created after the
 * return is routed: every sample must hold every address via both nodes. Then: BIRD's sessions to the
 * nodes are the same sessions (same "since"), every route BIRD had is the same route (same "since": no
 * withdraw and re-announce), the speakers sent no UPDATE between the outage and the new Service, and the
 * Services kept their addresses. The Layer 2 side is not covered here.
 */
class ApiServerOutageIT {
    private static final Duration CI_OUTAGE = Duration.ofSeconds(45);
    /** After the return, how long the speakers get to relist and (wrongly) act on it before counters are read. */
    private static final Duration AFTER_RETURN = Duration.ofSeconds(15);
    private static final Pattern UPDATES_SENT = Pattern.compile(
            "openelb_bgp_messages_sent_total\\{peer=\"lab-router-v4\",type=\"update\"} ([0-9.]+)");

    @Test
    void announcementsStayWhileTheApiServerIsDownAndNothingChurnsWhenItReturns() throws Exception {
        Duration outage = ChaosIT.duration(System.getProperty("openelb.outage",
                System.getenv().getOrDefault("OPENELB_OUTAGE", CI_OUTAGE.toSeconds() + "s")));
        Report r = run(outage);

        assertThat(r.samples.get()).as("BIRD samples (one per 150 ms when idle)")
                .isGreaterThan((int) (outage.toSeconds() + AFTER_RETURN.toSeconds()));
        assertThat(r.misses).as("samples where an address was missing a path").isEmpty();
        assertThat(r.sessionsBefore).as("BIRD's established sessions before the outage").isNotEmpty();
        assertThat(r.routesBefore).as("BIRD's routes to the Services before the outage").isNotEmpty();
        assertThat(BirdTable.sameSessions(r.sessionsAfter, r.sessionsBefore))
                .as("BIRD's sessions to the nodes: the same, never reset: %s, before %s", r.sessionsAfter,
                        r.sessionsBefore).isTrue();
        assertThat(BirdTable.sameRoutes(r.routesAfter, r.routesBefore))
                .as("BIRD's routes: the same paths, never withdrawn and re-announced: %s, before %s", r.routesAfter,
                        r.routesBefore).isTrue();
        assertThat(r.updatesBefore).as("UPDATEs each of the two speakers sent before the outage").hasSize(2)
                .allMatch(n -> n >= 1);
        assertThat(r.updatesAfterReturn).as("UPDATEs sent by the speakers, outage to the new Service")
                .isEqualTo(r.updatesBefore);
        assertThat(r.addressesAfter).as("the Services' addresses").isEqualTo(r.addressesBefore);
        assertThat(r.newServiceRouted).as("a Service created after the return served and routed").isTrue();
        assertThat(r.speakersAlive).as("speakers kept running through the outage").isTrue();
    }

    /** {@code hack/chaos.sh outage [SECONDS]}; exit code 0 when nothing churned. */
    public static void main(String[] args) throws Exception {
        Report r = run(Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 120));
        boolean ok = r.misses.isEmpty() && BirdTable.sameSessions(r.sessionsAfter, r.sessionsBefore)
                && BirdTable.sameRoutes(r.routesAfter, r.routesBefore) && r.updatesAfterReturn.equals(r.updatesBefore)
                && r.addressesAfter.equals(r.addressesBefore) && r.newServiceRouted && r.speakersAlive;
        System.exit(ok ? 0 : 1);
    }

    static final class Report {
        final AtomicInteger samples = new AtomicInteger();
        final List<String> misses = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, BirdTable.Session> sessionsBefore;
        Map<String, BirdTable.Session> sessionsAfter;
        Map<String, List<BirdTable.Path4>> routesBefore;
        Map<String, List<BirdTable.Path4>> routesAfter;
        List<Double> updatesBefore;
        List<Double> updatesAfterReturn;
        Map<String, List<String>> addressesBefore;
        Map<String, List<String>> addressesAfter;
        boolean newServiceRouted;
        boolean speakersAlive;
        int controllerRestarts;
        long newServiceRoutedMs;

        String summary(Duration outage) {
            return String.format("outage: API server down %d s; BIRD samples %d, with an address missing a path %d; "
                    + "sessions unchanged %s; routes unchanged %s; UPDATEs sent before %s, after the return %s; "
                    + "addresses unchanged %s; controller restarted %d time(s) (lost its Lease); a new Service "
                    + "routed %d ms after it was created", outage.toSeconds(), samples.get(), misses.size(),
                    BirdTable.sameSessions(sessionsBefore, sessionsAfter),
                    BirdTable.sameRoutes(routesBefore, routesAfter), updatesBefore, updatesAfterReturn,
                    addressesBefore != null && addressesBefore.equals(addressesAfter), controllerRestarts,
                    newServiceRoutedMs);
        }
    }

    static Report run(Duration outage) throws Exception {
        Report r = new Report();
        LabRun run = LabRun.start("outage", "bird", 2, 2, LabRun.V4_ROUTER);
        Path controllerKubeconfig = run.cluster.kubeconfigFor("openelb-system", "openelb-controller", run.dir);
        List<OpenElbProcess> controllers = java.util.Collections.synchronizedList(new ArrayList<>(List.of(run.controller)));
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = null;
        Thread supervisor = null;
        try {
            IpamFixture f = run.f;
            f.eip("it-outage", "192.0.2.32/28");
            List<String> names = List.of("a", "b", "c");
            for (String n : names) {
                f.service(n);
            }
            r.addressesBefore = addresses(f, names);
            List<String> prefixes = r.addressesBefore.values().stream().flatMap(List::stream).map(ip -> ip + "/32")
                    .toList();
            IpamFixture.await(() -> viaBoth(BirdTable.routes().orElse(Map.of()), prefixes), List::isEmpty,
                    "every address routed via both nodes before the outage");
            r.sessionsBefore = established(BirdTable.sessions().orElseThrow());
            r.routesBefore = only(BirdTable.routes().orElseThrow(), prefixes);
            r.updatesBefore = updates(run.speakers);

            sampler = new Thread(() -> {
                while (sampling.get()) {
                    var routes = BirdTable.routes();
                    List<String> missing = routes.isEmpty() ? List.of("BIRD not answering")
                            : viaBoth(routes.get(), prefixes);
                    if (!missing.isEmpty()) {
                        r.misses.add(Instant.now() + " " + missing);
                    }
                    r.samples.incrementAndGet();
                    sleepQuietly(150);
                }
            }, "outage-route-sampler");
            sampler.start();
            // the controller's Deployment: a replica that exits (it cannot renew its Lease) is replaced at once
            supervisor = new Thread(() -> {
                while (sampling.get()) {
                    OpenElbProcess current = controllers.get(controllers.size() - 1);
                    if (!current.alive()) {
                        r.controllerRestarts++;
                        controllers.add(OpenElbProcess.start(controllerKubeconfig, run.dir,
                                "controller-" + (r.controllerRestarts + 1), "--role=controller"));
                    }
                    sleepQuietly(500);
                }
            }, "outage-controller-supervisor");
            supervisor.start();

            Thread.sleep(2000); // samples before
            LocalCluster.apiServer("stop");
            System.out.printf("outage: API server stopped at %s for %d s%n", Instant.now(), outage.toSeconds());
            Thread.sleep(outage.toMillis());
            LocalCluster.apiServer("start");
            System.out.printf("outage: API server back at %s%n", Instant.now());
            Thread.sleep(AFTER_RETURN.toMillis());
            r.updatesAfterReturn = updates(run.speakers);
            r.speakersAlive = run.speakers.stream().allMatch(OpenElbProcess::alive);

            long created = System.nanoTime();
            f.service("after");
            String after = await(() -> f.get("after").map(IpamFixture::ingress).orElse(List.of()), l -> !l.isEmpty(),
                    "the new Service served").get(0) + "/32";
            await(() -> viaBoth(BirdTable.routes().orElse(Map.of()), List.of(after)), List::isEmpty,
                    after + " routed via both nodes");
            r.newServiceRouted = true;
            r.newServiceRoutedMs = (System.nanoTime() - created) / 1_000_000;
            Thread.sleep(1000);
            sampling.set(false);
            sampler.join(30_000);
            r.sessionsAfter = BirdTable.sessions().orElseThrow();
            r.sessionsAfter.keySet().retainAll(r.sessionsBefore.keySet());
            r.routesAfter = only(BirdTable.routes().orElseThrow(), prefixes);
            r.addressesAfter = addresses(f, names);
        } finally {
            sampling.set(false);
            if (sampler != null) {
                sampler.join(30_000);
            }
            if (supervisor != null) {
                supervisor.join(30_000);
            }
            System.out.println(r.summary(outage));
            r.misses.stream().limit(20).forEach(m -> System.out.println("outage: missing " + m));
            LocalCluster.apiServer("start"); // if the run stopped during the outage
            run.close();
            for (OpenElbProcess c : controllers) {
                c.close();
            }
        }
        return r;
    }

    /**
     * BIRD's Established sessions (to the nodes over IPv4): the IPv6 ones are not configured on the
     * speakers here, and BIRD moves their "since" with every attempt.
     */
    private static Map<String, BirdTable.Session> established(Map<String, BirdTable.Session> sessions) {
        Map<String, BirdTable.Session> up = new TreeMap<>(sessions);
        up.values().removeIf(s -> !s.bgpState().equals("Established"));
        assertThat(up).as("BIRD's Established sessions before the outage").containsOnlyKeys("node1_v4", "node2_v4");
        return up;
    }

    /** The prefixes (of these) BIRD does not have via both nodes, with what it has. */
    private static List<String> viaBoth(Map<String, List<BirdTable.Path4>> routes, List<String> prefixes) {
        List<String> missing = new ArrayList<>();
        for (String prefix : prefixes) {
            var nodes = routes.getOrDefault(prefix, List.of()).stream().map(p -> BirdTable.node(p.protocol()))
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
            if (!nodes.equals(new java.util.TreeSet<>(List.of("node1", "node2")))) {
                missing.add(prefix + " via " + nodes);
            }
        }
        return missing;
    }

    private static Map<String, List<BirdTable.Path4>> only(Map<String, List<BirdTable.Path4>> routes,
            List<String> prefixes) {
        Map<String, List<BirdTable.Path4>> some = new TreeMap<>();
        prefixes.forEach(p -> some.put(p, routes.get(p) == null ? null
                : routes.get(p).stream().sorted(java.util.Comparator.comparing(BirdTable.Path4::protocol)).toList()));
        return some;
    }

    private static Map<String, List<String>> addresses(IpamFixture f, List<String> names) throws InterruptedException {
        Map<String, List<String>> all = new TreeMap<>();
        for (String n : names) {
            all.put(n, await(() -> f.get(n).map(IpamFixture::ingress).orElse(List.of()), l -> !l.isEmpty(),
                    "an address for " + n));
        }
        return all;
    }

    /** UPDATEs each speaker has sent to the router. */
    private static List<Double> updates(List<OpenElbProcess> speakers) throws InterruptedException {
        List<Double> counts = new ArrayList<>();
        for (OpenElbProcess s : speakers) {
            Matcher m = UPDATES_SENT.matcher(s.metrics());
            counts.add(m.find() ? Double.parseDouble(m.group(1)) : -1);
        }
        return counts;
    }

    private static <T> T await(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 120 s for " + what + "; last seen: " + value);
            }
            Thread.sleep(200);
            value = read.get();
        }
        return value;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
