package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
class RealNodesIT {
    static final Map<String, String> ENV = Map.of(
            "OPENELB_CLUSTER_DIR", "/tmp/openelb-nodes-it-cluster",
            "OPENELB_APISERVER_PORT", "16543",
            "OPENELB_LAB_PREFIX", "onn-",
            "OPENELB_LAB_DIR", "/tmp/openelb-nodes-it-lab");
    private static final String PREFIX = ENV.get("OPENELB_LAB_PREFIX");
    private static final List<String> NODES = List.of("node1", "node2");
    private static final Map<String, String> NODE_ADDRESS = Map.of("node1", "10.77.0.11", "node2", "10.77.0.12");
    private static final String ROUTER = "10.77.0.1";
    private static final Path IMAGE = Path.of("target", "nodes-it", "openelb-image.oci.tar");
    private static final Path SAMPLES = Path.of("manifests", "samples");
    private static final String NS = "openelb-system";
    private static final String BGP_SERVICE = "web-cluster";
    private static final String LAYER2_SERVICE = "web-layer2";
    private static final String LAYER2_RANGE = "10.77.0.200-10.77.0.210";
    private static final long CAP_NET_RAW = 1L << 13;
    private static final long MEMORY_LIMIT = 256L << 20;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern ARPING_REPLY = Pattern.compile("bytes from ([0-9a-f:]{17}) ");
    private static final Pattern EVENT_MAC = Pattern.compile("MAC ([0-9a-f:]{17})");

    private final List<String> figures = new ArrayList<>();
    private Map<String, String> kubectlEnv;
    private Path kubectl;
    private KubernetesClient admin;

    @BeforeAll
    void installAsReadmeSays() throws Exception {
        stopAndForget(); // leftovers of an interrupted run: the install starts from nothing
        Files.createDirectories(IMAGE.getParent());
        run(List.of("hack/image.sh", IMAGE.toString()), 1800);
        figures.add("image archive %d MiB".formatted(Files.size(IMAGE) >> 20));
        run(List.of("hack/nodes.sh", "up", String.valueOf(NODES.size())), 3600);
        connect(run(List.of("hack/cluster.sh", "env"), 60));
        run(List.of("hack/nodes.sh", "import", IMAGE.toString()), 600);

        run(List.of("bash", "-euo", "pipefail", "-c", readmeInstallBlock()), 600);

        apply(edit("bgpconf.yaml", Map.of("  as: 50001\n", "  as: 64513\n",
                "  routerId: 192.0.2.10\n", "")));
        apply(edit("bgppeer.yaml", Map.of("peerAs: 50000", "peerAs: 64512",
                "neighborAddress: 192.0.2.1\n", "neighborAddress: " + ROUTER + "\n",
                "  nodeSelector:\n    matchLabels:\n      openelb.kubesphere.io/rack: rack-a\n", "")));
        apply(edit("eip-layer2.yaml",
                Map.of("198.51.100.188-198.51.100.200", LAYER2_RANGE)));
        awaitValue(() -> kubectl("get", "eips", "-o", "name"), s -> s.contains("eip-sample-layer2")
                && s.contains("eip-sample-bgp"), "both Eips");
        // as a user checks the sessions before relying on them: each node's speaker reports its own
        awaitValue(() -> kubectl("get", "bgppeer", "bgppeer-sample", "-o",
                "jsonpath={range .status.nodesPeerStatus.*}{.peerState.sessionState} {end}"),
                s -> s.equals("ESTABLISHED ".repeat(NODES.size())), "both nodes' sessions with the router");
        kubectl("apply", "-f", SAMPLES.resolve("service-etp-cluster.yaml").toString());
        apply(edit("service-etp-cluster.yaml", Map.of("name: " + BGP_SERVICE,
                "name: " + LAYER2_SERVICE, "v1alpha2: eip-sample-bgp", "v1alpha2: eip-sample-layer2")));
    }

    @AfterAll
    void stopEverything() {
        figures.forEach(f -> System.out.println("RealNodesIT: " + f));
        if (admin != null) {
            admin.close();
        }
        stopAndForget();
    }

    /** Nodes, API server and lab stopped; the API server's state (etcd, the nodes' containerd) deleted. */
    private void stopAndForget() {
        run(List.of("hack/nodes.sh", "down", "--all"), 600);
        // without the marker the dir holds only the scripts' lock files: no API server state to delete
        if (Files.exists(Path.of(ENV.get("OPENELB_CLUSTER_DIR"), ".openelb-cluster"))) {
            run(List.of("hack/cluster.sh", "down", "--purge"), 120);
        }
    }

    @Test
    void controllerAndSpeakerPodsAreReadyOnBothNodesThroughTheirProbesWithOneLeader() throws Exception {
        List<Pod> controllers = awaitReady("controller", 2);
        List<Pod> speakers = awaitReady("speaker", 2);

        assertThat(speakers).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrderElementsOf(NODES);
        assertThat(speakers).extracting(p -> p.getStatus().getPodIP())
                .containsExactlyInAnyOrderElementsOf(NODE_ADDRESS.values());
        String holder = admin.leases().inNamespace(NS).withName("openelb-controller").get().getSpec()
                .getHolderIdentity();
        List<String> names = controllers.stream().map(p -> p.getMetadata().getName()).toList();
        assertThat(names).as("Lease holder %s", holder).filteredOn(n -> holder.endsWith("@" + n)).hasSize(1);
        assertThat(names).as("controllers whose log says they lead")
                .filteredOn(n -> kubectl("-n", NS, "logs", n).contains(" leads (Lease")).hasSize(1);

        // past the liveness probe's initial delay and one period: the kubelet probed, nothing restarted
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), latestStart(controllers, speakers)
                .plusSeconds(45)).toMillis()));
        List<Pod> all = Stream.concat(pods("controller").stream(), pods("speaker").stream()).toList();
        assertThat(all).hasSize(4).allSatisfy(p -> {
            assertThat(ready(p)).as(p.getMetadata().getName()).isTrue();
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
        String address = awaitAddress(BGP_SERVICE);
        assertThat(address).startsWith("192.0.2.");

        String routes = awaitValue(() -> run(List.of("hack/lab.sh", "routes", address + "/32"), 60).stdout(),
                r -> kernelPart(r).contains("nexthop via " + NODE_ADDRESS.get("node1"))
                        && kernelPart(r).contains("nexthop via " + NODE_ADDRESS.get("node2")),
                "the router's kernel route to " + address + " via both nodes");
        String rib = routes.substring(0, routes.indexOf("== kernel"));
        assertThat(rib).contains("[node1_v4 ", "[node2_v4 ", "BGP.as_path: 64513");
    }

    @Test
    void layer2AddressIsAnsweredByTheSpeakerOfOneNode() throws Exception {
        String address = awaitAddress(LAYER2_SERVICE);
        assertThat(address).startsWith("10.77.0.2");
        Map<String, String> nodeByMac = new HashMap<>();
        NODES.forEach(n -> nodeByMac.put(inNamespace(n, "cat", "/sys/class/net/eth0/address").stdout().strip(), n));

        // the owner may move once while the speakers' membership view forms: the latest Event names it
        Layer2Answer answer = awaitValue(() -> new Layer2Answer(latestEvent(LAYER2_SERVICE, "Layer2Announced"),
                arping(address)), a -> a.announced() != null && !a.replies().isEmpty()
                        && a.replies().stream().allMatch(a.announcedMac()::equals),
                "ARP replies for " + address + " from the node its latest Layer2Announced Event names");

        String owner = nodeByMac.get(answer.announcedMac());
        assertThat(owner).as("a node's eth0 MAC: %s", nodeByMac).isNotNull();
        assertThat(answer.announced().getMessage()).contains("node " + owner + " ");
        assertThat(answer.announced().getSource().getComponent()).isEqualTo("openelb-speaker");
        // not the node's kernel: no node has the address on an interface
        NODES.forEach(n -> assertThat(inNamespace(n, "ip", "-4", "addr").stdout()).doesNotContain(address + "/"));
    }

    /** The latest Layer2Announced Event on the Service and what the client's arping saw. */
    private record Layer2Answer(Event announced, List<String> replies) {
        String announcedMac() {
            Matcher mac = EVENT_MAC.matcher(announced.getMessage());
            return mac.find() ? mac.group(1) : "no MAC in: " + announced.getMessage();
        }
    }

    private List<String> arping(String address) {
        List<String> replies = new ArrayList<>();
        Matcher m = ARPING_REPLY.matcher(inNamespace("client", "arping", "-c", "3", "-w", "4", "-i", "eth0",
                address).stdout());
        while (m.find()) {
            replies.add(m.group(1));
        }
        return replies;
    }

    @Test
    void eachServiceHasTheControllersAndTheSpeakersEvents() throws Exception {
        awaitAddress(BGP_SERVICE);
        awaitAddress(LAYER2_SERVICE);
        Event bgp = awaitEvent(BGP_SERVICE, "BgpAnnounced");
        Event layer2 = awaitEvent(LAYER2_SERVICE, "Layer2Announced");

        assertThat(bgp.getSource().getComponent()).isEqualTo("openelb-speaker");
        assertThat(layer2.getSource().getComponent()).isEqualTo("openelb-speaker");
        assertThat(kubectl("describe", "svc", BGP_SERVICE)).contains("IPAllocated");
        assertThat(kubectl("describe", "svc", LAYER2_SERVICE)).contains("IPAllocated");
    }

    /** kubectl describe selects a Service's Events by involvedObject.uid too: the speakers' must carry it. */
    @Test
    void describeServiceShowsTheSpeakersAnnouncementEvents() throws Exception {
        awaitEvent(BGP_SERVICE, "BgpAnnounced");
        awaitEvent(LAYER2_SERVICE, "Layer2Announced");

        assertThat(kubectl("describe", "svc", BGP_SERVICE)).contains("IPAllocated", "BgpAnnounced");
        assertThat(kubectl("describe", "svc", LAYER2_SERVICE)).contains("IPAllocated", "Layer2Announced");
    }

    @Test
    void theKubeletGivesEachRoleOnlyWhatTheManifestPromises() throws Exception {
        for (Pod pod : awaitReady("controller", 2)) {
            Map<String, String> status = procStatus(pod);
            assertThat(status.get("Uid")).as(pod.getMetadata().getName()).isEqualTo("65532 65532 65532 65532");
            assertThat(status.get("Gid")).isEqualTo("65532 65532 65532 65532");
            assertCapabilities(status, 0);
            assertReadOnlyRootWithWritableTmp(pod);
        }
        for (Pod pod : awaitReady("speaker", 2)) {
            Map<String, String> status = procStatus(pod);
            assertThat(status.get("Uid")).as(pod.getMetadata().getName()).isEqualTo("0 0 0 0");
            assertCapabilities(status, CAP_NET_RAW);
            assertReadOnlyRootWithWritableTmp(pod);
        }
    }

    @Test
    void eachRoleRunsWithinItsMemoryLimitAsTheKubeletAccountsIt() throws Exception {
        List<Pod> pods = Stream.concat(awaitReady("controller", 2).stream(), awaitReady("speaker", 2).stream())
                .toList();
        for (Pod pod : pods) {
            Path cgroup = memoryCgroup(javaPid(pod));
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

    // ---- install steps -------------------------------------------------------------------------------

    /** The first shell block of README's "## Install" section, as a user pastes it. */
    private static String readmeInstallBlock() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## Install\n");
        int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        assertThat(block).contains("kubectl apply -f manifests/openelb.yaml", "create secret generic");
        return block;
    }

    /** A sample with the values a user changes for this lab; each must still be in the sample. */
    private static String edit(String sample, Map<String, String> replacements) throws IOException {
        String text = Files.readString(SAMPLES.resolve(sample));
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertThat(text).as(sample).contains(r.getKey());
            text = text.replace(r.getKey(), r.getValue());
        }
        return text;
    }

    private void connect(LocalCluster.Result env) throws IOException {
        Matcher config = Pattern.compile("export KUBECONFIG=(\\S+)").matcher(env.stdout());
        Matcher path = Pattern.compile("export PATH=([^:]+):").matcher(env.stdout());
        assertThat(config.find() && path.find()).as(env.stdout()).isTrue();
        kubectl = Path.of(path.group(1), "kubectl");
        kubectlEnv = new HashMap<>(ENV);
        kubectlEnv.put("KUBECONFIG", config.group(1));
        kubectlEnv.put("PATH", path.group(1) + ":" + System.getenv("PATH"));
        admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(
                Path.of(config.group(1))))).build();
    }

    // ---- reading the cluster -------------------------------------------------------------------------

    private List<Pod> pods(String component) {
        return admin.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", component).list().getItems();
    }

    private List<Pod> awaitReady(String component, int count) throws InterruptedException {
        return awaitValue(() -> pods(component), pods -> pods.size() == count
                && pods.stream().allMatch(RealNodesIT::ready), count + " Ready " + component + " Pods");
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

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

    private String awaitAddress(String service) throws InterruptedException {
        return awaitValue(() -> kubectl("get", "svc", service, "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}").strip(), s -> !s.isEmpty(),
                "an address for Service " + service);
    }

    private Event awaitEvent(String service, String reason) throws InterruptedException {
        return awaitValue(() -> latestEvent(service, reason), e -> e != null, reason + " Event on " + service);
    }

    /** The Service's latest Event with this reason, or null. */
    private Event latestEvent(String service, String reason) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> service.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .max(Comparator.comparing(e -> e.getEventTime() != null ? e.getEventTime().getTime()
                        : e.getLastTimestamp()))
                .orElse(null);
    }

    private static String kernelPart(String routes) {
        int kernel = routes.indexOf("== kernel");
        return kernel < 0 ? "" : routes.substring(kernel);
    }

    // ---- what the kernel gives the processes -----------------------------------------------------------

    /** The container's only process, found by its container id in /proc/PID/cgroup. */
    private long javaPid(Pod pod) throws IOException {
        ContainerStatus container = pod.getStatus().getContainerStatuses().get(0);
        String id = container.getContainerID().replaceFirst("^containerd://", "");
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(proc.resolve("cgroup")).contains(id)) {
                        pids.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // a process that ended while we looked
                }
            }
        }
        assertThat(pids).as("processes of container %s (%s)", id, pod.getMetadata().getName()).hasSize(1);
        long pid = pids.get(0);
        assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"))).startsWith("java\0");
        return pid;
    }

    private Map<String, String> procStatus(Pod pod) throws IOException {
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(javaPid(pod)), "status"))) {
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
        LocalCluster.Result root = kubectlResult("-n", NS, "exec", name, "--", "touch", "/written-by-test");
        assertThat(root.exitCode()).as("write to / in %s", name).isNotZero();
        assertThat(root.stderr()).contains("Read-only file system");
        LocalCluster.Result tmp = kubectlResult("-n", NS, "exec", name, "--", "touch", "/tmp/written-by-test");
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

    // ---- processes -----------------------------------------------------------------------------------

    private LocalCluster.Result inNamespace(String lab, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + lab));
        line.addAll(List.of(command));
        return LocalCluster.run(line, ENV, 60);
    }

    private String kubectl(String... args) {
        LocalCluster.Result r = kubectlResult(args);
        assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r.stdout();
    }

    private LocalCluster.Result kubectlResult(String... args) {
        return kubectlWithInput(null, args);
    }

    private void apply(String yaml) {
        LocalCluster.Result r = kubectlWithInput(yaml, "apply", "-f", "-");
        assertThat(r.exitCode()).as("kubectl apply:%n%s%n%s", yaml, r.stderr()).isZero();
    }

    private LocalCluster.Result kubectlWithInput(String input, String... args) {
        List<String> line = new ArrayList<>(List.of(kubectl.toString()));
        line.addAll(List.of(args));
        return LocalCluster.run(line, kubectlEnv, 120, input);
    }

    private LocalCluster.Result run(List<String> command, int timeoutSeconds) {
        LocalCluster.Result r = LocalCluster.run(command, kubectlEnv == null ? ENV : kubectlEnv, timeoutSeconds);
        assertThat(r.exitCode()).as("%s:%n%s%n%s", command, r.stdout(), r.stderr()).isZero();
        return r;
    }

    /** Every half second: each read starts a process (kubectl, the lab script). */
    private static <T> T awaitValue(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
        return IpamFixture.await(read, done, what, WAIT, Duration.ofMillis(500));
    }
}
