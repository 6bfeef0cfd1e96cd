package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The whole path with a real router: controller and two speakers (in the lab's node namespaces, with
 * their ServiceAccounts) against the real API server, BIRD as the router. A Service's address shows up
 * in the router's kernel table as one route with both nodes as next hops, and goes when the Service goes.
 */
class BgpLabIT {
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
                spec: {as: 64513}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v4}
                spec:
                  conf: {peerAs: 64512, neighborAddress: 10.77.0.1}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v6}
                spec:
                  conf: {peerAs: 64512, neighborAddress: "fd77::1"}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                """, "apply", "-f", "-");
        Path dir = Files.createTempDirectory("bgp-it");
        Path speakerConfig = cluster.kubeconfigFor("openelb-system", "openelb-speaker", dir);
        for (int i = 1; i <= lab.nodes(); i++) {
            processes.add(OpenElbProcess.startIn(Lab.nodeNamespace(i), speakerConfig, dir, Lab.nodeName(i),
                    "--role=speaker", "--node-name=" + Lab.nodeName(i)));
        }
        processes.add(OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir,
                "controller", "--role=controller"));
        for (OpenElbProcess p : processes) {
            p.awaitReady(Duration.ofSeconds(60));
        }
        f = new IpamFixture(cluster.admin(), "bgp");
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.deleteServices();
        }
        for (OpenElbProcess p : processes) {
            p.close();
        }
        cluster.kubectl("delete", "--ignore-not-found", "bgppeer/lab-router-v4", "bgppeer/lab-router-v6",
                "bgpconf/default");
        IpamFixture.removeLeftovers(cluster.admin());
        Lab.down();
    }

    private static String kernelRoute(String family, String address) {
        return LocalCluster.run(List.of("ip", "-n", "oelb-router", family, "route", "show", address), Map.of(), 10)
                .stdout();
    }

    @Test
    void aServiceAddressIsRoutedToBothNodesAndWithdrawnWhenTheServiceGoes() throws Exception {
        f.eip("it-bgp-v4", "192.0.2.192/28");
        f.eip("it-bgp-v6", "2001:db8:99::/120");
        f.service("web");
        f.service("web6", Map.of(), 80, "SingleStack", "IPv6");
        String v4 = f.awaitIngress("web").get(0);
        String v6 = f.awaitIngress("web6").get(0);

        String route4 = IpamFixture.await(() -> kernelRoute("-4", v4),
                r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"), "ECMP route for " + v4 + " in BIRD's kernel");
        String route6 = IpamFixture.await(() -> kernelRoute("-6", v6),
                r -> r.contains("fd77::11") && r.contains("fd77::12"), "ECMP route for " + v6 + " in BIRD's kernel");
        assertThat(route4).contains("proto bird", "nexthop via 10.77.0.11", "nexthop via 10.77.0.12");
        assertThat(route6).contains("nexthop via fd77::11", "nexthop via fd77::12");

        f.delete("web");
        IpamFixture.await(() -> kernelRoute("-4", v4), String::isBlank, "route for " + v4 + " withdrawn");
    }
}
