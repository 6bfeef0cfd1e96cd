package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.openelb.announce.Layer2Plan;
import io.openelb.model.IpAddress;
import io.vertx.core.json.JsonObject;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Layer 2 mode end to end: three lab nodes each running a speaker, a controller, and a client on the
 * same bridge asking with the usual tools. A capture on the bridge runs through the whole class and is
 * checked at the end: outside the failover windows no address is ever answered from two MACs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Layer2IT {
    private static final String EIP = "eip.openelb.kubesphere.io/v1alpha2";
    private Layer2Lab l2;
    private IpamFixture f;
    private String v4;
    private String v6;
    /** [start, end] in epoch seconds of every moment ownership may move (kills, restarts, endpoint moves). */
    private final List<double[]> windows = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        l2 = Layer2Lab.up();
        l2.startCapture();
        l2.startController();
        f = new IpamFixture(l2.cluster.admin(), "l2");
        f.eip("it-l2-v4", "10.77.0.100-10.77.0.109", Map.of(), s -> {
            s.protocol = "layer2";
            s.iface = "eth0";
            s.namespaces = List.of(f.namespace);
        });
        f.eip("it-l2-v6", "fd77::100/124", Map.of(), s -> {
            s.protocol = "layer2";
            s.iface = "can_reach:fd77::1"; // OpenELB's other form: the interface of the route to the router
            s.namespaces = List.of(f.namespace);
        });
        l2.startSpeakers();
    }

    @AfterAll
    void stop() throws Exception {
        if (f != null) {
            f.deleteServices();
        }
        if (l2 != null) {
            l2.close();
        }
    }

    @Test
    @Order(1)
    void withoutTheMembershipSecretSpeakersAnswerNothingAndSaySo() throws Exception {
        f.service("web", Map.of(EIP, "it-l2-v4"), 80);
        v4 = f.awaitIngress("web").get(0);
        try {
            for (OpenElbProcess s : l2.speakers) {
                // three JVMs and their informers first: on a loaded 2-core machine that alone can take 30 s
                String readyz = awaitLong(() -> get(s, "/readyz"), r -> r.contains("openelb-membership"),
                        "readiness naming the missing Secret");
                assertThat(readyz).startsWith("503 ").contains("\"layer2\"");
            }
            assertThat(l2.arping(v4, 2)).as("nobody answers without the Secret").isEmpty();
        } finally {
            l2.createSecret(); // the other tests need it even if this one failed
        }
        l2.awaitSpeakersReady();
    }

    private static <T> T awaitLong(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done,
            String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            value = read.get();
        }
        assertThat(done.test(value)).as("waited 120 s for " + what + "; last seen: " + value).isTrue();
        return value;
    }

    @Test
    @Order(2)
    void arpingAndNdisc6GetExactlyOneAnswerFromTheOwnersMacAndPingFillsTheNeighbourEntry() throws Exception {
        f.service("web6", Map.of(EIP, "it-l2-v6"), 80, "SingleStack", "IPv6");
        v6 = f.awaitIngress("web6").get(0);
        // the owner is the rendezvous choice over the three live, eligible nodes; while the speakers were
        // still joining, one alone may have held an address for a moment (an Event says so), so wait
        // for the settled owner's Event
        String owner4 = Layer2Plan.owner(IpAddress.parse(v4), List.of("node1", "node2", "node3"));
        String owner6 = Layer2Plan.owner(IpAddress.parse(v6), List.of("node1", "node2", "node3"));
        f.awaitEvent("web", "node " + owner4 + " answers ARP/NDP for " + v4);
        f.awaitEvent("web6", "node " + owner6 + " answers ARP/NDP for " + v6);
        String mac4 = l2.macs.get(owner4.charAt(owner4.length() - 1) - '1');
        String mac6 = l2.macs.get(owner6.charAt(owner6.length() - 1) - '1');

        List<String> arp = IpamFixture.await(() -> l2.arping(v4, 3), r -> !r.isEmpty() && r.get(0).equals(mac4),
                "the settled owner answering " + v4);
        assertThat(arp).as("one reply per request, all from the owner").hasSize(3).containsOnly(mac4);
        List<String> nd = l2.ndisc(v6);
        // ndisc6 -m also prints the owner's unsolicited advertisements that arrive while it waits
        assertThat(nd).as("advertisements from the owner only").isNotEmpty().containsOnly(mac6);

        assertThat(l2.resolve(v4)).isEqualTo(arp.get(0));
        assertThat(l2.resolve(v6)).isEqualTo(nd.get(0));
    }

    @Test
    @Order(3)
    void theApiAndThePageShowTheOwnerAndTheInterfaceItAnswersOn() throws Exception {
        String owner = Layer2Plan.owner(IpAddress.parse(v4), List.of("node1", "node2", "node3"));
        OpenElbProcess ownerSpeaker = l2.speakers.get(owner.charAt(owner.length() - 1) - '1');
        JsonObject l2Status = new JsonObject(get(ownerSpeaker, "/api/v1/layer2").substring(4));
        assertThat(l2Status.getString("node")).isEqualTo(owner);
        assertThat(l2Status.getJsonArray("members").getList()).containsExactly("node1", "node2", "node3");
        assertThat(l2Status.getJsonArray("owned").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("ip").equals(v4)).findFirst().orElseThrow().getString("interface"))
                .isEqualTo("eth0");
        assertThat(l2.speakers).hasSize(3);
        for (OpenElbProcess s : l2.speakers) {
            JsonObject service = new JsonObject(get(s, "/api/v1/services").substring(4)).getJsonArray("services")
                    .stream().map(JsonObject.class::cast).filter(o -> o.getString("ip").equals(v4)).findFirst()
                    .orElseThrow();
            assertThat(service.getString("layer2Owner")).as("owner of %s as %s sees it", v4, s).isEqualTo(owner);
        }

        BrowserPage.ensureChromium();
        int other = (owner.charAt(owner.length() - 1) - '1' + 1) % 3;
        BrowserPage page = BrowserPage.load(Lab.nodeNamespace(other + 1),
                "http://127.0.0.1:" + l2.speakers.get(other).httpPort + "/",
                "document.body.innerText.includes('" + v4 + "') && document.body.innerText.includes('membership')");
        assertThat(page.text()).contains("Layer 2", v4, owner + " (ARP/NDP)", "membership: node1, node2, node3");
        assertThat(page.errors()).as("console errors, exceptions, failed loads").isEmpty();
    }

    @Test
    @Order(4)
    void killingTheOwnerMovesTheClientsNeighbourEntryToTheNewOwnerWithinTwoSeconds() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (String ip : List.of(v4, v6)) {
                String before = l2.resolve(ip);
                Thread.sleep(1100); // Linux ignores a new MAC within locktime (1 s) of the last update
                int owner = l2.nodeOf(before);
                double killed = Layer2Lab.now();
                long t0 = System.nanoTime();
                l2.kill(owner);
                String after;
                double seconds;
                try {
                    after = l2.awaitNeighbourChange(ip, before, 5_000);
                    seconds = (System.nanoTime() - t0) / 1e9;
                    windows.add(new double[] {killed, Layer2Lab.now() + 0.5});
                } finally {
                    double restarted = Layer2Lab.now();
                    l2.restart(owner);
                    // the restarted node takes its addresses back after the handover delay
                    Thread.sleep(1500);
                    windows.add(new double[] {restarted, Layer2Lab.now()});
                }
                assertThat(l2.nodeOf(after)).as("a live node's MAC, not the killed node" + owner + "'s").isPositive()
                        .isNotEqualTo(owner);
                assertThat(seconds).as(ip + " moved from node" + owner + " in " + seconds + " s").isLessThan(2.0);
            }
        }
    }

    @Test
    @Order(5)
    void withExternalTrafficPolicyLocalTheOwnerMovesWithTheEndpoint() throws Exception {
        f.admin.services().inNamespace(f.namespace).resource(new ServiceBuilder()
                .withNewMetadata().withName("local").withNamespace(f.namespace).withAnnotations(Map.of(EIP, "it-l2-v4"))
                .endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass("openelb.kubesphere.io/openelb")
                .withExternalTrafficPolicy("Local").withAllocateLoadBalancerNodePorts(false)
                .addNewPort().withPort(80).endPort().endSpec().build()).create();
        String address = f.awaitIngress("local").get(0);
        for (int node : new int[] {1, 3, 2}) {
            double moved = Layer2Lab.now();
            endpointsOn(Lab.nodeName(node));
            String mac = l2.macs.get(node - 1);
            IpamFixture.await(() -> l2.arping(address, 1), m -> m.equals(List.of(mac)),
                    address + " answered by node" + node + " only");
            windows.add(new double[] {moved, Layer2Lab.now()});
        }
    }

    @Test
    @Order(6)
    void aNodeWithoutTheEipsInterfaceNeverAnswersAndAnEventSaysWhy() throws Exception {
        // a second NIC on the bridge for node1 and node2 only
        for (int i = 1; i <= 2; i++) {
            LocalCluster.run(List.of("ip", "-n", Lab.PREFIX + "br", "link", "add", "lan" + i, "type", "veth", "peer",
                    "name", "lan1", "netns", Lab.nodeNamespace(i)), Map.of(), 10);
            LocalCluster.run(List.of("ip", "-n", Lab.PREFIX + "br", "link", "set", "lan" + i, "master", "br0", "up"),
                    Map.of(), 10);
            LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(i), "link", "set", "lan1", "up"), Map.of(), 10);
        }
        List<String> lanMacs = List.of(Layer2Lab.mac(Lab.nodeNamespace(1), "lan1"),
                Layer2Lab.mac(Lab.nodeNamespace(2), "lan1"));
        f.eip("it-l2-lan", "10.77.0.120-10.77.0.127", Map.of(), s -> {
            s.protocol = "layer2";
            s.iface = "lan1";
            s.namespaces = List.of(f.namespace);
        });
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            f.service("lan" + i, Map.of(EIP, "it-l2-lan"), 80);
        }
        for (int i = 0; i < 6; i++) {
            addresses.add(f.awaitIngress("lan" + i).get(0));
        }

        String event = IpamFixture.await(() -> eipEvents("it-l2-lan"), e -> e.contains("node3"),
                "an Event on the Eip from node3");
        assertThat(event).contains("InterfaceNotFound", "interface lan1 does not exist",
                "never answers ARP/NDP");
        for (String address : addresses) {
            List<String> macs = IpamFixture.await(() -> l2.arping(address, 1), m -> !m.isEmpty(),
                    "an answer for " + address);
            assertThat(macs).as(address + " answered by node1 or node2 on lan1, never by node3")
                    .hasSize(1).allMatch(lanMacs::contains);
        }
        assertThat(l2.speakers.get(2).metrics()).contains("openelb_layer2_owned_addresses 0.0");
    }

    @Test
    @Order(7)
    void theBridgeNeverCarriedAnswersFromTwoMacsForOneAddressOutsideAFailoverWindow() throws Exception {
        Map<String, List<Layer2Lab.Answer>> answers = l2.stopCapture(List.of(v4, v6));
        for (var e : answers.entrySet()) {
            assertThat(e.getValue()).as("answers for " + e.getKey() + " on the bridge").isNotEmpty();
            // runs of answers from one MAC; a clean move is A..A B..B, two answerers show as A B A
            List<List<Layer2Lab.Answer>> runs = new ArrayList<>();
            for (Layer2Lab.Answer a : e.getValue()) {
                if (runs.isEmpty() || !runs.get(runs.size() - 1).get(0).mac().equals(a.mac())) {
                    runs.add(new ArrayList<>());
                }
                runs.get(runs.size() - 1).add(a);
            }
            for (int i = 2; i < runs.size(); i++) {
                if (!runs.get(i).get(0).mac().equals(runs.get(i - 2).get(0).mac())) {
                    continue;
                }
                double from = runs.get(i - 1).get(0).time();
                double to = runs.get(i).get(0).time();
                assertThat(windows.stream().anyMatch(w -> w[0] <= to && w[1] >= from))
                        .as(e.getKey() + ": " + runs.get(i).get(0).mac() + " answered again at " + to + " after "
                                + runs.get(i - 1).get(0).mac() + " took over at " + from
                                + ", with no kill, restart or endpoint move in between: " + windows.stream()
                                        .map(w -> w[0] + "-" + w[1]).toList())
                        .isTrue();
            }
        }
        // and the metrics counted what was answered, on each speaker that owned something
        assertThat(l2.speakers.stream().map(s -> {
            try {
                return s.metrics();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        })).anyMatch(m -> m.contains("openelb_layer2_responses_sent_total{family=\"ipv4\"}")
                && !m.contains("openelb_layer2_responses_sent_total{family=\"ipv4\"} 0.0"));
    }

    private String eipEvents(String eip) {
        return String.join("\n", f.admin.v1().events().inNamespace("default")
                .withField("involvedObject.name", eip).list().getItems().stream()
                .map(e -> e.getReason() + ": " + e.getMessage()).toList());
    }

    private static String get(OpenElbProcess p, String path) {
        try {
            return p.get(path);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void endpointsOn(String node) {
        f.admin.discovery().v1().endpointSlices().inNamespace(f.namespace).resource(new EndpointSliceBuilder()
                .withNewMetadata().withName("local-1").withNamespace(f.namespace)
                .addToLabels("kubernetes.io/service-name", "local").endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.244.0.5").withNodeName(node)
                .withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewPort().withPort(80).withProtocol("TCP").endPort()
                .build()).createOr(existing -> existing.update());
    }
}
