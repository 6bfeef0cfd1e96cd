package io.openelb.it;

import io.openelb.api.v1alpha2.BgpConf;
import io.openelb.api.v1alpha2.BgpPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The moving parts of one BGP lab IT: the lab with its router, the BgpConf/BgpPeer objects, a speaker
 * per node and a controller (each as its ServiceAccount, ready), a fixture for Eips and Services; and
 * their teardown, which leaves the control plane as it found it.
 */
final class LabRun implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** BgpConf default (AS 64513) and one IPv4 BgpPeer to the lab router (BIRD's AS 64512), fast timers. */
    static final String V4_ROUTER = """
            apiVersion: network.kubesphere.io/v1alpha2
            kind: BgpConf
            metadata: {name: default}
            spec: {as: 64513}
            ---
            apiVersion: network.kubesphere.io/v1alpha2
            kind: BgpPeer
            metadata: {name: lab-router-v4}
            spec:
              conf: {peerAs: 64512, neighborAddress: 10.77.0.1}
              timers: {config: {holdTime: "9", connectRetry: "1"}}
            """;
    final LocalCluster cluster;
    final Lab lab;
    final Path dir;
    final List<OpenElbProcess> speakers;
    final OpenElbProcess controller;
    final IpamFixture f;
    private final String bgpObjects;

    private LabRun(LocalCluster cluster, Lab lab, Path dir, List<OpenElbProcess> speakers, OpenElbProcess controller,
            IpamFixture f, String bgpObjects) {
        this.cluster = cluster;
        this.lab = lab;
        this.dir = dir;
        this.speakers = speakers;
        this.controller = controller;
        this.f = f;
        this.bgpObjects = bgpObjects;
    }

    /**
     * Builds the lab ({@code labOptions} go to {@code hack/lab.sh up}), applies {@code bgpObjects} (YAML),
     * starts {@code speakerNodes} speakers (nodes 1..n; the others are Nodes without a speaker) and the
     * controller, and waits until all are ready.
     */
    static LabRun start(String name, String router, int nodes, int speakerNodes, String bgpObjects,
            String... labOptions) throws Exception {
        LocalCluster cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        // the IT cluster's BGP objects are this lab's alone: one left by another test (a second peer for
        // the router, an older one) would change what this lab's speakers do
        cluster.admin().resources(BgpPeer.class).delete();
        cluster.admin().resources(BgpConf.class).delete();
        cluster.admin().resources(io.openelb.api.v1alpha2.BgpAdvertisement.class).delete();
        Lab lab = Lab.up(cluster, router, nodes, labOptions);
        cluster.kubectlWithInput(bgpObjects, "apply", "-f", "-");
        Path dir = Files.createTempDirectory(name + "-it");
        List<OpenElbProcess> speakers = new ArrayList<>();
        OpenElbProcess controller = null;
        try {
            for (int i = 1; i <= speakerNodes; i++) {
                speakers.add(lab.startSpeaker(i, dir, Lab.nodeName(i)));
            }
            controller = OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir),
                    dir, "controller", "--role=controller");
            // three JVMs starting at once on a loaded 2-core machine: 30 s each is not unusual
            for (OpenElbProcess p : speakers) {
                p.awaitReady(READY_TIMEOUT);
            }
            controller.awaitReady(READY_TIMEOUT);
        } catch (Exception | AssertionError e) {
            // a process left running would hold the Lease (or the node's session) for the next test
            for (OpenElbProcess p : speakers) {
                p.close();
            }
            if (controller != null) {
                controller.close();
            }
            cluster.kubectlWithInput(bgpObjects, "delete", "--ignore-not-found", "-f", "-");
            Lab.down();
            throw e;
        }
        return new LabRun(cluster, lab, dir, speakers, controller, new IpamFixture(cluster.admin(), name), bgpObjects);
    }

    /** A speaker for lab node {@code i}, as the others were started, logging to {@code logName}. */
    OpenElbProcess startSpeaker(int i, String logName) throws InterruptedException {
        return lab.startSpeaker(i, dir, logName).awaitReady(READY_TIMEOUT);
    }

    @Override
    public void close() throws Exception {
        f.deleteServices();
        for (OpenElbProcess p : speakers) {
            p.close();
        }
        controller.close();
        cluster.kubectlWithInput(bgpObjects, "delete", "--ignore-not-found", "-f", "-");
        IpamFixture.removeLeftovers(cluster.admin());
        Lab.down();
    }
}
