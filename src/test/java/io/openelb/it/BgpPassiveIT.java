package io.openelb.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Passive mode: the speakers listen on BgpConf {@code listenPort} and never connect; BIRD connects to
 * them, and the Service's address still reaches it from both nodes.
 */
class BgpPassiveIT {
    private static LocalCluster cluster;
    private static final List<OpenElbProcess> processes = new ArrayList<>();
    private static IpamFixture f;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        Lab lab = Lab.up(cluster, "bird", 2);
        cluster.kubectlWithInput("""
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: default}
                spec: {as: 64513, listenPort: 179}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-passive}
                spec:
                  conf: {peerAs: 64512, neighborAddress: 10.77.0.1}
                  transport: {passiveMode: true}
                  timers: {config: {holdTime: "9"}}
                """, "apply", "-f", "-");
        Path dir = Files.createTempDirectory("bgp-passive-it");
        processes.addAll(lab.startSpeakers(dir));
        processes.add(OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir,
                "controller", "--role=controller"));
        for (OpenElbProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(60));
        }
        f = new IpamFixture(cluster.admin(), "passive");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.deleteServices();
        }
        for (OpenElbProcess p : processes) {
            p.close();
        }
        cluster.kubectl("delete", "--ignore-not-found", "bgppeer/lab-router-passive", "bgpconf/default");
        IpamFixture.removeLeftovers(cluster.admin());
        Lab.down();
    }

    @Test
    void theRouterConnectsToTheListeningSpeakersAndGetsTheRoute() throws Exception {
        f.eip("it-bgp-passive", "192.0.2.224/28");
        f.service("web");
        String address = f.awaitIngress("web").get(0);

        IpamFixture.await(() -> LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "route", "show", address),
                Map.of(), 10).stdout(), r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"),
                "ECMP route for " + address + " learnt over sessions BIRD opened");
        for (OpenElbProcess speaker : processes.subList(0, 2)) {
            IpamFixture.await(speaker::log, l -> l.contains("listening for BGP on port 179"), "listener up");
        }
    }
}
