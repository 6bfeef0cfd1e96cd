package io.openelb.it;

import static io.openelb.it.RealNodes.awaitValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * README's "Install with Helm" on real nodes (hack/nodes.sh), then what a cluster operator does over the
 * release's life, in order: {@code helm upgrade} to a new image tag and {@code kubectl rollout restart} of
 * the DaemonSet, a speaker Pod deleted, the leading controller's process killed and then its Pod deleted,
 * and {@code helm uninstall}.
 * While each runs, a sampler reads the router's kernel route to a BGP Service and BIRD's sessions every
 * 100 ms, and another the Services' addresses: with graceful restart in the BgpConf (as the sample has it)
 * the route keeps both nodes as next hops at every sample while the speakers restart, and no Service's
 * address changes (the chaos test's safety invariant). Prints what each step took.
 *
 * <p>Its own lab, control plane and nodes (settings below, apart from RealNodesIT's), stopped at the end.
 * Needs root; on a fresh machine hack/nodes.sh, hack/image.sh and hack/helm.sh build what they need first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodesHelmIT {
    static final Map<String, String> SETTINGS = Map.of(
            "OPENELB_CLUSTER_DIR", "/tmp/openelb-helm-it-cluster",
            "OPENELB_APISERVER_PORT", "16544",
            "OPENELB_LAB_PREFIX", "onh-",
            "OPENELB_LAB_DIR", "/tmp/openelb-helm-it-lab");
    private static final Path WORK = Path.of("target", "nodes-helm-it").toAbsolutePath();
    private static final String NS = RealNodes.NS;
    private static final String BGP_SERVICE = "web-cluster";
    private static final String LAYER2_SERVICE = "web-layer2";
    private static final String IMAGE = "docker.io/library/openelb-jvm";
    /** How long a restarted speaker may take to have its session back (README gives the measured times). */
    private static final Duration SESSION_BACK = Duration.ofSeconds(30);
    /** A standby takes the Lease this long after the killed leader's last renewal (the manifest's default). */
    private static final Duration LEASE = Duration.ofSeconds(15);

    private final List<String> figures = new ArrayList<>();
    private final RealNodes nodes = new RealNodes(SETTINGS, WORK.resolve("openelb-image.oci.tar"));
    private String helm;
    private Map<String, String> helmOnPath;
    private String appVersion;
    private Map<String, String> addresses;

    @BeforeAll
    void installWithHelmAsReadmeSays() throws Exception {
        nodes.run(List.of("hack/helm.sh", "version"), 1800); // built once, before the clocks below run
        nodes.up();
        appVersion = Files.readAllLines(Path.of("charts", "openelb", "Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion: ")).map(l -> l.substring("appVersion: ".length()).strip())
                .findFirst().orElseThrow();
        Path bin = helmWrapper();
        helm = bin.resolve("helm").toString();
        helmOnPath = Map.of("PATH", bin + ":" + System.getenv("PATH"));

        // the block as written, but the registry (this image is imported into the nodes' containerd)
        String block = RealNodes.readmeShellBlock("## Install with Helm");
        assertThat(block).contains("--set image.repository=registry.example/openelb-jvm");
        nodes.run(List.of("bash", "-euo", "pipefail", "-c",
                block.replace("registry.example/openelb-jvm", "openelb-jvm")), helmOnPath, 600);
        rolloutStatus();
        nodes.kubectl("apply", "-f", RealNodes.SAMPLES.resolve("eip-bgp.yaml").toString());
        nodes.applySamples("10.77.0.220-10.77.0.230");
        nodes.kubectl("apply", "-f", RealNodes.SAMPLES.resolve("service-etp-cluster.yaml").toString());
        nodes.applyService(LAYER2_SERVICE, "eip-sample-layer2");
        addresses = Map.of(BGP_SERVICE, nodes.awaitAddress(BGP_SERVICE),
                LAYER2_SERVICE, nodes.awaitAddress(LAYER2_SERVICE));
    }

    @AfterAll
    void stopEverything() {
        figures.forEach(f -> System.out.println("RealNodesHelmIT: " + f));
        nodes.close();
    }

    @Test
    @Order(1)
    void theReleaseRunsBothRolesWithOneLeaderAndRoutesTheServiceViaBothNodes() throws Exception {
        assertThat(nodes.awaitReady("speaker", 2)).extracting(p -> p.getSpec().getNodeName())
                .containsExactlyInAnyOrderElementsOf(RealNodes.NODES);
        assertThat(nodes.leader().getMetadata().getName()).startsWith("openelb-controller-");
        assertThat(nodes.kubectl("-n", NS, "get", "secret", "openelb-membership", "-o", "jsonpath={.data.secret}"))
                .hasSizeGreaterThan(32);

        nodes.awaitRouteViaBothNodes(addresses.get(BGP_SERVICE));
        awaitValue(() -> nodes.arping(addresses.get(LAYER2_SERVICE)), r -> !r.isEmpty(),
                "an ARP answer for " + addresses.get(LAYER2_SERVICE));
        nodes.awaitEvent(BGP_SERVICE, "BgpAnnounced");
        assertThat(nodes.kubectl("describe", "svc", BGP_SERVICE)).contains("IPAllocated", "BgpAnnounced");
    }

    @Test
    @Order(2)
    void helmUpgradeToANewTagAndARolloutRestartKeepTheRouteAndEveryAddress() throws Exception {
        String route = nodes.awaitRouteViaBothNodes(addresses.get(BGP_SERVICE));
        String key = membershipKey();
        String tag = appVersion + "-next";
        nodes.run(List.of("hack/nodes.sh", "ctr", "images", "tag", IMAGE + ":" + appVersion, IMAGE + ":" + tag), 60);

        try (Watch watch = new Watch()) {
            Instant start = Instant.now();
            nodes.run(List.of(helm, "upgrade", "openelb", "charts/openelb", "-n", NS, "--reuse-values",
                    "--set", "image.tag=" + tag, "--wait", "--timeout", "5m"), 400);
            rolloutStatus();
            figures.add("helm upgrade to a new tag, both roles rolled: %s".formatted(since(start)));
            assertThat(Stream.concat(nodes.pods("controller").stream(), nodes.pods("speaker").stream()))
                    .hasSize(4).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage())
                            .isEqualTo("openelb-jvm:" + tag));

            start = Instant.now();
            nodes.kubectl("-n", NS, "rollout", "restart", "daemonset/openelb-speaker");
            rolloutStatus();
            figures.add("kubectl rollout restart of the speakers: %s".formatted(since(start)));
            watch.settle(RealNodes.NODES);
            watch.assertRouteAndAddressesKept("helm upgrade and rollout restart", route);
            watch.assertEachSessionRestarted(RealNodes.NODES, 2);
        }
        assertThat(membershipKey()).as("the membership key kept by the upgrade").isEqualTo(key);
    }

    @Test
    @Order(3)
    void deletingASpeakerPodKeepsTheRouteAndItsReplacementAnnouncesAgain() throws Exception {
        String route = nodes.awaitRouteViaBothNodes(addresses.get(BGP_SERVICE));
        Pod speaker = nodes.awaitReady("speaker", 2).stream()
                .filter(p -> p.getSpec().getNodeName().equals("node1")).findFirst().orElseThrow();

        try (Watch watch = new Watch()) {
            nodes.kubectl("-n", NS, "delete", "pod", speaker.getMetadata().getName());
            Pod replacement = awaitValue(() -> nodes.pods("speaker"), pods -> pods.size() == 2 && pods.stream()
                    .allMatch(p -> RealNodes.ready(p) && !p.getMetadata().getName().equals(
                            speaker.getMetadata().getName())), "the replacement speaker Ready").stream()
                    .filter(p -> p.getSpec().getNodeName().equals("node1")).findFirst().orElseThrow();
            watch.settle(List.of("node1"));
            watch.assertRouteAndAddressesKept("speaker Pod deleted", route);
            watch.assertEachSessionRestarted(List.of("node1"), 1);
            assertThat(replacement.getSpec().getNodeName()).isEqualTo("node1");
        }
    }

    @Test
    @Order(4)
    void killingTheLeaderOrDeletingItsPodServesNewServicesWithinTheLeaseAndMovesNoAddress() throws Exception {
        String route = nodes.awaitRouteViaBothNodes(addresses.get(BGP_SERVICE));
        Pod leader = nodes.leader();

        try (Watch watch = new Watch()) {
            Instant killed = Instant.now();
            nodes.run(List.of("kill", "-KILL", String.valueOf(nodes.javaPid(leader))), 10);
            nodes.applyService("after-kill", "eip-sample-bgp");
            String address = nodes.awaitAddress("after-kill");
            Duration served = since(killed);
            figures.add("leading controller SIGKILLed -> a new Service has its address after %s".formatted(served));
            assertThat(served).as("served within the lease duration + retry + 5 s")
                    .isLessThan(LEASE.plusSeconds(7));
            assertThat(address).isNotIn(addresses.values());
            Pod restarted = awaitValue(() -> nodes.admin().pods().inNamespace(NS)
                    .withName(leader.getMetadata().getName()).get(), p -> p != null && RealNodes.ready(p)
                    && p.getStatus().getContainerStatuses().get(0).getRestartCount() == 1,
                    "the kubelet restarted the killed container");
            assertThat(restarted.getStatus().getContainerStatuses().get(0).getLastState().getTerminated()
                    .getExitCode()).as("SIGKILL").isEqualTo(137);
            figures.add("  then leads: %s (killed: %s)".formatted(nodes.leader().getMetadata().getName(),
                    leader.getMetadata().getName()));

            // as a node drain evicts it: the leader stops cleanly, releases the Lease, the standby takes it
            Pod drained = nodes.leader();
            Instant deleted = Instant.now();
            nodes.kubectl("-n", NS, "delete", "pod", drained.getMetadata().getName(), "--wait=false");
            nodes.applyService("after-delete", "eip-sample-bgp");
            assertThat(nodes.awaitAddress("after-delete")).isNotIn(addresses.values()).isNotEqualTo(address);
            figures.add("leading controller Pod deleted -> a new Service has its address after %s".formatted(
                    since(deleted)));
            String standby = awaitValue(nodes::leaseHolder, h -> !h.isEmpty()
                    && !h.endsWith("@" + drained.getMetadata().getName()), "the standby holding the Lease");
            figures.add("  the standby leads %s after the delete: %s".formatted(since(deleted), standby));
            assertThat(nodes.awaitReady("controller", 2)).extracting(p -> p.getMetadata().getName())
                    .anyMatch(n -> standby.endsWith("@" + n)).noneMatch(drained.getMetadata().getName()::equals);
            watch.assertRouteAndAddressesKept("leader controller killed, then its Pod deleted", route);
        }
    }

    @Test
    @Order(5)
    void helmUninstallLeavesNothingThatBlocksDeletingAServiceOrANamespace() throws Exception {
        nodes.serveInNewNamespace("team-a");

        nodes.run(List.of(helm, "uninstall", "openelb", "-n", NS, "--wait", "--timeout", "3m"), 240);

        awaitValue(() -> Stream.concat(nodes.pods("controller").stream(), nodes.pods("speaker").stream()).toList(),
                List::isEmpty, "every Pod of the release gone");
        // the release's namespace too: the membership Secret it kept does not block
        nodes.deleteWithNothingOfOursInTheWay(List.of(BGP_SERVICE, LAYER2_SERVICE, "after-kill", "after-delete"),
                List.of("team-a", NS));
        nodes.kubectl("delete", "eips", "--all", "--timeout=30s");
    }

    // ---- watching the router and the Services while something restarts -------------------------------

    /**
     * The router's kernel route to the BGP Service with BIRD's sessions, and the addresses of every Service
     * in "default", each sampled every 100 ms from its creation to {@link #close()}.
     */
    private final class Watch implements AutoCloseable {
        private final Instant start = Instant.now();
        private final Sampler<String> route = new Sampler<>("route", () ->
                nodes.kernelRoute(addresses.get(BGP_SERVICE)) + "\n" + nodes.birdProtocols());
        private final Map<String, List<String>> before = serviceAddresses();
        private final Sampler<Map<String, List<String>>> services = new Sampler<>("addresses",
                RealNodesHelmIT.this::serviceAddresses);

        /** Until every node in {@code restarted} is Established again, then 3 s: past their End-of-RIB. */
        void settle(List<String> restarted) throws InterruptedException {
            awaitValue(nodes::birdProtocols, p -> restarted.stream().allMatch(n -> RealNodes.established(p, n)),
                    "BIRD's sessions with " + restarted + " Established");
            Thread.sleep(3000);
        }

        void assertRouteAndAddressesKept(String what, String routeBefore) {
            List<Sampler.Sample<String>> samples = route.samples();
            assertThat(samples).as("route samples during " + what).hasSizeGreaterThan(20);
            assertThat(route.misses(RealNodes::viaBothNodes)).as("samples without both next hops during %s "
                    + "(before: %s) of %d", what, routeBefore, samples.size()).isEmpty();
            Predicate<Map<String, List<String>>> kept = now -> before.entrySet().stream()
                    .allMatch(e -> !now.containsKey(e.getKey()) || now.get(e.getKey()).equals(e.getValue()));
            assertThat(services.misses(kept)).as("Service addresses changed during %s (before: %s)", what,
                    before).isEmpty();
        }

        /**
         * Each node's BIRD session went down {@code times} times or more (so each speaker did restart, and
         * the route above was kept by graceful restart, not by luck) and came back within the bound.
         */
        void assertEachSessionRestarted(List<String> restarted, int times) {
            List<Sampler.Sample<String>> samples = route.samples();
            for (String node : restarted) {
                List<Duration> outages = outages(samples, node);
                assertThat(outages).as("BIRD's session with %s down and back", node).hasSizeGreaterThanOrEqualTo(times)
                        .allSatisfy(d -> assertThat(d).isLessThan(SESSION_BACK));
                figures.add("%s: session with the router back after %s".formatted(node, outages.stream()
                        .map(RealNodesHelmIT::seconds).collect(Collectors.joining(", "))));
            }
        }

        @Override
        public void close() throws InterruptedException {
            route.close();
            services.close();
            figures.add("watched for %s: %d route samples".formatted(since(start), route.samples().size()));
        }
    }

    /** How long each time BIRD's session with {@code node} was not Established, in sample order. */
    private static List<Duration> outages(List<Sampler.Sample<String>> samples, String node) {
        List<Duration> outages = new ArrayList<>();
        Instant down = null;
        for (Sampler.Sample<String> s : samples) {
            boolean up = RealNodes.established(s.value(), node);
            if (!up && down == null) {
                down = s.at();
            } else if (up && down != null) {
                outages.add(Duration.between(down, s.at()));
                down = null;
            }
        }
        assertThat(down).as("BIRD's session with %s still down at the end", node).isNull();
        return outages;
    }

    private Map<String, List<String>> serviceAddresses() {
        Map<String, List<String>> now = new TreeMap<>();
        try {
            for (Service s : nodes.admin().services().inNamespace("default").list().getItems()) {
                now.put(s.getMetadata().getName(), IpamFixture.ingress(s));
            }
        } catch (RuntimeException e) {
            now.put("(API server not answering: " + e.getMessage() + ")", List.of());
        }
        return now;
    }

    // ---- steps ----------------------------------------------------------------------------------------

    private void rolloutStatus() {
        nodes.kubectl("-n", NS, "rollout", "status", "deployment/openelb-controller", "daemonset/openelb-speaker",
                "--timeout=300s");
    }

    private String membershipKey() {
        return nodes.kubectl("-n", NS, "get", "secret", "openelb-membership", "-o", "jsonpath={.data.secret}");
    }

    /** A directory with {@code helm}: hack/helm.sh, the pinned Helm a user would have installed. */
    private static Path helmWrapper() throws IOException {
        Path bin = WORK.resolve("bin");
        Files.createDirectories(bin);
        Path helm = bin.resolve("helm");
        Files.writeString(helm, "#!/bin/sh\nexec " + Path.of("hack", "helm.sh").toAbsolutePath() + " \"$@\"\n");
        assertThat(helm.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    private static Duration since(Instant start) {
        return Duration.between(start, Instant.now());
    }

    private static String seconds(Duration d) {
        return "%.1f s".formatted(d.toMillis() / 1000.0);
    }
}
