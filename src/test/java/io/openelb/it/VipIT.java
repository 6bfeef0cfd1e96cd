package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.announce.VipPlan;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * VIP mode end to end: three lab nodes each running a speaker, a controller, a client on the same bridge and
 * a TCP listener on every node that answers with its node's name. The elected node configures the address
 * on its eth0 (VRRP v3 between the speakers); a monitor follows every node's eth0 through the whole
 * class from the kernel's address and link events, and no address is ever held by two nodes, also not right
 * after a SIGKILL of the holder's speaker (its child removes the addresses the moment it dies), but in a
 * partition, which the class provokes (VRRP has no quorum: every side holds the address until it heals).
 * Last, keepalived from Debian joins the election of one VRID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VipIT {
    private static final String EIP = "eip.openelb.kubesphere.io/v1alpha2";
    private static final int NODES = Layer2Lab.NODES;
    private Layer2Lab l2;
    private IpamFixture f;
    private VipHolders sampler;
    private final List<Process> listeners = new ArrayList<>();
    /** [start, end] epoch millis of each SIGKILL until the killed node's addresses were gone. */
    private final List<long[]> killWindows = new ArrayList<>();
    /** [start, end] epoch millis of the partition test. */
    private final List<long[]> partitionWindows = new ArrayList<>();
    private String v4;

    @BeforeAll
    void start() throws Exception {
        l2 = Layer2Lab.up();
        l2.startController();
        f = new IpamFixture(l2.cluster.admin(), "vip");
        f.eip("it-vip-v4", "10.77.0.120-10.77.0.129", Map.of(), s -> {
            s.protocol = "vip";
            s.iface = "eth0";
            s.namespaces = List.of(f.namespace);
        });
        f.eip("it-vip-v6", "fd77::120/124", Map.of(), s -> {
            s.protocol = "vip";
            s.iface = "can_reach:fd77::1";
            s.namespaces = List.of(f.namespace);
        });
        for (int i = 1; i <= NODES; i++) {
            listeners.add(new ProcessBuilder("ip", "netns", "exec", Lab.nodeNamespace(i), "socat",
                    "TCP6-LISTEN:8080,fork,reuseaddr,ipv6only=0", "SYSTEM:echo node" + i)
                    .redirectErrorStream(true).redirectOutput(l2.dir.resolve("socat" + i + ".log").toFile()).start());
        }
        sampler = VipHolders.start(NODES);
        l2.startSpeakers();
        l2.awaitSpeakersReady();
    }

    @AfterAll
    void stop() throws Exception {
        if (sampler != null) {
            sampler.close();
        }
        listeners.forEach(Process::destroy);
        if (f != null) {
            f.deleteServices();
        }
        if (l2 != null) {
            l2.close();
        }
    }

    /** The node that should hold the group: highest priority among the live ones (all three are candidates). */
    private static int expectedHolder(String groupKey, Set<Integer> live) {
        List<String> candidates = IntStream.rangeClosed(1, NODES).mapToObj(Lab::nodeName).toList();
        return live.stream().max(Comparator.<Integer>comparingInt(
                i -> VipPlan.priorityOf(Lab.nodeName(i), groupKey, candidates))).orElseThrow();
    }

    private static Set<Integer> all() {
        return Set.copyOf(IntStream.rangeClosed(1, NODES).boxed().toList());
    }

    private String key(String service) {
        return f.namespace + "/" + service;
    }

    private Set<Integer> awaitHolders(String address, Set<Integer> expected) throws InterruptedException {
        return IpamFixture.await(() -> VipHolders.holdersNow(NODES, address), expected::equals,
                address + " held by node" + expected + " only");
    }

    private String connect(String address) {
        String target = address.contains(":") ? "[" + address + "]" : address;
        return Layer2Lab.sh(Lab.CLIENT_NS, "socat", "-T2", "-", "TCP:" + target + ":8080").trim();
    }

    @Test
    @Order(1)
    void aVipAddressIsConfiguredOnExactlyOneNodeWhichTheClientReaches() throws Exception {
        f.service("web", Map.of(EIP, "it-vip-v4"), 8080);
        v4 = f.awaitIngress("web").get(0);
        int holder = expectedHolder(key("web"), all());

        awaitHolders(v4, Set.of(holder));
        f.awaitEvent("web", "node node" + holder + " holds [" + v4 + "] on eth0 (VRRP VRID ");
        assertThat(connect(v4)).isEqualTo("node" + holder);
        assertThat(l2.arping(v4, 3)).as("one ARP answer per request, from the holder's kernel")
                .hasSize(3).containsOnly(l2.macs.get(holder - 1));
    }

    @Test
    @Order(2)
    void aDualStackServiceAndItsGroupMoveTogetherAndIpv6IsReachedToo() throws Exception {
        f.service("dual", Map.of(VipPlan.GROUP, "pair"), 8080, "RequireDualStack", "IPv4", "IPv6");
        f.service("pair2", Map.of(VipPlan.GROUP, "pair", EIP, "it-vip-v4"), 8080);
        List<String> dual = f.awaitIngress("dual");
        String pair2 = f.awaitIngress("pair2").get(0);
        int holder = expectedHolder(f.namespace + "/pair", all());

        for (String address : List.of(dual.get(0), dual.get(1), pair2)) {
            awaitHolders(address, Set.of(holder));
        }
        String v6 = dual.stream().filter(a -> a.contains(":")).findFirst().orElseThrow();
        assertThat(connect(v6)).isEqualTo("node" + holder);
    }

    @Test
    @Order(3)
    void theStatusApiAndTheMetricsShowTheHolderAndTheBackups() throws Exception {
        int holder = expectedHolder(key("web"), all());
        for (int i = 1; i <= NODES; i++) {
            JsonObject vip = new JsonObject(l2.speakers.get(i - 1).get("/api/v1/vip").substring(4));
            JsonObject web = vip.getJsonArray("instances").stream().map(JsonObject.class::cast)
                    .filter(o -> o.getString("name").equals(key("web"))).findFirst().orElseThrow();
            assertThat(web.getString("state")).as("node" + i).isEqualTo(i == holder ? "master" : "backup");
            assertThat(web.getString("master")).as("node" + i).isEqualTo(Lab.nodeAddress(holder));
            assertThat(web.getInteger("vrid")).isBetween(1, 255);
        }
        assertThat(l2.speakers.get(holder - 1).metrics()).containsPattern(
                "openelb_vrrp_state\\{[^}]*group=\"" + key("web") + "\"[^}]*\\} 2\\.0");
    }

    @Test
    @Order(4)
    void aStoppedHolderHandsOverWithinASecondAndNeverBesideTheNext() throws Exception {
        int holder = expectedHolder(key("web"), all());
        Set<Integer> rest = new java.util.TreeSet<>(all());
        rest.remove(holder);
        int next = expectedHolder(key("web"), rest);
        long t0 = System.nanoTime();
        l2.speakers.get(holder - 1).stop();
        awaitHolders(v4, Set.of(next));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("VIP SIGTERM hand-over node%d -> node%d: %.3f s%n", holder, next, seconds);
        assertThat(seconds).isLessThan(1.0);
        l2.restart(holder);
        awaitHolders(v4, Set.of(holder)); // preemption: the higher priority takes its group back
    }

    @Test
    @Order(5)
    void killingTheHolderMovesTheAddressAndTheClientsNeighbourEntryWithinASecond() throws Exception {
        for (int round = 0; round < 2; round++) {
            int holder = expectedHolder(key("web"), all());
            Set<Integer> rest = new java.util.TreeSet<>(all());
            rest.remove(holder);
            int next = expectedHolder(key("web"), rest);
            String before = l2.resolve(v4);
            assertThat(before).isEqualTo(l2.macs.get(holder - 1));
            Thread.sleep(1100); // Linux ignores a new MAC within locktime (1 s) of the last update
            long killed = System.currentTimeMillis();
            long t0 = System.nanoTime();
            l2.kill(holder);
            IpamFixture.await(() -> VipHolders.holdersNow(NODES, v4).contains(holder), held -> !held,
                    "the killed node's address gone");
            double gone = (System.nanoTime() - t0) / 1e9;
            String after = l2.awaitNeighbourChange(v4, before, 5_000);
            double moved = (System.nanoTime() - t0) / 1e9;
            killWindows.add(new long[] {killed, System.currentTimeMillis()});
            System.out.printf("VIP SIGKILL node%d: the killed node's address gone after %.3f s; client's entry "
                    + "moved to node%d in %.3f s%n", holder, gone, l2.nodeOf(after), moved);
            assertThat(l2.nodeOf(after)).isEqualTo(next);
            assertThat(moved).as("neighbour entry moved").isLessThan(1.0);
            assertThat(gone).as("a killed speaker's address is removed by its child at once, well before a backup "
                    + "takes over (the lifetime alone would leave it up to a second)").isLessThan(0.3);
            l2.restart(holder);
            awaitHolders(v4, Set.of(holder));
        }
    }

    @Test
    @Order(6)
    void theHoldersLinkGoingDownMovesTheAddressWithinASecondAndBackWhenUp() throws Exception {
        int holder = expectedHolder(key("web"), all());
        Set<Integer> rest = new java.util.TreeSet<>(all());
        rest.remove(holder);
        int next = expectedHolder(key("web"), rest);
        long t0 = System.nanoTime();
        LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(holder), "link", "set", "eth0", "down"), Map.of(), 10);
        try {
            awaitHolders(v4, Set.of(next));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("VIP link down node%d -> node%d: %.3f s%n", holder, next, seconds);
            assertThat(seconds).isLessThan(1.0);
            String configured = Layer2Lab.sh(Lab.nodeNamespace(holder), "ip", "-o", "addr", "show", "dev", "eth0");
            IpamFixture.await(() -> Layer2Lab.sh(Lab.nodeNamespace(holder), "ip", "-o", "addr", "show", "dev", "eth0"),
                    out -> !out.contains(" " + v4 + "/"), "the address removed from the down eth0 (was: " + configured
                            + ")");
        } finally {
            LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(holder), "link", "set", "eth0", "up"), Map.of(),
                    10);
        }
        awaitHolders(v4, Set.of(holder));
    }

    /** A VLAN or bond rebuilt: the interface is deleted and created again under its name, with a new index. */
    @Test
    @Order(7)
    void theHoldersInterfaceDeletedAndCreatedAgainHoldsTheAddressAgain() throws Exception {
        int holder = expectedHolder(key("web"), all());
        Set<Integer> rest = new java.util.TreeSet<>(all());
        rest.remove(holder);
        String ns = Lab.nodeNamespace(holder);
        String bridge = Lab.PREFIX + "br";
        String port = "node" + holder;
        ip("-n", bridge, "link", "del", port); // both ends of the pair: the node's eth0 is gone
        awaitHolders(v4, Set.of(expectedHolder(key("web"), rest)));
        long t0 = System.nanoTime();
        ip("-n", bridge, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("-n", bridge, "link", "set", port, "master", "br0", "up");
        ip("-n", ns, "addr", "add", Lab.nodeAddress(holder) + "/24", "dev", "eth0");
        ip("-n", ns, "addr", "add", "fd77::" + (10 + holder) + "/64", "dev", "eth0", "nodad");
        ip("-n", ns, "link", "set", "eth0", "up");
        l2.macs.set(holder - 1, Layer2Lab.mac(ns, "eth0"));
        awaitHolders(v4, Set.of(holder));
        System.out.printf("VIP interface recreated on node%d: holds %s again after %.3f s%n", holder, v4,
                (System.nanoTime() - t0) / 1e9);
        assertThat(l2.arping(v4, 3)).as("answered from the new interface").hasSize(3)
                .containsOnly(l2.macs.get(holder - 1));
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        LocalCluster.run(command, Map.of(), 10);
    }

    @Test
    @Order(8)
    void aPartitionBetweenTheNodesLeavesEverySideHoldingTheAddressUntilItHeals() throws Exception {
        int holder = expectedHolder(key("web"), all());
        long from = System.currentTimeMillis();
        isolateNodes(true); // the bridge forwards between each node and the client, not between nodes
        try {
            Set<Integer> during = IpamFixture.await(() -> VipHolders.holdersNow(NODES, v4), s -> s.size() == NODES,
                    "every node holding " + v4 + " while none hears the others (VRRP has no quorum)");
            System.out.printf("VIP partition: %s held by nodes %s%n", v4, during);
        } finally {
            isolateNodes(false);
        }
        awaitHolders(v4, Set.of(holder));
        partitionWindows.add(new long[] {from, System.currentTimeMillis()});
    }

    private static void isolateNodes(boolean on) {
        for (int i = 1; i <= NODES; i++) {
            LocalCluster.run(List.of("bridge", "-n", Lab.PREFIX + "br", "link", "set", "dev", "node" + i, "isolated",
                    on ? "on" : "off"), Map.of(), 10);
        }
    }

    @Test
    @Order(9)
    void noAddressWasEverHeldByTwoNodesButInAPartition() throws Exception {
        assertThat(sampler.changeCount()).as("the kernel's events were seen").isGreaterThan(10);
        List<String> addresses = new ArrayList<>(List.of(v4));
        addresses.addAll(f.awaitIngress("dual"));
        for (String address : addresses) {
            for (VipHolders.Overlap o : sampler.overlaps(address)) {
                boolean inPartition = partitionWindows.stream().anyMatch(w -> o.from() >= w[0] && o.to() <= w[1]);
                assertThat(inPartition).as(address + " held by nodes " + o.nodes() + " for " + o.millis()
                        + " ms from " + o.from() + ", outside the partition " + partitionWindows.stream()
                                .map(w -> w[0] + "-" + w[1]).toList() + " (kills at " + killWindows.stream()
                                .map(w -> w[0] + "-" + w[1]).toList() + ")").isTrue();
            }
        }
    }

    @Test
    @Order(10)
    void keepalivedWithTheSameVridJoinsTheElectionAndOursAdvertiseCleanly() throws Exception {
        // node3's speaker makes way for keepalived (Debian's) on node3, same VRID as the Service asks for
        l2.speakers.get(2).stop();
        f.service("ka", Map.of(EIP, "it-vip-v4", VipPlan.VRID, "51"), 8080);
        String vip = f.awaitIngress("ka").get(0);
        Path dir = Files.createDirectories(l2.dir.resolve("keepalived"));
        Process capture = new ProcessBuilder("ip", "netns", "exec", Lab.PREFIX + "br", "tcpdump", "-i", "br0", "-n",
                "-v", "-l", "vrrp").redirectErrorStream(true).redirectOutput(dir.resolve("tcpdump.txt").toFile()).start();
        Process keepalived = LabKeepalived.start(dir, 3, 51, 200, vip);
        int ours = expectedHolder(key("ka"), Set.of(1, 2));
        try {
            awaitHolders(vip, Set.of(3));
            keepalived.destroy(); // SIGTERM: keepalived sends priority 0, one of ours takes over
            keepalived.waitFor();
            awaitHolders(vip, Set.of(ours));
            keepalived = LabKeepalived.start(dir, 3, 51, 20, vip);
            IpamFixture.await(() -> LocalCluster.read(LabKeepalived.log(dir, 3)), log -> log.contains(
                    "Entering BACKUP STATE"), "keepalived backing up our master");
            Thread.sleep(2000);
            assertThat(VipHolders.holdersNow(NODES, vip)).containsExactly(ours);
        } finally {
            keepalived.destroy();
            keepalived.waitFor();
            capture.destroy();
            capture.waitFor();
        }
        String log = LocalCluster.read(LabKeepalived.log(dir, 3));
        assertThat(log).as("keepalived's log").containsIgnoringCase("Entering MASTER STATE")
                .doesNotContainPattern("(?i)invalid|mismatch|bogus|wrong");
        String dump = LocalCluster.read(dir.resolve("tcpdump.txt"));
        assertThat(dump).contains(Lab.nodeAddress(ours) + " > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio ")
                .contains("intvl 20cs, length 12, addrs: " + vip);
        l2.restart(3);
    }
}
