package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The speaker's gobgp-compatible gRPC API as an operator uses it: Debian's {@code gobgp} CLI, run inside the
 * lab node's namespace against the speaker's default 127.0.0.1:50051, while the speaker peers with BIRD over
 * IPv4 and IPv6 and tries a third peer that does not exist. The CLI shows the real session states, the AS and
 * router id, and the announced Service addresses with their next hops; its writes are refused and change
 * nothing at the router.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GobgpCliIT {
    private LabRun run;
    private IpamFixture f;
    private String v4;
    private String v6;

    @BeforeAll
    void start() throws Exception {
        run = LabRun.start("gobgp-cli", "bird", 1, 1, """
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
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: absent-router}
                spec:
                  conf: {peerAs: 64599, neighborAddress: 10.77.0.99}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                """);
        f = run.f;
        f.eip("it-grpc-v4", "192.0.2.208/28");
        f.eip("it-grpc-v6", "2001:db8:98::/120");
        f.service("web");
        f.service("web6", Map.of(), 80, "SingleStack", "IPv6");
        v4 = f.awaitIngress("web").get(0);
        v6 = f.awaitIngress("web6").get(0);
        IpamFixture.await(() -> gobgp("neighbor").stdout(),
                out -> out.matches("(?s).*10\\.77\\.0\\.1 .*Establ.*") && out.matches("(?s).*fd77::1 .*Establ.*"),
                "both sessions with the router Established in `gobgp neighbor`");
        // every test starts from both addresses announced (one compares the RIB before and after)
        IpamFixture.await(() -> gobgp("global", "rib").stdout(), out -> out.contains(v4 + "/32"),
                v4 + " in `gobgp global rib`");
        IpamFixture.await(() -> gobgp("global", "rib", "-a", "ipv6").stdout(), out -> out.contains(v6 + "/128"),
                v6 + " in `gobgp global rib -a ipv6`");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void neighborListShowsEachSessionsRealState() throws Exception {
        String out = shown("neighbor");

        assertThat(out).contains("Peer", "AS", "Up/Down", "State");
        assertThat(out).containsPattern("10\\.77\\.0\\.1 +64512 +\\d\\d:\\d\\d:\\d\\d +Establ");
        assertThat(out).containsPattern("fd77::1 +64512 +\\d\\d:\\d\\d:\\d\\d +Establ");
        assertThat(out).containsPattern("10\\.77\\.0\\.99 +64599 +never +(Idle|Connect|Active) ");

        // the same as JSON (gobgp -j prints the messages it received), state 6 = ESTABLISHED
        JsonArray peers = new JsonArray(gobgp("neighbor", "-j").stdout());
        assertThat(peers).hasSize(3);
        Map<String, Integer> states = new java.util.TreeMap<>();
        peers.forEach(p -> states.put(((JsonObject) p).getJsonObject("state").getString("neighbor_address"),
                ((JsonObject) p).getJsonObject("state").getInteger("session_state")));
        assertThat(states).containsEntry("10.77.0.1", 6).containsEntry("fd77::1", 6);
        assertThat(states.get("10.77.0.99")).isIn(1, 2, 3); // IDLE, CONNECT, ACTIVE
    }

    @Test
    void neighborAddressShowsThePeersDetails() {
        String out = shown("neighbor", "10.77.0.1");

        assertThat(out).contains("BGP neighbor is 10.77.0.1, remote AS 64512", "remote router ID 10.77.0.1",
                "BGP state = ESTABLISHED, up for", "Hold time is 9, keepalive interval is 3 seconds");
        assertThat(out).containsPattern("Opens: +1 +1");
        assertThat(out).containsPattern("Advertised: +1\\b");
    }

    @Test
    void globalShowsOurAsAndRouterId() {
        assertThat(shown("global")).contains("AS:        64513", "Router-ID: 10.77.0.11");
    }

    @Test
    void globalRibShowsTheAnnouncedAddressesWithTheirNextHops() throws Exception {
        String rib4 = IpamFixture.await(() -> gobgp("global", "rib").stdout(), out -> out.contains(v4 + "/32"),
                v4 + " in `gobgp global rib`");
        rib4 = shown("global", "rib");
        assertThat(rib4).containsPattern("\\*> " + v4.replace(".", "\\.") + "/32 +10\\.77\\.0\\.11 ");
        assertThat(rib4).doesNotContain(v6);

        String rib6 = IpamFixture.await(() -> gobgp("global", "rib", "-a", "ipv6").stdout(),
                out -> out.contains(v6 + "/128"), v6 + " in `gobgp global rib -a ipv6`");
        rib6 = shown("global", "rib", "-a", "ipv6");
        assertThat(rib6).containsPattern("\\*> " + v6 + "/128 +fd77::11 ");

        JsonObject json = new JsonObject(gobgp("global", "rib", "-j").stdout());
        assertThat(json.fieldNames()).contains(v4 + "/32");

        // what the router really received: the same address, this node as next hop
        assertThat(LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "route", "show", v4), Map.of(), 10).stdout())
                .contains("via 10.77.0.11");
    }

    @Test
    void writesAreRefusedAndChangeNothing() throws Exception {
        String ribBefore = gobgp("global", "rib", "-j").stdout(); // JSON: the age is a time, not a duration

        LocalCluster.Result addPath = gobgp("global", "rib", "add", "198.51.100.7/32");
        LocalCluster.Result addPeer = gobgp("neighbor", "add", "10.77.0.3", "as", "65000");

        assertThat(addPath.exitCode()).isNotZero();
        assertThat(addPath.stdout() + addPath.stderr()).contains("Unimplemented");
        assertThat(addPeer.exitCode()).isNotZero();
        assertThat(addPeer.stdout() + addPeer.stderr()).contains("Unimplemented");
        assertThat(gobgp("global", "rib", "-j").stdout()).isEqualTo(ribBefore).contains(v4);
        assertThat(gobgp("neighbor").stdout()).doesNotContain("10.77.0.3");
        Thread.sleep(500); // an UPDATE would reach BIRD's kernel table in about a millisecond
        assertThat(LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "route", "show", "198.51.100.7"), Map.of(), 10)
                .stdout()).isBlank();
    }

    /** The CLI's output, also printed to the test's log: what an operator sees. */
    private static String shown(String... args) {
        String out = gobgp(args).stdout();
        System.out.println("# gobgp -u 127.0.0.1 -p 50051 " + String.join(" ", args) + "\n" + out);
        return out;
    }

    /** The CLI inside the speaker's node namespace, against the speaker's default address. */
    private static LocalCluster.Result gobgp(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Lab.nodeNamespace(1), "gobgp", "-u",
                "127.0.0.1", "-p", "50051"));
        command.addAll(List.of(args));
        return LocalCluster.run(command, Map.of(), 15);
    }
}
