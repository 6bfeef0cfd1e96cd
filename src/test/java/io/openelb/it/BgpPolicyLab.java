package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * BGP advertisement policies with a real router: what a BgpAdvertisement sets (communities, large
 * communities, MED, LOCAL_PREF on iBGP) shows on the router's routes as a user reads them there; its Eip,
 * peer and node selection decide which routes the router has and from which nodes; editing it changes
 * the attributes without a session flap. One subclass per router and session type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BgpPolicyLab {
    private static final String NO_EXPORT = "65535:65281";
    /** The annotation that names the Eip a Service takes its address from: each test's Service its own. */
    private static final String EIP = "eip.openelb.kubesphere.io/v1alpha2";
    private LabRun run;
    private LocalCluster cluster;
    private IpamFixture f;

    /** bird or frr, as hack/lab.sh names them. */
    abstract String router();

    /** The router in the nodes' AS (iBGP: LOCAL_PREF is sent) or in its own (eBGP: it is not). */
    abstract boolean ibgp();

    @BeforeAll
    void start() throws Exception {
        long routerAs = ibgp() ? 64513 : 64512;
        String objects = """
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: default}
                spec:
                  as: 64513
                  communityAliases:
                  - {name: lab-site, value: "65000:7"}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v4, labels: {site: lab}}
                spec:
                  conf: {peerAs: %d, neighborAddress: 10.77.0.1}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                """.formatted(routerAs);
        run = ibgp() ? LabRun.start("policy", router(), 2, 2, objects, "--ibgp")
                : LabRun.start("policy", router(), 2, 2, objects);
        cluster = run.cluster;
        f = run.f;
        IpamFixture.await(() -> cluster.kubectl("get", "bgppeer", "lab-router-v4", "-o",
                "jsonpath={range .status.nodesPeerStatus.*}{.peerState.sessionState} {end}"),
                s -> s.trim().equals("ESTABLISHED ESTABLISHED"), "both nodes ESTABLISHED in the status");
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.kubectl("delete", "bgpadvertisements", "-l", IpamFixture.LABEL, "--ignore-not-found");
        }
        if (run != null) {
            run.close();
        }
    }

    private void advertise(String name, String spec) {
        cluster.kubectlWithInput("""
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpAdvertisement
                metadata: {name: %s, labels: {%s: "true"}}
                spec:
                %s
                """.formatted(name, IpamFixture.LABEL, spec.indent(2)), "apply", "-f", "-");
    }

    private List<RouterPaths.Path> paths(String prefix) {
        return RouterPaths.of(router(), prefix);
    }

    private List<RouterPaths.Path> awaitPaths(String prefix, int count, String what) throws InterruptedException {
        return IpamFixture.await(() -> paths(prefix), p -> p.size() == count, what);
    }

    @Test
    void theRouterShowsTheAttributesAndAnEditChangesThemWithoutASessionFlap() throws Exception {
        f.eip("policy-a", "192.0.2.224/29");
        advertise("policy-a", """
                eips: [policy-a]
                communities: ["65000:100", no-export, "large:64513:1:2", lab-site]
                med: 50
                localPref: 200
                """);
        f.service("svc-a", Map.of(EIP, "policy-a", "bgp.openelb.kubesphere.io/communities", "65000:999"), 80);
        String prefix = f.awaitIngress("svc-a").get(0) + "/32";

        List<RouterPaths.Path> paths = IpamFixture.await(() -> paths(prefix),
                p -> p.size() == 2 && p.stream().allMatch(x -> !x.communities().isEmpty()),
                "both nodes' paths of " + prefix + " with communities in " + router());
        for (RouterPaths.Path p : paths) {
            assertThat(p.communities()).as("communities via %s", p.nextHop())
                    .containsExactlyInAnyOrder("65000:100", NO_EXPORT, "65000:7", "65000:999");
            assertThat(p.largeCommunities()).containsExactly("64513:1:2");
            assertThat(p.med()).isEqualTo(50L);
            if (ibgp()) {
                assertThat(p.localPref()).as("LOCAL_PREF on iBGP").isEqualTo(200L);
            } else if (router().equals("frr")) { // BIRD shows its own default for eBGP routes
                assertThat(p.localPref()).as("no LOCAL_PREF on eBGP").isNull();
            }
        }
        assertThat(paths).extracting(RouterPaths.Path::nextHop).containsExactlyInAnyOrder("10.77.0.11", "10.77.0.12");

        String sessions = RouterPaths.sessions(router());
        advertise("policy-a", """
                eips: [policy-a]
                communities: ["65000:200"]
                med: 60
                """);
        IpamFixture.await(() -> paths(prefix), p -> p.size() == 2 && p.stream().allMatch(
                x -> x.communities().equals(Set.of("65000:200", "65000:999")) && Long.valueOf(60).equals(x.med())),
                "the edited attributes on both paths of " + prefix);
        assertThat(RouterPaths.sessions(router())).as("sessions after the edit").isEqualTo(sessions);
    }

    @Test
    void anAggregateIsAnnouncedInsteadOfTheHostRoutesAndWithdrawnWithItsLastAddress() throws Exception {
        f.eip("policy-agg", "198.51.100.0/28");
        advertise("policy-agg", """
                eips: [policy-agg]
                aggregationLength: 28
                """);
        f.service("agg-1", Map.of(EIP, "policy-agg"), 80);
        f.service("agg-2", Map.of(EIP, "policy-agg"), 80);
        String first = f.awaitIngress("agg-1").get(0);
        String second = f.awaitIngress("agg-2").get(0);
        String aggregate = "198.51.100.0/28";

        List<RouterPaths.Path> paths = awaitPaths(aggregate, 2, aggregate + " from both nodes in " + router());
        assertThat(paths).extracting(RouterPaths.Path::nextHop).containsExactlyInAnyOrder("10.77.0.11", "10.77.0.12");
        assertThat(paths(first + "/32")).as("no host route for " + first).isEmpty();
        assertThat(paths(second + "/32")).as("no host route for " + second).isEmpty();

        f.delete("agg-1");
        IpamFixture.await(() -> f.get("agg-1"), java.util.Optional::isEmpty, "agg-1 gone");
        Thread.sleep(1000); // had the aggregate gone with agg-1, the router would have dropped it by now
        assertThat(paths(aggregate)).as(aggregate + " while agg-2 still holds an address in it").hasSize(2);

        f.delete("agg-2");
        awaitPaths(aggregate, 0, aggregate + " withdrawn with its last address");
    }

    @Test
    void anEipIsAnnouncedOnlyFromTheSelectedNodesAndOnlyToTheSelectedPeers() throws Exception {
        f.eip("policy-other-peer", "192.0.2.232/30");
        advertise("policy-other-peer", """
                eips: [policy-other-peer]
                peers: [a-router-elsewhere]
                """);
        f.service("svc-elsewhere", Map.of(EIP, "policy-other-peer"), 80);
        String elsewhere = f.awaitIngress("svc-elsewhere").get(0) + "/32";

        f.eip("policy-node1", "192.0.2.236/30");
        advertise("policy-node1", """
                eips: [policy-node1]
                peerSelector: {matchLabels: {site: lab}}
                nodeSelectors:
                - matchLabels: {kubernetes.io/hostname: node1}
                """);
        f.service("svc-node1", Map.of(EIP, "policy-node1"), 80);
        String node1 = f.awaitIngress("svc-node1").get(0) + "/32";

        List<RouterPaths.Path> only = awaitPaths(node1, 1, node1 + " from node1 only in " + router());
        assertThat(only).extracting(RouterPaths.Path::nextHop).containsExactly("10.77.0.11");
        // planned before svc-node1 by the same speakers: had it gone to this router, it would be there now
        assertThat(paths(elsewhere)).as(elsewhere + " (its advertisement names another peer)").isEmpty();
    }
}
