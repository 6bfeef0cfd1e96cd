package io.openelb.it;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Map;

/**
 * The router lab of {@code hack/lab.sh} (BIRD, FRR or GoBGP in a router namespace, node namespaces
 * where speakers run), its nodes described to the API server as Node objects, and the API server
 * relayed into every node namespace at the same loopback address.
 */
final class Lab {
    /**
     * The tests' own lab, apart from the one hack/local-up.sh keeps up (oelb-, /tmp/openelb-lab), so running
     * the tests leaves the quick start alone. Neither prefix may start with the other: hack/lab.sh down
     * deletes every namespace that starts with its prefix (TestsApartFromQuickStartTest checks both).
     */
    static final String DEFAULT_PREFIX = "oit-";
    static final String DEFAULT_DIR = "/tmp/openelb-it-lab";
    /** Namespace prefix; OPENELB_LAB_PREFIX (with another OPENELB_LAB_DIR) runs a second lab beside. */
    static final String PREFIX = System.getenv().getOrDefault("OPENELB_LAB_PREFIX", DEFAULT_PREFIX);
    /** State of hack/lab.sh: configs, sockets (bird/bird.ctl), pid files, logs. */
    static final java.nio.file.Path DIR = java.nio.file.Path.of(
            System.getenv().getOrDefault("OPENELB_LAB_DIR", DEFAULT_DIR));
    /** What every command the tests run (hack/lab.sh above all, through {@link LocalCluster#run}) sees. */
    static final Map<String, String> ENV = Map.of("OPENELB_LAB_PREFIX", PREFIX, "OPENELB_LAB_DIR", DIR.toString());
    static final String ROUTER_NS = PREFIX + "router";
    static final String CLIENT_NS = PREFIX + "client";
    static final String NODE_NS_PREFIX = PREFIX + "node";

    private final LocalCluster cluster;
    private final int nodes;

    private Lab(LocalCluster cluster, int nodes) {
        this.cluster = cluster;
        this.nodes = nodes;
    }

    /** Builds the lab anew with this router and node count; the API server becomes reachable from the nodes. */
    static Lab up(LocalCluster cluster, String router, int nodes, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("hack/lab.sh", "up", "--router", router, "--nodes",
                String.valueOf(nodes)));
        command.addAll(List.of(options));
        check(LocalCluster.run(command, Map.of(), 600), "lab up");
        check(LocalCluster.run(List.of("hack/lab.sh", "relay-apiserver", cluster.apiServerHostPort()), Map.of(), 60),
                "relay");
        Lab lab = new Lab(cluster, nodes);
        for (int i = 1; i <= nodes; i++) {
            lab.describeNode(i, true);
        }
        return lab;
    }

    /** {@code kill}: SIGKILL the router daemon; {@code start}: start it again as it was. */
    void router(String what) {
        check(LocalCluster.run(List.of("hack/lab.sh", "router", what), Map.of(), 120), "router " + what);
    }

    static void down() {
        LocalCluster.run(List.of("hack/lab.sh", "down"), Map.of(), 120);
    }

    static String nodeName(int i) {
        return "node" + i;
    }

    static String nodeNamespace(int i) {
        return NODE_NS_PREFIX + i;
    }

    static String nodeAddress(int i) {
        return "10.77.0." + (10 + i);
    }

    int nodes() {
        return nodes;
    }

    /**
     * Starts a speaker in each node's namespace, as its node, with the speaker ServiceAccount's token,
     * logs in {@code dir}; does not wait for readiness.
     */
    List<OpenElbProcess> startSpeakers(java.nio.file.Path dir, String... options) {
        List<OpenElbProcess> speakers = new java.util.ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            speakers.add(startSpeaker(i, dir, nodeName(i), options));
        }
        return speakers;
    }

    /** One speaker, for node {@code i}, logging to {@code logName}.log in {@code dir}; does not wait. */
    OpenElbProcess startSpeaker(int i, java.nio.file.Path dir, String logName, String... options) {
        return startSpeaker(i, dir, logName, List.of("-Xmx256m"), java.util.Map.of(), options);
    }

    /** {@link #startSpeaker(int, java.nio.file.Path, String, String...)} with these JVM flags and environment. */
    OpenElbProcess startSpeaker(int i, java.nio.file.Path dir, String logName, List<String> jvmFlags,
            java.util.Map<String, String> env, String... options) {
        return launchSpeaker(i, dir, logName, jvmFlags, env,
                cluster.kubeconfigFor("openelb-system", "openelb-speaker", dir), options);
    }

    /**
     * {@link #startSpeaker(int, java.nio.file.Path, String, List, java.util.Map, String...)} given the API server
     * as in its Pod ({@link LocalCluster#withPodCredentials}) instead of a kubeconfig.
     */
    OpenElbProcess startSpeakerAsInPod(int i, java.nio.file.Path dir, String logName, List<String> jvmFlags,
            java.util.Map<String, String> env, String... options) {
        return launchSpeaker(i, dir, logName, jvmFlags,
                cluster.withPodCredentials(env, "openelb-system", "openelb-speaker", dir), null, options);
    }

    /** The speaker of node i in its namespace; {@code kubeconfig} null: {@code env} gives the API server. */
    private OpenElbProcess launchSpeaker(int i, java.nio.file.Path dir, String logName, List<String> jvmFlags,
            java.util.Map<String, String> env, java.nio.file.Path kubeconfig, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("--role=speaker", "--node-name=" + nodeName(i)));
        args.addAll(List.of(options));
        return OpenElbProcess.startIn(nodeNamespace(i), jvmFlags, env, kubeconfig, dir, logName,
                args.toArray(String[]::new));
    }

    /**
     * Creates or updates the Node object of lab node i as a kubelet would (InternalIP, Ready); no kubelet
     * runs here, so the condition stays as the test sets it.
     */
    void describeNode(int i, boolean ready) {
        var admin = cluster.admin();
        Node node = admin.nodes().withName(nodeName(i)).get();
        if (node == null) {
            node = admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(nodeName(i))
                    .addToLabels("kubernetes.io/hostname", nodeName(i)).endMetadata().build()).create();
        }
        admin.nodes().withName(nodeName(i)).editStatus(n -> new NodeBuilder(n).editOrNewStatus()
                .withAddresses(List.of(
                        new io.fabric8.kubernetes.api.model.NodeAddress(nodeAddress(i), "InternalIP"),
                        new io.fabric8.kubernetes.api.model.NodeAddress(nodeName(i), "Hostname")))
                .withConditions(new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready")
                        .withStatus(ready ? "True" : "False").withReason(ready ? "KubeletReady" : "KubeletNotReady")
                        .withLastTransitionTime(java.time.Instant.now().toString().replaceAll("\\.\\d+Z$", "Z"))
                        .build())
                .endStatus().build());
    }

    private static void check(LocalCluster.Result result, String what) {
        if (result.exitCode() != 0) {
            throw new AssertionError(what + " failed: " + result.stderr() + result.stdout());
        }
    }
}
