package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * BFD with a real router's BFD (BIRD's bfd protocol, FRR's bfdd): the sessions come Up, and a speaker that
 * freezes (SIGSTOP, as a hung node) loses its next hop in the router's kernel route within the detection
 * time (300 ms x 3) plus 100 ms, where the hold timer alone would take 9 s; resumed, it comes back. One
 * subclass per router.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BgpBfdLab {
    /** The lab's BFD timers (hack/lab.sh --bfd) and this BgpPeer's: 300 ms x 3. */
    static final long DETECTION_MILLIS = 900;
    /** The lab's BgpConf and IPv4 BgpPeer, with BFD on the peer. */
    static final String OBJECTS = LabRun.V4_ROUTER
            + "  bfd: {enabled: true, transmitInterval: 300, receiveInterval: 300, detectMultiplier: 3}\n";
    private LabRun run;
    private String address;

    /** bird or frr, as hack/lab.sh names them. */
    abstract String router();

    @BeforeAll
    void start() throws Exception {
        run = LabRun.start("bfd", router(), 2, 2, OBJECTS, "--bfd");
        run.f.eip("bfd-pool", "192.0.2.240/30");
        run.f.service("svc");
        address = run.f.awaitIngress("svc").get(0);
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.speakers.forEach(s -> s.signal("CONT"));
            run.close();
        }
    }

    String bfdSessions() {
        return bfdSessions(router());
    }

    /** The router's BFD sessions with the nodes, one line each with the peer address and its state. */
    static String bfdSessions(String router) {
        List<String> command = router.equals("bird")
                ? List.of("birdc", "-s", Lab.DIR.resolve("bird/bird.ctl").toString(), "show", "bfd", "sessions")
                : List.of("vtysh", "--vty_socket", Lab.DIR.resolve("frr").toString(), "-c", "show bfd peers brief");
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", Lab.ROUTER_NS));
        cmd.addAll(command);
        return LocalCluster.run(cmd, Map.of(), 10).stdout();
    }

    static boolean up(String sessions, String address) {
        return sessions.lines().anyMatch(l -> l.contains(address + " ") && l.toLowerCase().contains("up"));
    }

    static String kernelRoute(String address) {
        return LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, "-4", "route", "show", address), Map.of(), 10)
                .stdout();
    }

    /**
     * Freezes the speaker (SIGSTOP), times how long until the router's kernel route for {@code address} no
     * longer has {@code nextHop}, and resumes it; -1 when that does not happen within the timeout.
     */
    static long freezeUntilNextHopGone(OpenElbProcess speaker, String address, String nextHop, long timeoutMillis)
            throws InterruptedException, java.io.IOException {
        try {
            return millisUntilNextHopGone(address, nextHop, () -> speaker.signal("STOP"), timeoutMillis);
        } finally {
            speaker.signal("CONT");
        }
    }

    /**
     * Runs {@code cause} and times, from when it returned, until the router's kernel changed the route for
     * {@code address} to one without {@code nextHop}: the time of the kernel's route or nexthop event after
     * which {@code ip route} shows it gone (from {@code ip monitor}, so no sampling interval adds to the
     * figure). -1 when that does not happen within the timeout.
     */
    static long millisUntilNextHopGone(String address, String nextHop, Runnable cause, long timeoutMillis)
            throws InterruptedException, java.io.IOException {
        Process monitor = new ProcessBuilder("ip", "-n", Lab.ROUTER_NS, "monitor", "route", "nexthop")
                .redirectErrorStream(true).start();
        java.util.concurrent.BlockingQueue<Long> events = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(monitor.getInputStream()))) {
                while (lines.readLine() != null) {
                    events.add(System.nanoTime());
                }
            } catch (java.io.IOException e) {
                // the monitor was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            Thread.sleep(200); // the monitor listens before the cause
            events.clear();
            cause.run();
            // from when the command returned: it acts at its end (the syscall), while starting it takes
            // milliseconds to tens of them on a loaded machine, which would be counted against BFD
            long t0 = System.nanoTime();
            long deadline = t0 + timeoutMillis * 1_000_000;
            for (long now = t0; now < deadline; now = System.nanoTime()) {
                Long event = events.poll(deadline - now, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (event != null && !kernelRoute(address).contains(nextHop)) {
                    return (event - t0) / 1_000_000;
                }
            }
            return -1;
        } finally {
            monitor.destroyForcibly();
        }
    }

    /** Both nodes' BFD sessions Up and both next hops in the route: where each test starts. */
    private void awaitBothUp() throws InterruptedException {
        IpamFixture.await(this::bfdSessions, s -> up(s, "10.77.0.11") && up(s, "10.77.0.12"),
                "BFD Up with both nodes in " + router());
        IpamFixture.await(() -> kernelRoute(address), r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"),
                "ECMP route for " + address);
    }

    /**
     * New intervals go to the router with a Poll Sequence (RFC 5880 section 6.8.3) on the running sessions:
     * neither BFD nor BGP goes down. (Turning BFD off is another matter: we send AdminDown, which RFC 5882
     * says is no failure, but BIRD 2.0.12 and FRR 8.4 take BGP down on it: Cease 6/10.)
     */
    @Test
    void newBfdIntervalsLeaveBfdAndTheBgpSessionsUp() throws Exception {
        awaitBothUp();
        String sessions = RouterPaths.sessions(router());

        run.cluster.kubectl("patch", "bgppeer", "lab-router-v4", "--type=merge", "-p",
                "{\"spec\":{\"bfd\":{\"transmitInterval\":200,\"receiveInterval\":200}}}");
        Thread.sleep(3000); // several 200 ms intervals: a failed poll would have taken BFD down by now
        try {
            assertThat(bfdSessions()).as("BFD Up with both nodes").satisfies(
                    s -> assertThat(up(s, "10.77.0.11") && up(s, "10.77.0.12")).isTrue());
            assertThat(RouterPaths.sessions(router())).as("the router's BGP sessions").isEqualTo(sessions);
        } finally {
            run.cluster.kubectl("patch", "bgppeer", "lab-router-v4", "--type=merge", "-p",
                    "{\"spec\":{\"bfd\":{\"transmitInterval\":300,\"receiveInterval\":300}}}");
        }
    }

    @Test
    void aCutLinkDropsTheNodeWithinTheDetectionTime() throws Exception {
        awaitBothUp();
        List<String> link = List.of("ip", "-n", Lab.nodeNamespace(2), "link", "set", "eth0");
        List<String> down = new java.util.ArrayList<>(link);
        down.add("down");
        List<String> up = new java.util.ArrayList<>(link);
        up.add("up");
        long millis;
        try {
            millis = millisUntilNextHopGone(address, "10.77.0.12", () -> LocalCluster.run(down, Map.of(), 10), 5000);
        } finally {
            LocalCluster.run(up, Map.of(), 10);
        }
        System.out.printf("%s: node2's next hop gone %d ms after its link was cut%n", router(), millis);
        assertThat(millis).as("node2's next hop withdrawn within 5 s of the cut").isNotNegative();
        assertThat(millis).as("detection time + 100 ms (hold timer: 9 s)").isLessThanOrEqualTo(DETECTION_MILLIS + 100);

        IpamFixture.await(() -> kernelRoute(address), r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"),
                "node2's next hop back once its link is up");
    }

    @Test
    void aFrozenSpeakerLosesItsNextHopWithinTheDetectionTime() throws Exception {
        awaitBothUp();

        long millis = freezeUntilNextHopGone(run.speakers.get(1), address, "10.77.0.12", 5000);
        assertThat(millis).as("node2's next hop withdrawn within 5 s of the freeze").isNotNegative();
        System.out.printf("%s: node2's next hop gone %d ms after its speaker froze%n", router(), millis);
        assertThat(millis).as("detection time + 100 ms (hold timer: 9 s)").isLessThanOrEqualTo(DETECTION_MILLIS + 100);
        assertThat(kernelRoute(address)).as("node1 still routes").contains("10.77.0.11");

        IpamFixture.await(() -> kernelRoute(address), r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"),
                "node2's next hop back once it resumed");
        IpamFixture.await(this::bfdSessions, s -> up(s, "10.77.0.12"), "BFD Up with node2 again");
    }
}
