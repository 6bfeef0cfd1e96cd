package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.api.v1alpha2.Eip;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input is an answer, not a crash (DESIGN.md rule 5), with real processes: BIRD in the router
 * namespace, two speakers in the node namespaces and the controller, against the real API server. A healthy
 * baseline first (a default Eip, an IPv6 Eip, BgpConf, IPv4 and IPv6 BgpPeers, four Services with their
 * addresses and their ECMP routes in BIRD's kernel table); then each bad object of the catalogue, one at a
 * time. For each: what the user sees (an Eip condition and Event, a Service Event, a BgpPeer Event, or the
 * API server's rejection), every process still alive and ready, and the baseline exactly as it was: every
 * Service keeps its address, every route is in BIRD with both next hops, and no BGP session flapped
 * (BIRD's "since" of each session and the speakers' transition counters unchanged).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    private static final String BASE_EIP = "it-bad-base";
    private static final String V6_EIP = "it-bad-v6";
    private static final Pattern TRANSITIONS =
            Pattern.compile("(?m)^openelb_bgp_session_transitions_total\\{peer=\"(lab-router-v[46])\"} (\\S+)$");

    private LabRun run;
    private LocalCluster cluster;
    private IpamFixture f;
    /** Baseline Service -> its address. */
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private List<String> birdSessions;
    private List<String> transitions;

    @BeforeAll
    void baseline() throws Exception {
        run = LabRun.start("badinput", "bird", 2, 2, Files.readString(Path.of("hack/lab/bgp.yaml")));
        cluster = run.cluster;
        f = run.f;
        f.eip(BASE_EIP, "192.0.2.128/27", Map.of("eip.openelb.kubesphere.io/is-default-eip", "true"));
        f.eip(V6_EIP, "2001:db8:77::/120");
        f.service("base-a");
        f.service("base-b", Map.of(), 443);
        f.service("base-req", Map.of("eip.openelb.kubesphere.io/v1alpha1", "192.0.2.150"), 80);
        f.service("base-v6", Map.of("eip.openelb.kubesphere.io/v1alpha2", V6_EIP), 80, "SingleStack", "IPv6");
        for (String service : List.of("base-a", "base-b", "base-req", "base-v6")) {
            addresses.put(service, f.awaitIngress(service).get(0));
        }
        assertThat(addresses.get("base-req")).isEqualTo("192.0.2.150");
        for (String address : addresses.values()) {
            IpamFixture.await(() -> route(address), BadInputIT::viaBothNodes, "both next hops for " + address);
        }
        birdSessions = IpamFixture.await(BadInputIT::birdSessions, l -> l.size() == 4
                && l.stream().allMatch(s -> s.contains("Established")), "4 sessions Established in BIRD");
        transitions = transitions();
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    // ---- Eips: the controller answers with a Valid=False condition and a Warning Event InvalidEip

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "overlapping pool     | 192.0.2.140-192.0.2.170 | false | overlaps Eip it-bad-base (192.0.2.128/27)",
        "reversed range       | 192.0.2.20-192.0.2.10   | false | 192.0.2.20-192.0.2.10' ends before it starts",
        "duplicate default    | 198.51.100.0/28         | true  | Eip it-bad-base is already the default IPV4 pool; only one may carry eip.openelb.kubesphere.io/is-default-eip",
    })
    void badEipIsMarkedInvalidWithAnEventAndNothingElseMoves(String name, String address, boolean isDefault,
            String why) throws Exception {
        String eip = "it-bad-" + name.replace(' ', '-');
        f.eip(eip, address, isDefault ? Map.of("eip.openelb.kubesphere.io/is-default-eip", "true") : Map.of());

        var valid = IpamFixture.await(() -> condition(eip, "Valid"), c -> c != null && c.getStatus().equals("False"),
                "Valid=False on Eip " + eip);
        assertThat(valid.getReason()).isEqualTo("InvalidSpec");
        assertThat(valid.getMessage()).contains(why);
        assertThat(clusterEvent(eip, "InvalidEip")).contains(why);
        assertThat(cluster.kubectl("get", "eip", eip, "-o", "jsonpath={.status.usage} {.status.poolSize}"))
                .as("an invalid Eip hands out nothing").isIn("0 ", "0 0");
        if (isDefault) {
            // which default is used: the older one, for a Service that names none
            f.service("default-check");
            assertThat(f.awaitIngress("default-check").get(0)).startsWith("192.0.2.1");
            f.awaitClaim("default-check", BASE_EIP);
            f.delete("default-check");
            IpamFixture.await(() -> f.get("default-check").isPresent(), present -> !present, "default-check gone");
        }
        assertBaselineIntact();
        f.admin.resources(Eip.class).withName(eip).delete();
        assertThat(condition(BASE_EIP, "Valid").getStatus()).isEqualTo("True");
    }

    // ---- Services: the controller answers with a Warning Event AllocationFailed, and allocates nothing

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "unknown eip         | eip.openelb.kubesphere.io/v1alpha2 | no-such-eip  | Eip no-such-eip does not exist or is invalid",
        "ipv6 eip ipv4 svc   | eip.openelb.kubesphere.io/v1alpha2 | it-bad-v6    | Eip it-bad-v6 is IPV6, the Service wants IPV4",
        "ip outside pools    | eip.openelb.kubesphere.io/v1alpha1 | 203.0.113.7  | requested address 203.0.113.7 is in no Eip",
        "ip already taken    | eip.openelb.kubesphere.io/v1alpha1 | 192.0.2.150  | address 192.0.2.150 is held by ",
        "ip not an address   | eip.openelb.kubesphere.io/v1alpha1 | 192.0.2.999  | requested ",
        "ipv6 ip ipv4 svc    | eip.openelb.kubesphere.io/v1alpha1 | 2001:db8:77::9 | requested address 2001:db8:77::9 is IPV6 but the Service's families are [IPV4]",
    })
    void badServiceRequestGetsAnEventAndNoAddressAndNothingElseMoves(String name, String annotation, String value,
            String why) throws Exception {
        String service = "bad-" + name.trim().replace(' ', '-');
        f.service(service, Map.of(annotation, value), 8080);

        String event = f.awaitEvent(service, "AllocationFailed");
        assertThat(event).contains(why);
        if (name.contains("taken")) {
            assertThat(event).contains(f.namespace + "/base-req");
        }
        assertThat(f.get(service).map(IpamFixture::ingress).orElseThrow()).isEmpty();
        assertBaselineIntact();
        f.delete(service);
    }

    /** A baseline Service whose annotation turns bad keeps its address: the failure is told, nothing released. */
    @Order(3)
    @Test
    void aServedServiceWhoseRequestTurnsBadKeepsItsAddress() throws Exception {
        f.admin.services().inNamespace(f.namespace).withName("base-b").edit(s -> {
            s.getMetadata().getAnnotations().put("eip.openelb.kubesphere.io/v1alpha2", "no-such-eip");
            return s;
        });

        // the one for this edit: base-b may carry an older AllocationFailed, from before its Eip was seen
        assertThat(f.awaitEvent("base-b", "AllocationFailed: Eip no-such-eip does not exist or is invalid"))
                .startsWith("AllocationFailed");
        assertBaselineIntact();

        f.admin.services().inNamespace(f.namespace).withName("base-b").edit(s -> {
            s.getMetadata().getAnnotations().remove("eip.openelb.kubesphere.io/v1alpha2");
            return s;
        });
    }

    // ---- the API server answers: CRD schema and CEL rules, with a readable message

    @Order(4)
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "bad cidr          | Eip     | {address: 192.0.2.0/33}                               | must be one IP, a CIDR or a range",
        "mixed range       | Eip     | {address: 192.0.2.1-2001:db8::1}                      | must be one IP, a CIDR or a range",
        "peer AS 0         | BgpPeer | {conf: {peerAs: 0, neighborAddress: 10.77.0.1}}       | spec.conf.peerAs: Invalid value: 0",
        "peer AS_TRANS     | BgpPeer | {conf: {peerAs: 23456, neighborAddress: 10.77.0.1}}   | 23456 is AS_TRANS (RFC 6793), reserved",
        "peer not an IP    | BgpPeer | {conf: {peerAs: 64512, neighborAddress: router-1}}    | must be an IPv4 or IPv6 address",
        "global AS_TRANS   | BgpConf | {as: 23456}                                           | 23456 is AS_TRANS (RFC 6793), reserved",
    })
    void objectTheApiServerRejectsSaysWhyAndChangesNothing(String name, String kind, String spec, String why)
            throws Exception {
        String yaml = """
                apiVersion: network.kubesphere.io/v1alpha2
                kind: %s
                metadata: {name: %s}
                spec: %s
                """.formatted(kind, kind.equals("BgpConf") ? "default" : "it-bad-" + name.trim().replace(' ', '-')
                        .toLowerCase(), spec);

        LocalCluster.Result result = cluster.kubectlWithInput(yaml, "apply", "-f", "-");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains(why);
        assertBaselineIntact();
    }

    // ---- BgpPeers the CRD lets through: each speaker that would use it says why not (Event, log, metric)

    @Order(5)
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "peer is the node itself | 10.77.0.11 | 64512 | node1 | neighborAddress 10.77.0.11 is this node's own address (InternalIP)",
        "peer is loopback        | 127.0.0.1  | 64512 |       | neighborAddress 127.0.0.1 is not a router's address",
        "peer unspecified        | \"::\"     | 64512 |       | neighborAddress :: is not a router's address",
        "second peer for router  | 10.77.0.1  | 64999 |       | neighborAddress 10.77.0.1 is already BgpPeer lab-router-v4's",
    })
    void badPeerIsSkippedWithAnEventAndTheOtherSessionsStayUp(String name, String address, long as, String node,
            String why) throws Exception {
        String peer = "it-bad-" + name.trim().replace(' ', '-');
        String selector = node == null ? "" : "\n  nodeSelector: {matchLabels: {kubernetes.io/hostname: " + node + "}}";
        cluster.kubectlWithInput("""
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: %s}
                spec:
                  conf: {peerAs: %d, neighborAddress: "%s"}%s
                """.formatted(peer, as, address, selector), "apply", "-f", "-");

        List<String> nodes = node == null ? List.of("node1", "node2") : List.of(node);
        try {
            for (String n : nodes) {
                assertThat(clusterEvent(peer, "BgpPeerNotUsed", "node " + n + ":")).contains(why);
                OpenElbProcess speaker = run.speakers.get(Integer.parseInt(n.substring(4)) - 1);
                assertThat(speaker.metrics()).contains("openelb_config_invalid{kind=\"bgppeers\"} 1.0");
                IpamFixture.await(speaker::log, l -> l.contains("BgpPeer " + peer + " not used on node " + n),
                        "the log line on " + n);
            }
            Thread.sleep(1500); // a second session to BIRD would collide within this
            assertBaselineIntact();
            assertThat(cluster.kubectl("get", "bgppeer", peer, "-o", "jsonpath={.status.nodesPeerStatus}"))
                    .as("no session, so no session status").isEmpty();
        } finally {
            // left behind, the older "second peer for the router" would make the next lab's own peer the second
            cluster.kubectl("delete", "--ignore-not-found", "bgppeer", peer);
        }
        for (OpenElbProcess speaker : run.speakers) {
            IpamFixture.await(() -> metricsOf(speaker), m -> m.contains("openelb_config_invalid{kind=\"bgppeers\"} 0.0"),
                    "no invalid BgpPeer left");
        }
    }

    /**
     * An IPv6 neighbour nothing routes to (the nodes have no IPv6 route there, as in an IPv4-only setup): the
     * session cannot come up, the BgpPeer's status and the speaker's API say so, and the other sessions stay.
     */
    @Order(6)
    @Test
    void ipv6PeerThatCannotBeReachedShowsItsStateAndTheOtherSessionsStayUp() throws Exception {
        cluster.kubectlWithInput("""
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: it-bad-v6-unreachable}
                spec:
                  conf: {peerAs: 64512, neighborAddress: "2001:db8:dead::1"}
                  timers: {config: {connectRetry: "1"}}
                """, "apply", "-f", "-");

        try {
            String states = IpamFixture.await(() -> cluster.kubectl("get", "bgppeer", "it-bad-v6-unreachable", "-o",
                    "jsonpath={range .status.nodesPeerStatus.*}{.peerState.sessionState} {end}"),
                    s -> s.trim().split(" ").length == 2, "both nodes' entries in the BgpPeer's status");
            assertThat(states).doesNotContain("ESTABLISHED");
            JsonObject neighbor = IpamFixture.await(() -> neighbor(run.speakers.get(0), "it-bad-v6-unreachable"),
                    n -> n != null && !n.getString("lastError", "").isEmpty(), "a lastError in node1's /api/v1/bgp/neighbors");
            assertThat(neighbor.getString("state")).isNotEqualTo("ESTABLISHED");
            assertThat(neighbor.getString("lastError")).as("why, readable").contains("no route to host")
                    .doesNotContain("null");
            assertBaselineIntact();
        } finally {
            cluster.kubectl("delete", "--ignore-not-found", "bgppeer", "it-bad-v6-unreachable");
        }
    }

    // ---- BgpConf default deleted: runs last; the sessions stay on the last one seen, the speakers say so

    @Order(7)
    @Test
    void bgpConfDeletedKeepsTheSessionsOnTheLastOneSeenAndTheSpeakersSaySo() throws Exception {
        List<String> sessionsBefore = birdSessions();
        cluster.kubectl("delete", "bgpconf", "default");

        for (int i = 0; i < run.speakers.size(); i++) {
            OpenElbProcess speaker = run.speakers.get(i);
            String readyz = IpamFixture.await(() -> get(speaker, "/readyz"), r -> r.startsWith("503 "),
                    "node" + (i + 1) + " unready");
            JsonObject body = new JsonObject(readyz.substring(4));
            assertThat(body.getJsonArray("waitingFor").getList()).contains("bgp");
            assertThat(body.getJsonObject("problems").getString("bgp"))
                    .contains("BgpConf default was deleted", "this node keeps its sessions with the last one seen");
            assertThat(speaker.log()).contains("BGP: BgpConf default was deleted")
                    .doesNotContain("BgpPeer not used: BgpConf default");
            assertThat(speaker.alive()).isTrue();
        }
        assertThat(run.controller.get("/readyz")).startsWith("200 ");
        for (var e : addresses.entrySet()) {
            assertThat(f.get(e.getKey()).map(IpamFixture::ingress).orElseThrow()).containsExactly(e.getValue());
            assertThat(route(e.getValue())).as("BIRD's kernel route for " + e.getValue()).satisfies(r ->
                    assertThat(viaBothNodes(r)).isTrue());
        }
        assertSameSessions(birdSessions(), sessionsBefore);
        assertThat(transitions()).as("the speakers' session transition counters").isEqualTo(transitions);

        cluster.kubectlWithInput(Files.readString(Path.of("hack/lab/bgp.yaml")), "apply", "-f", "-");
        for (OpenElbProcess speaker : run.speakers) {
            speaker.awaitReady(java.time.Duration.ofSeconds(30));
        }
        assertBaselineIntact();
    }

    // ---- the baseline

    private void assertBaselineIntact() throws Exception {
        List<OpenElbProcess> processes = new ArrayList<>(run.speakers);
        processes.add(run.controller);
        for (OpenElbProcess p : processes) {
            assertThat(p.alive()).isTrue();
            assertThat(p.get("/readyz")).startsWith("200 ");
        }
        for (var e : addresses.entrySet()) {
            assertThat(f.get(e.getKey()).map(IpamFixture::ingress).orElseThrow()).as(e.getKey())
                    .containsExactly(e.getValue());
            assertThat(route(e.getValue())).as("BIRD's kernel route for " + e.getValue()).satisfies(r ->
                    assertThat(viaBothNodes(r)).isTrue());
        }
        assertSameSessions(birdSessions(), birdSessions);
        assertThat(transitions()).as("the speakers' session transition counters").isEqualTo(transitions);
    }

    /**
     * The same sessions in the same state, each changed last at the same time: BIRD prints that time to
     * the millisecond, recomputed on every call (seen 1 ms apart); a flap moves it by seconds.
     */
    private static void assertSameSessions(List<String> now, List<String> before) {
        assertThat(now.stream().map(BadInputIT::withoutSince).toList()).as("BIRD's sessions")
                .isEqualTo(before.stream().map(BadInputIT::withoutSince).toList());
        for (int i = 0; i < now.size(); i++) {
            assertThat(Math.abs(sinceMillis(now.get(i)) - sinceMillis(before.get(i))))
                    .as("'since' of %s, before %s", now.get(i), before.get(i)).isLessThanOrEqualTo(100);
        }
    }

    private static final java.util.regex.Pattern SINCE =
            java.util.regex.Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{3}))?");

    private static String withoutSince(String session) {
        return SINCE.matcher(session).replaceFirst("SINCE");
    }

    private static long sinceMillis(String session) {
        java.util.regex.Matcher m = SINCE.matcher(session);
        assertThat(m.find()).as("a time in %s", session).isTrue();
        return ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3)))
                * 1000 + (m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
    }

    private static String route(String address) {
        return LocalCluster.run(List.of("ip", "-n", Lab.ROUTER_NS, address.contains(":") ? "-6" : "-4", "route",
                "show", address), Map.of(), 10).stdout();
    }

    private static boolean viaBothNodes(String route) {
        return route.contains("nexthop via 10.77.0.11") && route.contains("nexthop via 10.77.0.12")
                || route.contains("nexthop via fd77::11") && route.contains("nexthop via fd77::12");
    }

    /** BIRD's line of each session with a node: name, state and since (the time it last changed). */
    private static List<String> birdSessions() {
        Path ctl = Lab.DIR.resolve("bird/bird.ctl");
        String out = LocalCluster.run(List.of("hack/lab.sh", "exec", "router", "birdc", "-s", ctl.toString(), "show",
                "protocols"), Map.of(), 30).stdout();
        return out.lines().filter(l -> l.startsWith("node")).map(l -> l.trim().replaceAll("\\s+", " ")).sorted().toList();
    }

    private List<String> transitions() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (OpenElbProcess speaker : run.speakers) {
            Matcher m = TRANSITIONS.matcher(speaker.metrics());
            while (m.find()) {
                out.add(m.group(1) + "=" + m.group(2));
            }
        }
        assertThat(out).hasSize(4);
        return out;
    }

    private static String metricsOf(OpenElbProcess p) {
        return get(p, "/metrics");
    }

    private static String get(OpenElbProcess p, String path) {
        try {
            return p.get(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject neighbor(OpenElbProcess speaker, String peer) {
        String response = get(speaker, "/api/v1/bgp/neighbors");
        if (!response.startsWith("200 ")) {
            return null;
        }
        return new JsonObject(response.substring(4)).getJsonArray("neighbors").stream().map(JsonObject.class::cast)
                .filter(n -> n.getString("peer").equals(peer)).findFirst().orElse(null);
    }

    private io.fabric8.kubernetes.api.model.Condition condition(String eip, String type) {
        Eip e = f.eipNow(eip);
        if (e == null || e.getStatus() == null || e.getStatus().conditions == null) {
            return null;
        }
        return e.getStatus().conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    /** Waits for an Event about a cluster-scoped object (they live in namespace default) with this reason. */
    private String clusterEvent(String name, String reason, String... containing) throws InterruptedException {
        // the newest: Events outlive an IT run (an hour), and a list is ordered by name, not time
        List<String> events = IpamFixture.await(() -> f.admin.v1().events().inNamespace("default")
                        .withField("involvedObject.name", name).list().getItems().stream()
                        .filter(e -> reason.equals(e.getReason()))
                        .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getCreationTimestamp()))
                        .map(e -> e.getMessage()).filter(m -> List.of(containing).stream().allMatch(m::contains))
                        .toList(),
                l -> !l.isEmpty(), "an Event " + reason + " on " + name);
        return events.get(events.size() - 1);
    }
}
