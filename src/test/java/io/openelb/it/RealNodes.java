package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Two real nodes in a lab of their own (hack/nodes.sh: kubelet, containerd and kube-proxy in the lab's node
 * namespaces, the API server on its own port and state dir), the image from {@code hack/image.sh} imported
 * into both, and what the tests on them read: kubectl as a user runs it, the Pods of each role, the
 * router's routes, the processes the kubelet started. Each IT class gets its own settings, so that one
 * never meets another's leftovers.
 */
final class RealNodes implements AutoCloseable {
    static final List<String> NODES = List.of("node1", "node2");
    static final Map<String, String> NODE_ADDRESS = Map.of("node1", "10.77.0.11", "node2", "10.77.0.12");
    static final String ROUTER = "10.77.0.1";
    static final String NS = "openelb-system";
    static final Path SAMPLES = Path.of("manifests", "samples");
    static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern ARPING_REPLY = Pattern.compile("bytes from ([0-9a-f:]{17}) ");

    final Map<String, String> env;
    final String prefix;
    private final Path image;
    private Map<String, String> kubectlEnv;
    private Path kubectl;
    private KubernetesClient admin;

    /** {@code settings}: OPENELB_CLUSTER_DIR, OPENELB_APISERVER_PORT, OPENELB_LAB_PREFIX and OPENELB_LAB_DIR. */
    RealNodes(Map<String, String> settings, Path image) {
        this.env = Map.copyOf(settings);
        this.prefix = settings.get("OPENELB_LAB_PREFIX");
        this.image = image;
    }

    /** From nothing: the image built, the lab, API server and nodes started, the image imported. */
    void up() throws IOException {
        stopAndForget(); // leftovers of an interrupted run: start from nothing
        Files.createDirectories(image.getParent());
        run(List.of("hack/image.sh", image.toString()), 1800);
        run(List.of("hack/nodes.sh", "up", String.valueOf(NODES.size())), 3600);
        connect(run(List.of("hack/cluster.sh", "env"), 60));
        run(List.of("hack/nodes.sh", "import", image.toString()), 600);
    }

    /** Nodes, API server and lab stopped; the API server's state (etcd, the nodes' containerd) deleted. */
    void stopAndForget() {
        run(List.of("hack/nodes.sh", "down", "--all"), 600);
        // without the marker the dir holds only the scripts' lock files: no API server state to delete
        if (Files.exists(Path.of(env.get("OPENELB_CLUSTER_DIR"), ".openelb-cluster"))) {
            run(List.of("hack/cluster.sh", "down", "--purge"), 120);
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        stopAndForget();
    }

    long imageBytes() throws IOException {
        return Files.size(image);
    }

    private void connect(LocalCluster.Result clusterEnv) throws IOException {
        Matcher config = Pattern.compile("export KUBECONFIG=(\\S+)").matcher(clusterEnv.stdout());
        Matcher path = Pattern.compile("export PATH=([^:]+):").matcher(clusterEnv.stdout());
        assertThat(config.find() && path.find()).as(clusterEnv.stdout()).isTrue();
        kubectl = Path.of(path.group(1), "kubectl");
        kubectlEnv = new HashMap<>(env);
        kubectlEnv.put("KUBECONFIG", config.group(1));
        kubectlEnv.put("PATH", path.group(1) + ":" + System.getenv("PATH"));
        admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(
                Path.of(config.group(1))))).build();
    }

    KubernetesClient admin() {
        return admin;
    }

    // ---- what a user applies ----------------------------------------------------------------------------

    /**
     * The samples for BGP (but its Eip, which the install steps apply) and Layer 2 with only the values a
     * user changes for this lab (AS numbers, the router's address, no fixed router id, no rack selector, a
     * Layer 2 range on the lab's segment), then waits for both nodes' sessions with the router, as a user
     * checks them before relying on them.
     */
    void applySamples(String layer2Range) throws IOException, InterruptedException {
        apply(edit("bgpconf.yaml", Map.of("  as: 50001\n", "  as: 64513\n", "  routerId: 192.0.2.10\n", "")));
        apply(edit("bgppeer.yaml", Map.of("peerAs: 50000", "peerAs: 64512",
                "neighborAddress: 192.0.2.1\n", "neighborAddress: " + ROUTER + "\n",
                "  nodeSelector:\n    matchLabels:\n      openelb.kubesphere.io/rack: rack-a\n", "")));
        apply(edit("eip-layer2.yaml", Map.of("198.51.100.188-198.51.100.200", layer2Range)));
        awaitValue(() -> kubectl("get", "eips", "-o", "name"), s -> s.contains("eip-sample-layer2")
                && s.contains("eip-sample-bgp"), "both Eips");
        awaitValue(() -> kubectl("get", "bgppeer", "bgppeer-sample", "-o",
                "jsonpath={range .status.nodesPeerStatus.*}{.peerState.sessionState} {end}"),
                s -> s.equals("ESTABLISHED ".repeat(NODES.size())), "both nodes' sessions with the router");
    }

    /** The first shell block of README's section {@code heading} ("## Install"), as a user pastes it. */
    static String readmeShellBlock(String heading) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n" + heading + "\n");
        assertThat(section).as("README section %s", heading).isNotNegative();
        int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** What an uninstall must not strand: a namespace with a LoadBalancer Service "web" that has its address. */
    void serveInNewNamespace(String namespace) throws IOException, InterruptedException {
        kubectl("create", "namespace", namespace);
        applyService(namespace, "web", "eip-sample-bgp");
        awaitValue(() -> kubectl("-n", namespace, "get", "svc", "web", "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}"), s -> !s.isBlank(), "an address for "
                + namespace + "/web");
    }

    /**
     * After an uninstall: no Service carries OpenELB's finalizer, and these Services (in "default") and
     * namespaces delete within their timeouts, with no controller running.
     */
    void deleteWithNothingOfOursInTheWay(List<String> services, List<String> namespaces) {
        assertThat(kubectl("get", "svc", "-A", "-o", "jsonpath={.items[*].metadata.finalizers}"))
                .doesNotContain("finalizer.lb.kubesphere.io");
        List<String> deleteServices = new ArrayList<>(List.of("delete", "svc"));
        deleteServices.addAll(services);
        deleteServices.add("--timeout=30s");
        kubectl(deleteServices.toArray(String[]::new));
        namespaces.forEach(ns -> kubectl("delete", "namespace", ns, "--timeout=60s"));
        assertThat(kubectl("get", "namespaces", "-o", "name")).doesNotContain(
                namespaces.stream().map(ns -> "namespace/" + ns).toArray(String[]::new));
    }

    /** The ETP=Cluster Service sample under another name, from the Eip {@code eip}. */
    void applyService(String name, String eip) throws IOException {
        applyService("default", name, eip);
    }

    void applyService(String namespace, String name, String eip) throws IOException {
        apply(edit("service-etp-cluster.yaml", Map.of("name: web-cluster", "name: " + name,
                "namespace: default", "namespace: " + namespace, "v1alpha2: eip-sample-bgp", "v1alpha2: " + eip)));
    }

    /** A sample with the values a user changes for this lab; each must still be in the sample. */
    static String edit(String sample, Map<String, String> replacements) throws IOException {
        String text = Files.readString(SAMPLES.resolve(sample));
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertThat(text).as(sample).contains(r.getKey());
            text = text.replace(r.getKey(), r.getValue());
        }
        return text;
    }

    void apply(String yaml) {
        LocalCluster.Result r = kubectlWithInput(yaml, "apply", "-f", "-");
        assertThat(r.exitCode()).as("kubectl apply:%n%s%n%s", yaml, r.stderr()).isZero();
    }

    // ---- reading the cluster ----------------------------------------------------------------------------

    List<Pod> pods(String component) {
        return admin.pods().inNamespace(NS).withLabel("app.kubernetes.io/component", component).list().getItems();
    }

    List<Pod> awaitReady(String component, int count) throws InterruptedException {
        return awaitValue(() -> pods(component), pods -> pods.size() == count
                && pods.stream().allMatch(RealNodes::ready), count + " Ready " + component + " Pods");
    }

    static boolean ready(Pod pod) {
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The Lease's holder identity (PID@Pod name), "" when it has none. */
    String leaseHolder() {
        var lease = admin.leases().inNamespace(NS).withName("openelb-controller").get();
        return lease == null || lease.getSpec().getHolderIdentity() == null ? ""
                : lease.getSpec().getHolderIdentity();
    }

    /** The controller Pod whose name the Lease's holder identity ends with. */
    Pod leader() throws InterruptedException {
        List<Pod> controllers = awaitReady("controller", 2);
        String holder = leaseHolder();
        List<Pod> leaders = controllers.stream().filter(p -> holder.endsWith("@" + p.getMetadata().getName()))
                .toList();
        assertThat(leaders).as("Lease holder %s", holder).hasSize(1);
        return leaders.get(0);
    }

    String awaitAddress(String service) throws InterruptedException {
        return awaitValue(() -> address(service), s -> !s.isEmpty(), "an address for Service " + service);
    }

    /** The Service's first ingress address, "" when it has none. */
    String address(String service) {
        return kubectl("get", "svc", service, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").strip();
    }

    Event awaitEvent(String service, String reason) throws InterruptedException {
        return awaitValue(() -> latestEvent(service, reason), e -> e != null, reason + " Event on " + service);
    }

    /** The Service's latest Event with this reason, or null. */
    Event latestEvent(String service, String reason) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> service.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .max(Comparator.comparing(e -> e.getEventTime() != null ? e.getEventTime().getTime()
                        : e.getLastTimestamp()))
                .orElse(null);
    }

    /** The router's kernel route to {@code address}/32 ("" when it has none), as `ip route` prints it. */
    String kernelRoute(String address) {
        return inNamespace("router", "ip", "-4", "route", "show", address + "/32").stdout();
    }

    /** Waits until the router's kernel routes {@code address} through both nodes; returns the lab's view. */
    String awaitRouteViaBothNodes(String address) throws InterruptedException {
        return awaitValue(() -> kernelRoute(address), RealNodes::viaBothNodes,
                "the router's kernel route to " + address + " via both nodes");
    }

    /** BIRD's {@code show protocols}: a line per session ({@code node1_v4 BGP --- up 12:52:58.876 Established}). */
    String birdProtocols() {
        return inNamespace("router", "birdc", "-s", env.get("OPENELB_LAB_DIR") + "/bird/bird.ctl", "show", "protocols")
                .stdout();
    }

    /** Whether BIRD's session with {@code node} (IPv4) is Established in {@link #birdProtocols()}' text. */
    static boolean established(String protocols, String node) {
        return protocols.lines().anyMatch(l -> l.startsWith(node + "_v4 ") && l.strip().endsWith(" Established"));
    }

    static boolean viaBothNodes(String route) {
        return NODE_ADDRESS.values().stream().allMatch(a -> route.contains("nexthop via " + a + " "));
    }

    /** The MACs of the ARP replies the lab's client gets for {@code address} (three requests). */
    List<String> arping(String address) {
        List<String> replies = new ArrayList<>();
        Matcher m = ARPING_REPLY.matcher(inNamespace("client", "arping", "-c", "3", "-w", "4", "-i", "eth0",
                address).stdout());
        while (m.find()) {
            replies.add(m.group(1));
        }
        return replies;
    }

    // ---- the processes the kubelet started -------------------------------------------------------------

    /** The container's only process, found by its container id in /proc/PID/cgroup. */
    long javaPid(Pod pod) throws IOException {
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

    // ---- processes ----------------------------------------------------------------------------------------

    LocalCluster.Result inNamespace(String lab, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", prefix + lab));
        line.addAll(List.of(command));
        return LocalCluster.run(line, env, 60);
    }

    String kubectl(String... args) {
        LocalCluster.Result r = kubectlResult(args);
        assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r.stdout();
    }

    LocalCluster.Result kubectlResult(String... args) {
        return kubectlWithInput(null, args);
    }

    private LocalCluster.Result kubectlWithInput(String input, String... args) {
        List<String> line = new ArrayList<>(List.of(kubectl.toString()));
        line.addAll(List.of(args));
        return LocalCluster.run(line, kubectlEnv, 120, input);
    }

    /** A command with the settings (and, once connected, KUBECONFIG and kubectl on PATH); must exit 0. */
    LocalCluster.Result run(List<String> command, int timeoutSeconds) {
        return run(command, Map.of(), timeoutSeconds);
    }

    LocalCluster.Result run(List<String> command, Map<String, String> extraEnv, int timeoutSeconds) {
        Map<String, String> all = new HashMap<>(kubectlEnv == null ? env : kubectlEnv);
        all.putAll(extraEnv);
        LocalCluster.Result r = LocalCluster.run(command, all, timeoutSeconds);
        assertThat(r.exitCode()).as("%s:%n%s%n%s", command, r.stdout(), r.stderr()).isZero();
        return r;
    }

    /** Every half second: each read starts a process (kubectl, the lab script). */
    static <T> T awaitValue(Supplier<T> read, Predicate<T> done, String what) throws InterruptedException {
        return IpamFixture.await(read, done, what, WAIT, Duration.ofMillis(500));
    }
}
