package io.openelb.it;

import static io.openelb.it.RealNodes.awaitValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * README's "Install" section, as a user follows it, on real nodes (hack/nodes.sh: kubelet, containerd and
 * kube-proxy in the router lab's node namespaces): the image from {@code hack/image.sh} imported into each
 * node's containerd, then the section's shell block run as it is written (apply manifests/openelb.yaml,
 * the membership Secret, rollout status, the BGP Eip sample), then the samples a user applies for BGP and
 * Layer 2, with only the values a user must change for the lab (AS numbers, the router's address, no
 * fixed router id, no rack selector, a Layer 2 range on the lab's segment). The kubelet runs the Pods with
 * their real probes and security settings; the test checks what reaches the network (BIRD's routes,
 * ARP replies), the Events, and what the kernel gives each process (user, capabilities, read-only root).
 * Prints the image size, start to Ready and memory of each role.
 *
 * <p>Runs its own lab, control plane and nodes, apart from every other IT's (cluster dir, API server port,
 * lab prefix and dir below), and stops them all at the end. Needs root; on a fresh machine hack/nodes.sh
 * and hack/image.sh build or fetch what they need first (minutes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodesIT {
    static final Map<String, String> SETTINGS = Map.of(
            "OPENELB_CLUSTER_DIR", "/tmp/openelb-nodes-it-cluster",
            "OPENELB_APISERVER_PORT", "16543",
            "OPENELB_LAB_PREFIX", "onn-",
            "OPENELB_LAB_DIR", "/tmp/openelb-nodes-it-lab");
    private static final List<String> NODES = RealNodes.NODES;
    private static final Map<String, String> NODE_ADDRESS = RealNodes.NODE_ADDRESS;
    private static final String NS = RealNodes.NS;
    private static final String BGP_SERVICE = "web-cluster";
    private static final String LAYER2_SERVICE = "web-layer2";
    private static final String LAYER2_RANGE = "10.77.0.200-10.77.0.210";
    private static final long CAP_NET_RAW = 1L << 13;
    private static final long MEMORY_LIMIT = 256L << 20;
    private static final Pattern EVENT_MAC = Pattern.compile("MAC ([0-9a-f:]{17})");

    private final List<String> figures = new ArrayList<>();
    private final RealNodes nodes = new RealNodes(SETTINGS, Path.of("target", "nodes-it", "openelb-image.oci.tar"));

    @BeforeAll
    void installAsReadmeSays() throws Exception {
        nodes.up();
        figures.add("image archive %d MiB".formatted(nodes.imageBytes() >> 20));

        String block = RealNodes.readmeShellBlock("## Install");
        assertThat(block).contains("kubectl apply -f manifests/openelb.yaml", "create secret generic");
        nodes.run(List.of("bash", "-euo", "pipefail", "-c", block), 600);

        nodes.applySamples(LAYER2_RANGE);
        nodes.kubectl("apply", "-f", RealNodes.SAMPLES.resolve("service-etp-cluster.yaml").toString());
        nodes.applyService(LAYER2_SERVICE, "eip-sample-layer2");
    }

    @AfterAll
    void stopEverything() {
        figures.forEach(f -> System.out.println("RealNodesIT: " + f));
        nodes.close();
    }

    @Test
    void controllerAndSpeakerPodsAreReadyOnBothNodesThroughTheirProbesWithOneLeader() throws Exception {
        List<Pod> controllers = nodes.awaitReady("controller", 2);
        List<Pod> speakers = nodes.awaitReady("speaker", 2);

        assertThat(speakers).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrderElementsOf(NODES);
        assertThat(speakers).extracting(p -> p.getStatus().getPodIP())
                .containsExactlyInAnyOrderElementsOf(NODE_ADDRESS.values());
        String leader = nodes.leader().getMetadata().getName();
        assertThat(controllers).extracting(p -> p.getMetadata().getName()).as("controllers whose log says they lead")
                .filteredOn(n -> nodes.kubectl("-n", NS, "logs", n).contains(" leads (Lease")).containsExactly(leader);

        // past the liveness probe's initial delay and one period: the kubelet probed, nothing restarted
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), latestStart(controllers, speakers)
                .plusSeconds(45)).toMillis()));
        List<Pod> all = Stream.concat(nodes.pods("controller").stream(), nodes.pods("speaker").stream()).toList();
        assertThat(all).hasSize(4).allSatisfy(p -> {
            assertThat(RealNodes.ready(p)).as(p.getMetadata().getName()).isTrue();
            assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
            assertThat(p.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
                    .isEqualTo("/readyz");
        });
        all.forEach(p -> figures.add("%s start -> Ready %s (container started -> Ready %s)".formatted(
                p.getMetadata().getName(), Duration.between(Instant.parse(p.getStatus().getStartTime()),
                        readySince(p)), Duration.between(started(p), readySince(p)))));
    }

    @Test
    void bgpServiceGetsItsAddressAndTheRouterRoutesItToBothNodes() throws Exception {
        String address = nodes.awaitAddress(BGP_SERVICE);
        assertThat(address).startsWith("192.0.2.");

        nodes.awaitRouteViaBothNodes(address);
        String rib = nodes.run(List.of("hack/lab.sh", "routes", address + "/32"), 60).stdout();
        assertThat(rib.substring(0, rib.indexOf("== kernel"))).contains("[node1_v4 ", "[node2_v4 ",
                "BGP.as_path: 64513");
    }

    @Test
    void layer2AddressIsAnsweredByTheSpeakerOfOneNode() throws Exception {
        String address = nodes.awaitAddress(LAYER2_SERVICE);
        assertThat(address).startsWith("10.77.0.2");
        Map<String, String> nodeByMac = new HashMap<>();
        NODES.forEach(n -> nodeByMac.put(nodes.inNamespace(n, "cat", "/sys/class/net/eth0/address").stdout().strip(),
                n));

        // the owner may move once while the speakers' membership view forms: the latest Event names it
        Layer2Answer answer = awaitValue(() -> new Layer2Answer(
                nodes.latestEvent(LAYER2_SERVICE, "Layer2Announced"), nodes.arping(address)),
                a -> a.announced() != null && !a.replies().isEmpty()
                        && a.replies().stream().allMatch(a.announcedMac()::equals),
                "ARP replies for " + address + " from the node its latest Layer2Announced Event names");

        String owner = nodeByMac.get(answer.announcedMac());
        assertThat(owner).as("a node's eth0 MAC: %s", nodeByMac).isNotNull();
        assertThat(answer.announced().getMessage()).contains("node " + owner + " ");
        assertThat(answer.announced().getSource().getComponent()).isEqualTo("openelb-speaker");
        // not the node's kernel: no node has the address on an interface
        NODES.forEach(n -> assertThat(nodes.inNamespace(n, "ip", "-4", "addr").stdout())
                .doesNotContain(address + "/"));
    }

    /** The latest Layer2Announced Event on the Service and what the client's arping saw. */
    private record Layer2Answer(Event announced, List<String> replies) {
        String announcedMac() {
            Matcher mac = EVENT_MAC.matcher(announced.getMessage());
            return mac.find() ? mac.group(1) : "no MAC in: " + announced.getMessage();
        }
    }

    @Test
    void eachServiceHasTheControllersAndTheSpeakersEvents() throws Exception {
        nodes.awaitAddress(BGP_SERVICE);
        nodes.awaitAddress(LAYER2_SERVICE);
        Event bgp = nodes.awaitEvent(BGP_SERVICE, "BgpAnnounced");
        Event layer2 = nodes.awaitEvent(LAYER2_SERVICE, "Layer2Announced");

        assertThat(bgp.getSource().getComponent()).isEqualTo("openelb-speaker");
        assertThat(layer2.getSource().getComponent()).isEqualTo("openelb-speaker");
        assertThat(nodes.kubectl("describe", "svc", BGP_SERVICE)).contains("IPAllocated");
        assertThat(nodes.kubectl("describe", "svc", LAYER2_SERVICE)).contains("IPAllocated");
    }

    /** kubectl describe selects a Service's Events by involvedObject.uid too: the speakers' must carry it. */
    @Test
    void describeServiceShowsTheSpeakersAnnouncementEvents() throws Exception {
        nodes.awaitEvent(BGP_SERVICE, "BgpAnnounced");
        nodes.awaitEvent(LAYER2_SERVICE, "Layer2Announced");

        assertThat(nodes.kubectl("describe", "svc", BGP_SERVICE)).contains("IPAllocated", "BgpAnnounced");
        assertThat(nodes.kubectl("describe", "svc", LAYER2_SERVICE)).contains("IPAllocated", "Layer2Announced");
    }

    @Test
    void theKubeletGivesEachRoleOnlyWhatTheManifestPromises() throws Exception {
        for (Pod pod : nodes.awaitReady("controller", 2)) {
            Map<String, String> status = procStatus(pod);
            assertThat(status.get("Uid")).as(pod.getMetadata().getName()).isEqualTo("65532 65532 65532 65532");
            assertThat(status.get("Gid")).isEqualTo("65532 65532 65532 65532");
            assertCapabilities(status, 0);
            assertReadOnlyRootWithWritableTmp(pod);
        }
        for (Pod pod : nodes.awaitReady("speaker", 2)) {
            Map<String, String> status = procStatus(pod);
            assertThat(status.get("Uid")).as(pod.getMetadata().getName()).isEqualTo("0 0 0 0");
            assertCapabilities(status, CAP_NET_RAW);
            assertReadOnlyRootWithWritableTmp(pod);
        }
    }

    @Test
    void eachRoleRunsWithinItsMemoryLimitAsTheKubeletAccountsIt() throws Exception {
        List<Pod> pods = Stream.concat(nodes.awaitReady("controller", 2).stream(),
                nodes.awaitReady("speaker", 2).stream()).toList();
        for (Pod pod : pods) {
            Path cgroup = memoryCgroup(nodes.javaPid(pod));
            long limit = Long.parseLong(Files.readString(cgroup.resolve("memory.limit_in_bytes")).strip());
            long usage = Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).strip());
            long rss = memoryStat(cgroup, "total_rss");
            assertThat(limit).as("memory limit of %s", pod.getMetadata().getName()).isEqualTo(MEMORY_LIMIT);
            assertThat(rss).isPositive().isLessThan(limit);
            assertThat(usage).isLessThan(limit);
            figures.add("%s cgroup rss %d MiB, usage %d MiB (limit %d MiB)".formatted(pod.getMetadata().getName(),
                    rss >> 20, usage >> 20, limit >> 20));
        }
    }

    /**
     * Last, as a user uninstalls: {@code kubectl delete -f} of the manifest they applied. Nothing of ours
     * (no finalizer) may keep a Service, the namespace of one, or ours from going once no controller runs.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void deletingTheManifestLeavesNothingThatBlocksDeletingAServiceOrANamespace() throws Exception {
        nodes.serveInNewNamespace("team-a");
        nodes.awaitAddress(BGP_SERVICE);

        nodes.kubectl("delete", "-f", "manifests/openelb.yaml", "--timeout=180s");

        nodes.deleteWithNothingOfOursInTheWay(List.of(BGP_SERVICE, LAYER2_SERVICE), List.of("team-a"));
        assertThat(nodes.kubectl("get", "namespaces", "-o", "name")).doesNotContain("namespace/" + NS);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static Instant readySince(Pod pod) {
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(PodCondition::getLastTransitionTime).map(Instant::parse).findFirst().orElseThrow();
    }

    private static Instant started(Pod pod) {
        return Instant.parse(pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt());
    }

    private static Instant latestStart(List<Pod> a, List<Pod> b) {
        return Stream.concat(a.stream(), b.stream()).map(RealNodesIT::started).max(Instant::compareTo)
                .orElseThrow();
    }

    private Map<String, String> procStatus(Pod pod) throws IOException {
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(nodes.javaPid(pod)), "status"))) {
            int colon = line.indexOf(':');
            status.put(line.substring(0, colon), line.substring(colon + 1).strip().replaceAll("\\s+", " "));
        }
        return status;
    }

    private static void assertCapabilities(Map<String, String> status, long allowed) {
        for (String set : List.of("CapEff", "CapPrm", "CapBnd")) {
            assertThat(Long.parseUnsignedLong(status.get(set), 16)).as(set).isEqualTo(allowed);
        }
        assertThat(Long.parseUnsignedLong(status.get("CapInh"), 16)).as("CapInh").isZero();
        assertThat(Long.parseUnsignedLong(status.get("CapAmb"), 16)).as("CapAmb").isZero();
        assertThat(status.get("NoNewPrivs")).as("no privilege escalation").isEqualTo("1");
    }

    private void assertReadOnlyRootWithWritableTmp(Pod pod) {
        String name = pod.getMetadata().getName();
        LocalCluster.Result root = nodes.kubectlResult("-n", NS, "exec", name, "--", "touch", "/written-by-test");
        assertThat(root.exitCode()).as("write to / in %s", name).isNotZero();
        assertThat(root.stderr()).contains("Read-only file system");
        LocalCluster.Result tmp = nodes.kubectlResult("-n", NS, "exec", name, "--", "touch", "/tmp/written-by-test");
        assertThat(tmp.exitCode()).as("write to /tmp in %s: %s", name, tmp.stderr()).isZero();
    }

    private static Path memoryCgroup(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "cgroup"))) {
            String[] parts = line.split(":", 3);
            if (Set.of(parts[1].split(",")).contains("memory")) {
                return Path.of("/sys/fs/cgroup/memory" + parts[2]);
            }
        }
        throw new AssertionError("no memory cgroup (v1) for pid " + pid);
    }

    private static long memoryStat(Path cgroup, String key) throws IOException {
        return Files.readAllLines(cgroup.resolve("memory.stat")).stream().filter(l -> l.startsWith(key + " "))
                .mapToLong(l -> Long.parseLong(l.substring(key.length() + 1))).findFirst().orElseThrow();
    }
}
