package io.openelb.it;

import io.openelb.announce.VipPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Benchmark, not a test: VIP mode failover in the lab (three node namespaces, the client on the bridge),
 * against keepalived (Debian's) in the same lab as the baseline. Run by {@code hack/bench/run.sh vip-failover
 * [K]}.
 *
 * <p>Ours: a speaker per node and one {@code vip} Service; K trials alternate a SIGKILL of the holder's speaker
 * and its eth0 going down; each is timed until the client's neighbour entry holds the new holder's MAC, then
 * the node is restored and takes the address back (preemption). Baseline: the speakers stopped, keepalived on
 * every node with the same VRID, priorities and 200 ms interval for another address, the same K trials
 * (SIGKILL of the master keepalived, link down). Also timed: how long the killed node keeps the address
 * (ours: its lifetime; keepalived: until it is started again, here removed by hand after the trial).
 */
public final class VipFailoverBenchmark {
    private static final String EIP = "eip.openelb.kubesphere.io/v1alpha2";
    private static final int NODES = Layer2Lab.NODES;
    private static final String KEEPALIVED_VIP = "10.77.0.140";
    private static final int KEEPALIVED_VRID = 77;

    private VipFailoverBenchmark() {}

    /** One trial's outcome: seconds to the client's entry moving, and the killed node's address lasting. */
    private record Trial(boolean kill, double moved, double staleFor) {}

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (Layer2Lab l2 = Layer2Lab.up()) {
            l2.startController();
            IpamFixture f = new IpamFixture(l2.cluster.admin(), "vipbench");
            f.eip("bench-vip", "10.77.0.130-10.77.0.139", Map.of(), s -> {
                s.protocol = "vip";
                s.iface = "eth0";
                s.namespaces = List.of(f.namespace);
            });
            l2.startSpeakers();
            l2.awaitSpeakersReady();
            f.service("web", Map.of(EIP, "bench-vip"), 80);
            String vip = f.awaitIngress("web").get(0);
            String group = f.namespace + "/web";
            List<Trial> ours = new ArrayList<>();
            for (int k = 0; k < trials; k++) {
                ours.add(trial(l2, vip, k % 2 == 0, group, node -> l2.kill(node), node -> l2.restart(node)));
            }
            for (OpenElbProcess s : l2.speakers) {
                s.stop();
            }
            f.deleteServices();

            Path dir = Files.createDirectories(l2.dir.resolve("keepalived"));
            Process[] keepalived = new Process[NODES + 1];
            for (int i = 1; i <= NODES; i++) {
                keepalived[i] = LabKeepalived.start(dir, i, KEEPALIVED_VRID, priority(i, group),
                        KEEPALIVED_VIP);
            }
            List<Trial> theirs = new ArrayList<>();
            for (int k = 0; k < trials; k++) {
                theirs.add(trial(l2, KEEPALIVED_VIP, k % 2 == 0, group, node -> {
                    LabKeepalived.kill(node);
                    keepalived[node].waitFor();
                }, node -> {
                    // keepalived leaves the address behind when killed: remove it, then start it again
                    Layer2Lab.sh(Lab.nodeNamespace(node), "ip", "addr", "del", KEEPALIVED_VIP + "/32", "dev", "eth0");
                    keepalived[node] = LabKeepalived.start(dir, node, KEEPALIVED_VRID,
                            priority(node, group), KEEPALIVED_VIP);
                }));
            }
            for (int i = 1; i <= NODES; i++) {
                keepalived[i].destroy();
                keepalived[i].waitFor();
            }
            report(trials, ours, theirs);
        }
    }

    private interface NodeAction {
        void on(int node) throws Exception;
    }

    /** One failover: SIGKILL (or link down) of the holder, timed until the client's entry moved. */
    private static Trial trial(Layer2Lab l2, String vip, boolean kill, String group, NodeAction stop,
            NodeAction restore) throws Exception {
        // the settled holder: the highest priority (a moment after a start, another may hold it briefly)
        int holder = java.util.stream.IntStream.rangeClosed(1, NODES).boxed()
                .max(java.util.Comparator.comparingInt(i -> priority(i, group))).orElseThrow();
        IpamFixture.await(() -> VipHolders.holdersNow(NODES, vip), Set.of(holder)::equals,
                vip + " held by node" + holder);
        String before = l2.resolve(vip);
        Thread.sleep(1100); // Linux ignores a new MAC within locktime (1 s) of the last update
        long t0 = System.nanoTime();
        if (kill) {
            stop.on(holder);
        } else {
            LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(holder), "link", "set", "eth0", "down"), Map.of(),
                    10);
        }
        // beside the client's entry: when the killed node's address went (keepalived's stays till restarted)
        java.util.concurrent.CompletableFuture<Double> gone = kill
                ? java.util.concurrent.CompletableFuture.supplyAsync(() -> secondsUntilGone(holder, vip, t0))
                : java.util.concurrent.CompletableFuture.completedFuture(Double.NaN);
        String after = l2.awaitNeighbourChange(vip, before, 10_000);
        double moved = after.isEmpty() ? Double.NaN : (System.nanoTime() - t0) / 1e9;
        double stale = gone.join();
        if (kill) {
            restore.on(holder);
        } else {
            LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(holder), "link", "set", "eth0", "up"), Map.of(),
                    10);
        }
        System.out.printf("%-9s node%d: neighbour entry moved to node%d after %.3f s%s%n", kill ? "SIGKILL" : "link down",
                holder, l2.nodeOf(after), moved, kill ? String.format(", its address gone after %.3f s", stale) : "");
        // back to the preferred holder (preemption) before the next trial
        try {
            IpamFixture.await(() -> VipHolders.holdersNow(NODES, vip), Set.of(holder)::equals,
                    vip + " back on node" + holder);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + l2.logs(), e);
        }
        return new Trial(kill, moved, stale);
    }

    /** Node i's priority for the group, as the speakers compute it: all three nodes are candidates. */
    private static int priority(int i, String group) {
        return VipPlan.priorityOf(Lab.nodeName(i), group,
                java.util.stream.IntStream.rangeClosed(1, NODES).mapToObj(Lab::nodeName).toList());
    }

    /** Seconds from {@code t0} until {@code node} no longer has {@code vip}; infinite after 5 s. */
    private static double secondsUntilGone(int node, String vip, long t0) {
        long deadline = t0 + 5_000_000_000L;
        while (VipHolders.holdersNow(NODES, vip).contains(node)) {
            if (System.nanoTime() > deadline) {
                return Double.POSITIVE_INFINITY;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void report(int trials, List<Trial> ours, List<Trial> theirs) throws java.io.IOException {
        BenchReport table = new BenchReport(BenchReport.format("VIP mode in the router lab: 3 nodes on one bridge, a "
                + "speaker each (-Xmx256m, --vrrp-advert-interval=200ms), one IPv4 address; %d trials alternating "
                + "SIGKILL of the holder's speaker and its eth0 going down, timed until the client's neighbour entry "
                + "holds the new holder's MAC. Baseline: keepalived 2.2.7 (Debian) on the same nodes, same VRRP "
                + "priorities and advert_int 0.2, the same trials.", trials));
        for (boolean kill : new boolean[] {true, false}) {
            List<Double> a = sorted(ours, kill, true);
            List<Double> b = sorted(theirs, kill, true);
            if (a.isEmpty() || b.isEmpty()) {
                continue;
            }
            String what = kill ? "SIGKILL" : "link down";
            table.times(what + " -> client's neighbour entry on the new holder, p50", median(a) * 1000,
                    median(b) * 1000, BenchReport.NONE)
                    .times(what + " -> client's neighbour entry on the new holder, max", a.get(a.size() - 1) * 1000,
                            b.get(b.size() - 1) * 1000, BenchReport.under(a.get(a.size() - 1) * 1000, 1000));
        }
        List<Double> stale = sorted(ours, true, false);
        if (!stale.isEmpty()) {
            table.row("SIGKILL -> the killed node's address gone, max", BenchReport.millis(stale.get(stale.size() - 1)
                    * 1000), "until restarted", BenchReport.NONE, BenchReport.NONE);
        }
        table.emit();
    }

    private static List<Double> sorted(List<Trial> trials, boolean kill, boolean moved) {
        List<Double> out = new ArrayList<>();
        for (Trial t : trials) {
            if (t.kill() == kill) {
                out.add(moved ? t.moved() : t.staleFor());
            }
        }
        if (out.stream().anyMatch(d -> d.isNaN())) {
            out.replaceAll(d -> d.isNaN() ? Double.POSITIVE_INFINITY : d);
        }
        Collections.sort(out);
        return out;
    }

    private static double median(List<Double> sorted) {
        return sorted.get(sorted.size() / 2);
    }

}
