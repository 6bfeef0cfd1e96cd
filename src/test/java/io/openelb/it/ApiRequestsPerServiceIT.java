package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 17: the API requests the program makes per Service, counted in the API server's audit log
 * ({@code hack/cluster.sh}: Metadata level, one line per request, naming the ServiceAccount and the user
 * agent). The controller and two speakers with a BGP session to BIRD run as in {@link BgpLab}; after a
 * warm-up, {@value #SERVICES} LoadBalancer Services are created (each waited for until it has its address,
 * its claim and its route through both nodes), updated in a way that needs no new address (a label), then
 * in one that does (another Eip), and deleted (until gone and withdrawn). Each phase ends when the program
 * has made no request about them for {@link #QUIET}; its requests are those the API server received
 * between its start and end.
 *
 * <p>The bar: requests per Service created at most 2 controller writes and 1 Event, and Events per
 * Service that do not grow with the nodes: at most the controller's Event and one announcement Event, with
 * two speakers announcing. Held for the address change and the delete too; a label change costs nothing.
 * Reads of single Services: none, the watch has them. The table of every request (phase, role, request:
 * count and per Service) is printed for docs/benchmarks.md, and each failure message carries it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRequestsPerServiceIT {
    static final int SERVICES = 20;
    private static final int WARM_UP_SERVICES = 3;
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final Duration MAX_PHASE = Duration.ofSeconds(60);
    private static final String POOL_A = "it-writes-a";
    private static final String POOL_B = "it-writes-b";
    /** Pool B's addresses: 203.0.113.96/27. */
    private static final Predicate<String> IN_POOL_B = ip -> ip.startsWith("203.0.113.")
            && Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1)) >= 96;
    private static final String NODE1 = Lab.nodeAddress(1);
    private static final String NODE2 = Lab.nodeAddress(2);
    /** The program's requests that belong to the Services' phase; Leases, peer status come with time. */
    private static final Set<String> ABOUT_SERVICES = Set.of("services", "events", "eips", "endpointslices");

    private LabRun run;
    private IpamFixture f;
    private AuditLog audit;
    private final RequestCounts counts = new RequestCounts(SERVICES);

    @BeforeAll
    void measure() throws Exception {
        LocalCluster cluster = LocalCluster.get();
        java.nio.file.Path auditFile = cluster.auditLog().orElseThrow(() -> new AssertionError(
                "the local control plane runs without an audit log: unset OPENELB_APISERVER_AUDIT"));
        run = LabRun.start("writes", "bird", 2, 2, LabRun.V4_ROUTER);
        f = run.f;
        f.eip(POOL_A, "203.0.113.64/27");
        f.eip(POOL_B, "203.0.113.96/27");
        audit = new AuditLog(auditFile);
        warmUp();

        List<String> names = IntStream.range(0, SERVICES).mapToObj(i -> "svc-" + i).toList();
        Map<String, String> addresses = new LinkedHashMap<>();
        phase("create", () -> {
            for (String name : names) {
                f.service(name, Map.of("eip.openelb.kubesphere.io/v1alpha2", POOL_A), 80);
            }
            for (String name : names) {
                addresses.put(name, f.awaitIngress(name).get(0));
                f.awaitClaim(name, POOL_A);
            }
            awaitRoutedThroughBothNodes(addresses.values());
        });
        phase("update: label", () -> names.forEach(name -> patch(name, Map.of("labels", Map.of("team", "blue")))));
        List<String> before = new ArrayList<>(addresses.values());
        phase("update: other Eip", () -> {
            names.forEach(name -> patch(name, Map.of("annotations",
                    Map.of("eip.openelb.kubesphere.io/v1alpha2", POOL_B))));
            for (String name : names) {
                addresses.put(name, IpamFixture.await(() -> f.get(name).map(IpamFixture::ingress).orElse(List.of()),
                        l -> l.size() == 1 && IN_POOL_B.test(l.get(0)), "an address of " + POOL_B + " for " + name)
                        .get(0));
                f.awaitClaim(name, POOL_B);
            }
            awaitRoutedThroughBothNodes(addresses.values());
            awaitWithdrawn(before);
        });
        phase("delete", () -> {
            names.forEach(f::delete);
            IpamFixture.await(() -> f.admin.services().inNamespace(f.namespace).list().getItems(), List::isEmpty,
                    "the Services released and gone");
            awaitWithdrawn(addresses.values());
        });
        System.out.println("\nAPI requests of the program per Service (" + SERVICES
                + " Services, controller and 2 speakers, audit log of the local API server):\n\n" + report());
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void creatingAServiceCostsTheControllerAtMostTwoWritesAndOneEvent() {
        assertThat(counts.serviceWritesPerService("create", "controller")).as(report()).isLessThanOrEqualTo(2);
        assertThat(counts.eventsPerService("create", "controller")).as(report()).isLessThanOrEqualTo(1);
    }

    @Test
    void eventsPerServiceDoNotGrowWithTheNodes() {
        for (String phase : List.of("create", "update: other Eip", "delete")) {
            assertThat(counts.eventsPerService(phase, null)).as(phase + "\n" + report())
                    .isLessThanOrEqualTo(1 + 1);
        }
    }

    @Test
    void aLabelChangeCostsNoRequest() {
        assertThat(counts.serviceWritesPerService("update: label", "controller")).as(report()).isZero();
        assertThat(counts.eventsPerService("update: label", null)).as(report()).isZero();
    }

    @Test
    void movingOrDeletingAServiceCostsTheControllerAtMostTwoWritesAndOneEvent() {
        for (String phase : List.of("update: other Eip", "delete")) {
            assertThat(counts.serviceWritesPerService(phase, "controller")).as(phase + "\n" + report())
                    .isLessThanOrEqualTo(2);
            assertThat(counts.eventsPerService(phase, "controller")).as(phase + "\n" + report())
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void servicesAreReadFromTheWatchNeverOneByOne() {
        for (String phase : List.of("create", "update: label", "update: other Eip", "delete")) {
            assertThat(counts.serviceReads(phase, "controller")).as(phase + "\n" + report()).isZero();
            assertThat(counts.serviceReads(phase, "speaker")).as(phase + "\n" + report()).isZero();
            assertThat(counts.serviceWritesPerService(phase, "speaker")).as(phase + "\n" + report()).isZero();
        }
    }

    @Test
    void eachRoleNamesItselfInItsUserAgent() {
        assertThat(counts.userAgents().get("controller")).as(report()).isNotEmpty()
                .allMatch(agent -> agent.startsWith("openelb-controller/"));
        assertThat(counts.userAgents().getOrDefault("speaker", Set.of()))
                .as(report()).allMatch(agent -> agent.startsWith("openelb-speaker/"));
    }

    /** The first Services of a fresh process cost what later ones do not (first Events, connections). */
    private void warmUp() throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < WARM_UP_SERVICES; i++) {
            f.service("warm-" + i, Map.of("eip.openelb.kubesphere.io/v1alpha2", POOL_A), 80);
        }
        for (int i = 0; i < WARM_UP_SERVICES; i++) {
            addresses.add(f.awaitIngress("warm-" + i).get(0));
        }
        awaitRoutedThroughBothNodes(addresses);
        f.deleteServices();
        awaitWithdrawn(addresses);
        awaitQuiet();
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step}, waits until the program is quiet, and counts its requests received meanwhile. */
    private void phase(String name, Step step) throws Exception {
        audit.read(); // what came before this phase
        counts.phase(name);
        Instant start = Instant.now();
        step.run();
        for (AuditLog.Request request : awaitQuiet()) {
            if (!request.received().isBefore(start)) {
                counts.add(name, request);
            }
        }
    }

    /**
     * The requests read until the program has made none about the Services for {@link #QUIET} (its Leases
     * and BGP peer status keep coming, with time).
     */
    private List<AuditLog.Request> awaitQuiet() throws InterruptedException {
        List<AuditLog.Request> requests = new ArrayList<>();
        long deadline = System.nanoTime() + MAX_PHASE.toNanos();
        long lastActivity = System.nanoTime();
        while (System.nanoTime() - lastActivity < QUIET.toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the program was still busy with the Services " + MAX_PHASE
                        + " after the phase; its requests so far:\n" + report());
            }
            for (AuditLog.Request r : audit.read()) {
                requests.add(r);
                if (RequestCounts.role(r.user()) != null && ABOUT_SERVICES.contains(r.resource())) {
                    lastActivity = System.nanoTime();
                }
            }
            Thread.sleep(200);
        }
        return requests;
    }

    /** A merge patch of the Service's metadata, as {@code kubectl patch --type=merge}. */
    private void patch(String name, Map<String, Object> metadata) {
        f.admin.services().inNamespace(f.namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                new KubernetesSerialization().asJson(Map.of("metadata", metadata)));
    }

    /** Each address in BIRD's kernel table with both nodes as next hops (ECMP). */
    private static void awaitRoutedThroughBothNodes(java.util.Collection<String> addresses)
            throws InterruptedException {
        IpamFixture.await(ApiRequestsPerServiceIT::routes, routes -> addresses.stream().allMatch(a -> {
            String route = routes.getOrDefault(a, "");
            return route.contains(NODE1) && route.contains(NODE2);
        }), addresses.size() + " addresses routed through " + NODE1 + " and " + NODE2);
    }

    private static void awaitWithdrawn(java.util.Collection<String> addresses) throws InterruptedException {
        IpamFixture.await(ApiRequestsPerServiceIT::routes, routes -> addresses.stream().noneMatch(routes::containsKey),
                addresses.size() + " addresses withdrawn");
    }

    /** BIRD's routes in the router's kernel table: destination -> the route's lines (its next hops). */
    private static Map<String, String> routes() {
        String table = LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "-4", "route", "show", "proto", "bird"),
                Map.of(), 10).stdout();
        Map<String, String> routes = new LinkedHashMap<>();
        String destination = null;
        for (String line : table.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                destination = line.split(" ")[0].replaceFirst("/32$", "");
                routes.put(destination, line);
            } else if (destination != null) {
                routes.merge(destination, "\n" + line, String::concat);
            }
        }
        return routes;
    }

    /** The summary against the bars, then every request. */
    private String report() {
        StringBuilder out = new StringBuilder("| phase | controller writes of Services / Service | controller Events"
                + " / Service | Events / Service (all) | GETs of one Service | bar |\n|---|---|---|---|---|---|\n");
        Map<String, String> bars = new LinkedHashMap<>();
        bars.put("create", "<= 2 writes + 1 Event; <= 2 Events in all; 0 GETs");
        bars.put("update: label", "0 writes, 0 Events, 0 GETs");
        bars.put("update: other Eip", "<= 2 writes + 1 Event; <= 2 Events in all; 0 GETs");
        bars.put("delete", "<= 2 writes + 1 Event; <= 2 Events in all; 0 GETs");
        bars.forEach((phase, bar) -> out.append("| ").append(String.join(" | ", phase,
                RequestCounts.format(counts.serviceWritesPerService(phase, "controller")),
                RequestCounts.format(counts.eventsPerService(phase, "controller")),
                RequestCounts.format(counts.eventsPerService(phase, null)),
                String.valueOf(counts.serviceReads(phase, "controller") + counts.serviceReads(phase, "speaker")),
                bar)).append(" |\n"));
        return out.append('\n').append(counts.table()).toString();
    }
}
