package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sessions that must survive trouble, against a real router with TCP MD5 on every session: the right
 * key brings the session up and a wrong one keeps it down; a killed router is retried with back-off and
 * the session returns when it does; a speaker restarted with graceful restart never takes its route out
 * of the router (sampled every 100 ms), and without graceful restart it would. One node, so that no
 * other next hop hides a lost route. One subclass per router.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BgpResilienceLab {
    private static final String LAB_PASSWORD = "lab-md5-key";
    private static final Pattern FAILED_ATTEMPT =
            Pattern.compile("peer lab-router-v4 \\(10\\.77\\.0\\.1\\): CONNECT -> IDLE: connection failed");

    private LabRun run;
    private LocalCluster cluster;
    private Lab lab;
    private OpenElbProcess speaker;
    private int speakerStarts = 1;
    private IpamFixture f;

    /** bird, frr or gobgp, as hack/lab.sh names them. */
    abstract String router();

    @BeforeAll
    void start() throws Exception {
        run = LabRun.start("bgpres", router(), 1, 1, """
                apiVersion: v1
                kind: Secret
                metadata: {name: lab-bgp-auth, namespace: openelb-system}
                stringData: {router: %1$s}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: default}
                spec:
                  as: 64513
                  gracefulRestart: {enabled: true, restartTime: 120}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v4}
                spec:
                  conf:
                    peerAs: 64512
                    neighborAddress: 10.77.0.1
                    authPasswordSecretRef: {name: lab-bgp-auth, key: router}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: lab-router-v6}
                spec:
                  conf: {peerAs: 64512, neighborAddress: "fd77::1", authPassword: %1$s}
                  timers: {config: {holdTime: "9", connectRetry: "1"}}
                """.formatted(LAB_PASSWORD), "--password", LAB_PASSWORD);
        cluster = run.cluster;
        lab = run.lab;
        speaker = run.speakers.get(0);
        f = run.f;
        f.eip("it-bgp-res-v4", "192.0.2.160/28");
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            speaker.close(); // the test's current one: it may have replaced the first
            run.close();
        }
    }

    /** Each test starts with graceful restart on and a live speaker (a test may leave it stopped). */
    @BeforeEach
    void liveSpeakerWithGracefulRestart() throws Exception {
        cluster.kubectl("patch", "bgpconf", "default", "--type=merge", "-p",
                "{\"spec\":{\"gracefulRestart\":{\"enabled\":true}}}");
        if (!speaker.alive()) {
            speaker = startSpeaker("speaker-" + ++speakerStarts);
        }
    }

    private OpenElbProcess startSpeaker(String name) throws InterruptedException {
        return run.startSpeaker(1, name);
    }

    private boolean up(String peer) {
        try {
            return speaker.metrics().contains("openelb_bgp_session_up{peer=\"" + peer + "\"} 1.0");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitUp(String peer, String why) throws Exception {
        IpamFixture.await(() -> up(peer), Boolean::booleanValue, peer + " Established " + why);
    }

    @Test
    void md5SessionsComeUpWithTheRightKeyAndStayDownWithAWrongOne() throws Exception {
        awaitUp("lab-router-v4", "with the key from the Secret");
        awaitUp("lab-router-v6", "with the key in the BgpPeer");
        assertThat(speaker.log()).doesNotContain(LAB_PASSWORD);
        assertThat(cluster.kubectl("get", "bgppeer", "lab-router-v4", "-o", "yaml")).doesNotContain(LAB_PASSWORD);

        setSecret("not-the-router-key");
        IpamFixture.await(() -> up("lab-router-v4"), u -> !u, "session torn down for the changed key");
        long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(up("lab-router-v4")).as("Established with a wrong MD5 key").isFalse();
            Thread.sleep(200);
        }
        assertThat(up("lab-router-v6")).as("the other session is untouched").isTrue();

        setSecret(LAB_PASSWORD);
        awaitUp("lab-router-v4", "again with the right key");
    }

    private void setSecret(String password) {
        String base64 = java.util.Base64.getEncoder().encodeToString(password.getBytes());
        cluster.kubectl("patch", "secret", "lab-bgp-auth", "-n", "openelb-system", "--type=merge", "-p",
                "{\"data\":{\"router\":\"" + base64 + "\"}}");
    }

    @Test
    void aKilledRouterIsRetriedWithBackOffAndTheSessionAndRouteReturnWithIt() throws Exception {
        f.service("back");
        String prefix = f.awaitIngress("back").get(0) + "/32";
        awaitUp("lab-router-v4", "before the router dies");
        IpamFixture.await(() -> routes(prefix), r -> r.contains("10.77.0.11"), prefix + " in " + router());

        int logMark = speaker.log().length();
        lab.router("kill");
        IpamFixture.await(() -> up("lab-router-v4"), u -> !u, "session down with the router");
        Thread.sleep(7000);
        int attempts = count(FAILED_ATTEMPT, speaker.log().substring(logMark));
        // back-off 1, 2, 4 s (±25 % jitter) fits 2-4 attempts in 7 s; a fixed 1 s retry would make ~7
        assertThat(attempts).as("connection attempts while the router was dead").isBetween(2, 4);

        long started = System.nanoTime();
        lab.router("start");
        awaitUp("lab-router-v4", "after the router came back");
        IpamFixture.await(() -> routes(prefix), r -> r.contains("10.77.0.11"), prefix + " back in " + router());
        // the next attempt is due within the current back-off (8 s + jitter)
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aSpeakerRestartedWithGracefulRestartNeverTakesItsRouteOutOfTheRouter() throws Exception {
        f.service("steady");
        String prefix = f.awaitIngress("steady").get(0) + "/32";
        awaitUp("lab-router-v4", "before the restart");
        IpamFixture.await(() -> routes(prefix), r -> r.contains("10.77.0.11"), prefix + " in " + router());

        Predicate<String> viaNode1 = r -> r.contains("10.77.0.11");
        try (Sampler<String> sampler = new Sampler<>("route-sampler", () -> routes(prefix))) {
            assertThat(speaker.stop()).isZero(); // SIGTERM: with graceful restart the session just closes
            speaker = startSpeaker("speaker-" + ++speakerStarts);
            awaitUp("lab-router-v4", "after the restart");
            IpamFixture.await(() -> speaker.log().matches("(?s).*announced [1-9]\\d*, withdrew 0 IPV4.*"), Boolean::booleanValue,
                    "route re-announced by the new speaker");
            Thread.sleep(3000); // past End-of-RIB: the router drops stale routes that were not re-announced
            assertThat(sampler.samples()).as("samples taken").hasSizeGreaterThan(30);
            assertThat(sampler.misses(viaNode1)).as("samples without the route, of " + sampler.samples().size())
                    .isEmpty();
        }

        // The control: the same restart without graceful restart does take the route out.
        // (the next test gets graceful restart and a speaker back)
        cluster.kubectl("patch", "bgpconf", "default", "--type=merge", "-p",
                "{\"spec\":{\"gracefulRestart\":{\"enabled\":false}}}");
        IpamFixture.await(() -> speaker.log().contains("BgpPeer changed"), Boolean::booleanValue,
                "session restarted for the new settings");
        awaitUp("lab-router-v4", "without graceful restart");
        IpamFixture.await(() -> routes(prefix), r -> r.contains("10.77.0.11"), prefix + " in " + router());
        try (Sampler<String> sampler = new Sampler<>("route-sampler", () -> routes(prefix))) {
            assertThat(speaker.stop()).isZero();
            IpamFixture.await(() -> sampler.misses(viaNode1), m -> !m.isEmpty(), "route withdrawn by the Cease");
        }
    }

    /** Where the router keeps the route: its kernel table (BIRD, FRR) or its RIB (GoBGP). */
    private String routes(String prefix) {
        if (router().equals("gobgp")) {
            return LocalCluster.run(List.of("ip", "netns", "exec", Lab.ROUTER_NS, "gobgp", "-p", "50051", "global",
                    "rib", "-a", "ipv4", prefix), Map.of(), 10).stdout();
        }
        return LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "-4", "route", "show",
                prefix.replaceAll("/\\d+$", "")), Map.of(), 10).stdout();
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
