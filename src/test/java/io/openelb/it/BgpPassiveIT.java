package io.openelb.it;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Passive mode: the speakers listen on BgpConf {@code listenPort} and never connect; BIRD connects to
 * them, and the Service's address still reaches it from both nodes.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
class BgpPassiveIT {
    private static LabRun run;
    private static LocalCluster cluster;
    private static List<OpenElbProcess> processes;
    private static IpamFixture f;

    @BeforeAll
    static void start() throws Exception {
        run = LabRun.start("passive", "bird", 2, 2, """
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: default}
                spec: {as: 64513, listenPort: 179, listenAddresses: ["0.0.0.0", "::"]}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-passive}
                spec:
                  conf: {peerAs: 64512, neighborAddress: 10.77.0.1}
                  transport: {passiveMode: true}
                  timers: {config: {holdTime: "9"}}
                """);
        cluster = run.cluster;
        processes = run.speakers;
        f = run.f;
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
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

    /**
     * Both ends connect and both listen (RFC 4271 section 6.8): whichever connections cross, each node
     * ends with one session that stays up. Runs after the passive test (it changes the peer).
     */
    @Test
    void whenBothEndsConnectAndListenOneSessionPerNodeStaysUp() throws Exception {
        cluster.kubectl("patch", "bgppeer", "lab-router-passive", "--type=merge", "-p",
                "{\"spec\":{\"transport\":{\"passiveMode\":false}}}");
        List<OpenElbProcess> speakers = processes.subList(0, 2);
        for (OpenElbProcess speaker : speakers) {
            IpamFixture.await(speaker::log, l -> l.contains("BgpPeer changed"), "session redone as active");
            IpamFixture.await(() -> metrics(speaker), m -> m.contains("openelb_bgp_session_up{peer=\"lab-router-passive\"} 1.0"),
                    "Established again");
        }
        int[] before = speakers.stream().mapToInt(s -> count(s.log(), "-> ESTABLISHED")).toArray();
        Thread.sleep(12_000); // longer than BIRD's connect retry (5 s) and the hold time (9 s)
        for (int i = 0; i < speakers.size(); i++) {
            org.assertj.core.api.Assertions.assertThat(count(speakers.get(i).log(), "-> ESTABLISHED"))
                    .as("sessions established by node%d since", i + 1).isEqualTo(before[i]);
            org.assertj.core.api.Assertions.assertThat(speakers.get(i).metrics())
                    .contains("openelb_bgp_session_up{peer=\"lab-router-passive\"} 1.0");
        }
    }

    private static String metrics(OpenElbProcess speaker) {
        try {
            return speaker.metrics();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
