package io.openelb.it;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenELB's ADD-PATH mode (RFC 7911) with BIRD ("add paths rx"): only node1 peers with the router, yet
 * the router gets one path per eligible node, each node as next hop, and installs them as ECMP; a node
 * that stops being eligible loses its path.
 */
class BgpAddPathIT {
    private static LabRun run;
    private static Lab lab;
    private static IpamFixture f;

    @BeforeAll
    static void start() throws Exception {
        run = LabRun.start("addpath", "bird", 2, 2, """
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: default}
                spec: {as: 64513}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-addpath}
                spec:
                  conf: {peerAs: 64512, neighborAddress: 10.77.0.1}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                  nodeSelector: {matchLabels: {kubernetes.io/hostname: node1}}
                  afiSafis:
                    - config: {family: {afi: AFI_IP, safi: SAFI_UNICAST}, enabled: true}
                      addPaths: {config: {sendMax: 8}}
                """);
        lab = run.lab;
        f = run.f;
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            lab.describeNode(2, true);
            run.close();
        }
    }

    private static String route(String address) {
        return LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "route", "show", address), Map.of(), 10).stdout();
    }

    @Test
    void oneSessionCarriesAPathPerEligibleNodeWithThatNodeAsNextHop() throws Exception {
        f.eip("it-bgp-addpath", "192.0.2.144/28");
        f.service("web");
        String address = f.awaitIngress("web").get(0);

        IpamFixture.await(() -> route(address), r -> r.contains("nexthop via 10.77.0.11")
                && r.contains("nexthop via 10.77.0.12"), "ECMP route for " + address + " from node1's session alone");
        String protocols = LocalCluster.run(List.of("hack/lab.sh", "status"), Map.of(), 30).stdout();
        org.assertj.core.api.Assertions.assertThat(protocols).containsPattern("node1_v4 +BGP .* up .*Established")
                .doesNotContainPattern("node2_v4 +BGP .* up .*Established");

        lab.describeNode(2, false);
        IpamFixture.await(() -> route(address), r -> r.contains("via 10.77.0.11") && !r.contains("10.77.0.12"),
                "node2's path withdrawn when it is not Ready");
    }
}
