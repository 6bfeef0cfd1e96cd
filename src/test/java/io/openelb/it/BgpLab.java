package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole path with a real router: controller and two speakers (in the lab's node namespaces, with
 * their ServiceAccounts) against the real API server. A Service's address shows up in the router with
 * both nodes as next hops (for BIRD and FRR as one ECMP route in its kernel table, for GoBGP as a
 * multipath set in its RIB), and goes when the Service goes. One subclass per router.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BgpLab {
    private LabRun run;
    private LocalCluster cluster;
    private List<OpenElbProcess> speakers;
    private IpamFixture f;

    /** bird, frr or gobgp, as hack/lab.sh names them. */
    abstract String router();

    @BeforeAll
    void start() throws Exception {
        // the quick start's BGP objects: IPv4 and IPv6 sessions from every node to the router
        run = LabRun.start("bgp", router(), 2, 2, Files.readString(Path.of("hack/lab/bgp.yaml")));
        cluster = run.cluster;
        speakers = run.speakers;
        f = run.f;
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    /**
     * Where the router keeps the route: the kernel table for BIRD and FRR (they program it, ECMP), the
     * RIB for GoBGP (it cannot program the kernel here).
     */
    private String routes(String prefix) {
        if (router().equals("gobgp")) {
            String family = prefix.contains(":") ? "ipv6" : "ipv4";
            return LocalCluster.run(List.of("ip", "netns", "exec", Lab.ROUTER_NS, "gobgp", "-p", "50051", "global",
                    "rib", "-a", family, prefix), Map.of(), 10).stdout();
        }
        return LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, prefix.contains(":") ? "-6" : "-4", "route",
                "show", prefix.replaceAll("/\\d+$", "")), Map.of(), 10).stdout();
    }

    @Test
    void aServiceAddressIsRoutedToBothNodesAndWithdrawnWhenTheServiceGoes() throws Exception {
        // the Event names the nodes whose sessions the BgpPeers' status shows Established when the address
        // is first announced: both, once their speakers' status writes are in
        IpamFixture.await(() -> cluster.kubectl("get", "bgppeer", "lab-router-v4", "-o",
                "jsonpath={range .status.nodesPeerStatus.*}{.peerState.sessionState} {end}"),
                s -> s.trim().equals("ESTABLISHED ESTABLISHED"), "both nodes ESTABLISHED in the status");
        f.eip("it-bgp-v4", "192.0.2.192/28");
        f.eip("it-bgp-v6", "2001:db8:99::/120");
        f.service("web");
        f.service("web6", Map.of(), 80, "SingleStack", "IPv6");
        String v4 = f.awaitIngress("web").get(0) + "/32";
        String v6 = f.awaitIngress("web6").get(0) + "/128";

        String route4 = IpamFixture.await(() -> routes(v4), r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"),
                "both next hops for " + v4 + " in " + router());
        String route6 = IpamFixture.await(() -> routes(v6), r -> r.contains("fd77::11") && r.contains("fd77::12"),
                "both next hops for " + v6 + " in " + router());
        if (!router().equals("gobgp")) {
            assertThat(route4).contains("nexthop via 10.77.0.11", "nexthop via 10.77.0.12");
            assertThat(route6).contains("nexthop via fd77::11", "nexthop via fd77::12");
        }
        // what kubectl describe svc shows: one Event for the cluster, not one per node
        f.awaitEvent("web", "BgpAnnounced: " + v4.replace("/32", "") + " announced over BGP by 2 nodes: node1, "
                + "node2");

        f.delete("web");
        IpamFixture.await(() -> routes(v4), r -> !r.contains("10.77.0.1"), v4 + " withdrawn from " + router());
    }

    /** eBGP without multihop: the router is the next hop, so packets leave with TTL 1, as GoBGP sends them. */
    @Test
    void ebgpPacketsLeaveTheSpeakerWithTtl1() {
        String capture = LocalCluster.run(List.of("ip", "netns", "exec", Lab.ROUTER_NS, "timeout", "10", "tcpdump",
                "-i", "eth0", "-c", "1", "-v", "-n", "src host 10.77.0.11 and tcp dst port 179"), Map.of(), 20).stdout();
        assertThat(capture).as("a BGP packet from node1 (KEEPALIVE every 3 s)").contains("ttl 1,");
    }

    @Test
    void eachSpeakerReportsItsSessionsInBgpPeerStatusAndMetrics() throws Exception {
        String states = IpamFixture.await(() -> cluster.kubectl("get", "bgppeer", "lab-router-v4", "-o",
                "jsonpath={range .status.nodesPeerStatus.*}{.peerState.sessionState} {end}"),
                s -> s.trim().equals("ESTABLISHED ESTABLISHED"), "both nodes ESTABLISHED in the status");
        assertThat(states.trim()).isEqualTo("ESTABLISHED ESTABLISHED");
        assertThat(cluster.kubectl("get", "bgppeer", "lab-router-v4", "-o",
                "jsonpath={.status.nodesPeerStatus.node1.timersState.negotiatedHoldTime}")).isEqualTo("9");
        assertThat(IpamFixture.await(() -> cluster.kubectl("get", "bgppeer", "lab-router-v4", "-o",
                "jsonpath={.status.nodesPeerStatus.node1.peerState.messages.sent.open}"), v -> !v.isEmpty(),
                "message counters in the status")).isEqualTo("1");
        assertThat(cluster.kubectl("get", "bgpconf", "default", "-o",
                "jsonpath={.status.nodesConfStatus.node2.as} {.status.nodesConfStatus.node2.routerId}"))
                .isEqualTo("64513 10.77.0.12");
        assertThat(speakers).hasSize(2);
        for (OpenElbProcess speaker : speakers) {
            assertThat(speaker.metrics()).contains("openelb_bgp_session_up{peer=\"lab-router-v4\"} 1.0",
                    "openelb_bgp_session_up{peer=\"lab-router-v6\"} 1.0",
                    "openelb_bgp_messages_received_total{peer=\"lab-router-v4\",type=\"open\"} 1.0");
        }
    }

    @Test
    void externalTrafficPolicyLocalIsAnnouncedOnlyByNodesWithAReadyEndpoint() throws Exception {
        f.eip("it-bgp-local", "192.0.2.208/28");
        f.admin.services().inNamespace(f.namespace).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("local").withNamespace(f.namespace).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass("openelb.kubesphere.io/openelb")
                .withExternalTrafficPolicy("Local").withAllocateLoadBalancerNodePorts(false)
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
        String address = f.awaitIngress("local").get(0) + "/32";
        endpointsOn("node1");

        IpamFixture.await(() -> routes(address), r -> r.contains("10.77.0.11") && !r.contains("10.77.0.12"),
                address + " via node1 only");
        endpointsOn("node2");
        IpamFixture.await(() -> routes(address), r -> r.contains("10.77.0.12") && !r.contains("10.77.0.11"),
                address + " moved to node2 with its endpoint");
        f.admin.discovery().v1().endpointSlices().inNamespace(f.namespace).withName("local-1").delete();
        IpamFixture.await(() -> routes(address), r -> !r.contains("10.77.0.1"), address + " withdrawn");
        // the move from node1 to node2 is node-level detail: the Service's Events say only "on" and "off"
        String ip = address.replace("/32", "");
        String withdrawn = f.awaitEvent("local", "BgpWithdrawn: " + ip + " withdrawn from BGP, no node announces it "
                + "any more: externalTrafficPolicy is Local and no ready endpoint runs on the node (node2)");
        assertThat(f.events("local")).filteredOn(e -> e.startsWith("Bgp")).containsExactlyInAnyOrder(
                "BgpAnnounced: " + ip + " announced over BGP by 1 node: node1", withdrawn);
    }

    /** The EndpointSlice the EndpointSlice controller would write: one ready endpoint on {@code node}. */
    private void endpointsOn(String node) {
        f.admin.discovery().v1().endpointSlices().inNamespace(f.namespace).resource(
                new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
                        .withNewMetadata().withName("local-1").withNamespace(f.namespace)
                        .addToLabels("kubernetes.io/service-name", "local").endMetadata()
                        .withAddressType("IPv4")
                        .addNewEndpoint().withAddresses("10.244.0.5").withNodeName(node)
                        .withNewConditions().withReady(true).endConditions().endEndpoint()
                        .addNewPort().withPort(80).withProtocol("TCP").endPort()
                        .build()).createOr(existing -> existing.update());
    }
}
