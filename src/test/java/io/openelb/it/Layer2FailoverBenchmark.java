package io.openelb.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: Layer 2 failover and answer latency in the lab (three node namespaces with a
 * speaker each, a controller, the client). Run by {@code hack/bench/run.sh l2-failover [KILLS]}.
 *
 * <ul>
 *   <li>Failover: SIGKILL the owner of an IPv4 or IPv6 address (alternating) KILLS times; per kill the
 *       time until the client's neighbour entry holds the new owner's MAC (polled, ~5-10 ms resolution),
 *       and until the new owner's first announcement on the bridge (capture timestamps, same clock).
 *   <li>Answer latency: arping RTT to a Layer 2 address answered by the speaker, against the floor of
 *       the kernel answering for an address configured on a node's interface, same client, interleaved.
 * </ul>
 */
public final class Layer2FailoverBenchmark {
    private static final Pattern RTT = Pattern.compile("time=([0-9.]+) (usec|msec)");
    private static final String EIP = "eip.openelb.kubesphere.io/v1alpha2";

    private Layer2FailoverBenchmark() {}

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (Layer2Lab l2 = Layer2Lab.up()) {
            l2.startCapture();
            l2.createSecret();
            l2.startController();
            IpamFixture f = new IpamFixture(l2.cluster.admin(), "l2bench");
            f.eip("bench-l2-v4", "10.77.0.100-10.77.0.109", Map.of(), s -> {
                s.protocol = "layer2";
                s.iface = "eth0";
                s.namespaces = List.of(f.namespace);
            });
            f.eip("bench-l2-v6", "fd77::100/124", Map.of(), s -> {
                s.protocol = "layer2";
                s.iface = "eth0";
                s.namespaces = List.of(f.namespace);
            });
            l2.startSpeakers();
            l2.awaitSpeakersReady();
            f.service("web", Map.of(EIP, "bench-l2-v4"), 80);
            f.service("web6", Map.of(EIP, "bench-l2-v6"), 80, "SingleStack", "IPv6");
            String v4 = f.awaitIngress("web").get(0);
            String v6 = f.awaitIngress("web6").get(0);
            l2.resolve(v4);
            l2.resolve(v6);
            Thread.sleep(5000); // past the gratuitous announcements

            latency(l2, v4);

            List<double[]> killsAt = new ArrayList<>(); // epoch seconds, family (4/6)
            List<String> killedMacs = new ArrayList<>();
            List<Double> entry4 = new ArrayList<>();
            List<Double> entry6 = new ArrayList<>();
            for (int k = 0; k < kills; k++) {
                String ip = k % 2 == 0 ? v4 : v6;
                String before = l2.resolve(ip);
                Thread.sleep(1100); // Linux ignores a new MAC within locktime (1 s) of the last update
                int owner = l2.nodeOf(before);
                double at = Layer2Lab.now();
                long t0 = System.nanoTime();
                l2.kill(owner);
                String after = l2.awaitNeighbourChange(ip, before, 10_000);
                double seconds = (System.nanoTime() - t0) / 1e9;
                (ip.equals(v4) ? entry4 : entry6).add(after.isEmpty() ? Double.NaN : seconds);
                killsAt.add(new double[] {at, ip.equals(v4) ? 4 : 6});
                killedMacs.add(before);
                System.out.printf("kill %2d: %-12s owner node%d -> node%d, neighbour entry after %.3f s%n", k + 1, ip,
                        owner, l2.nodeOf(after), seconds);
                l2.restart(owner);
                Thread.sleep(1500); // the restarted node takes its addresses back after the handover delay
            }
            Map<String, List<Layer2Lab.Answer>> answers = l2.stopCapture(List.of(v4, v6));
            List<Double> wire = new ArrayList<>();
            for (int k = 0; k < killsAt.size(); k++) {
                double at = killsAt.get(k)[0];
                String ip = killsAt.get(k)[1] == 4 ? v4 : v6;
                String old = killedMacs.get(k);
                answers.get(ip).stream().filter(a -> a.time() > at && !a.mac().equals(old)).findFirst()
                        .ifPresent(a -> wire.add(a.time() - at));
            }
            System.out.println();
            System.out.println("== Layer 2 failover, " + kills + " SIGKILLs of the owner (3 nodes)");
            report("client neighbour entry -> new owner, IPv4", entry4);
            report("client neighbour entry -> new owner, IPv6", entry6);
            List<Double> both = new ArrayList<>(entry4);
            both.addAll(entry6);
            report("client neighbour entry -> new owner, all", both);
            report("kill -> new owner's first announcement on the bridge", wire);
            List<List<Double>> bridge = bridgeLatency(l2.captureText(), v4, "10.77.0.99");

            BenchReport table = new BenchReport(BenchReport.format("Layer 2 in the router lab: 3 nodes on one "
                    + "bridge, a speaker each (-Xmx256m, --membership-failure-timeout=1s), one IPv4 and one IPv6 "
                    + "address; %d SIGKILLs of the owner's speaker (IPv4 and IPv6 alternate). Baseline for "
                    + "answering: the kernel answering ARP for an address configured on node1's eth0, the same "
                    + "requests timed on the bridge (tcpdump).", kills));
            if (kills > 0) {
                List<Double> moved = sorted(both.stream().filter(d -> !d.isNaN()).toList());
                long never = both.size() - moved.size();
                double maxMillis = never > 0 ? Double.POSITIVE_INFINITY : moved.get(moved.size() - 1) * 1000;
                table.row("SIGKILL -> client's neighbour entry holds the new owner's MAC, p50",
                                BenchReport.millis(median(moved) * 1000), BenchReport.NONE, BenchReport.NONE,
                                BenchReport.NONE)
                        .row("SIGKILL -> client's neighbour entry holds the new owner's MAC, max",
                                never > 0 ? never + " never moved" : BenchReport.millis(maxMillis),
                                BenchReport.NONE, BenchReport.NONE, BenchReport.under(maxMillis, 2000));
                List<Double> announced = sorted(wire);
                if (!announced.isEmpty()) {
                    table.row("SIGKILL -> new owner's first gratuitous ARP / NA on the bridge, p50",
                            BenchReport.millis(median(announced) * 1000), BenchReport.NONE, BenchReport.NONE,
                            BenchReport.NONE);
                }
            }
            List<Double> ours = bridge.get(0);
            List<Double> kernel = bridge.get(1);
            if (!ours.isEmpty() && !kernel.isEmpty()) {
                table.times("ARP request -> reply on the bridge, p50", median(ours), median(kernel), BenchReport.NONE)
                        .times("ARP request -> reply on the bridge, p90", p90(ours), p90(kernel), BenchReport.NONE);
            }
            table.emit();
        }
    }

    /** Interleaved batches of arping to the speaker's address and to a kernel-answered one on node1. */
    private static void latency(Layer2Lab l2, String vip) {
        String floorIp = "10.77.0.99";
        LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(1), "addr", "add", floorIp + "/32", "dev", "eth0"),
                Map.of(), 10);
        List<Double> speaker = new ArrayList<>();
        List<Double> kernel = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            speaker.addAll(rtts(l2, vip, 20));
            kernel.addAll(rtts(l2, floorIp, 20));
        }
        LocalCluster.run(List.of("ip", "-n", Lab.nodeNamespace(1), "addr", "del", floorIp + "/32", "dev", "eth0"),
                Map.of(), 10);
        System.out.println();
        System.out.println("== ARP answer latency (arping RTT from the client, 5 interleaved batches of 20)");
        reportMs("speaker (pcap4j responder) for " + vip, speaker);
        reportMs("kernel floor: address configured on node1's eth0", kernel);
    }

    /**
     * The same requests timed on the bridge (tcpdump timestamps of request and reply, both at br0): free of
     * arping's own scheduling, which on 2 busy cores sometimes stamps a request after its reply is back.
     * Returns the sorted milliseconds for the speaker's address and for the kernel's.
     */
    private static List<List<Double>> bridgeLatency(String capture, String vip, String floorIp) {
        System.out.println();
        System.out.println("== ARP answer latency on the bridge (request seen -> reply seen)");
        List<List<Double>> result = new ArrayList<>();
        for (String ip : List.of(vip, floorIp)) {
            List<Double> ms = new ArrayList<>();
            double asked = -1;
            for (String line : capture.split("\n")) {
                if (line.contains("Request who-has " + ip + " tell 10.77.0.50")) {
                    asked = Double.parseDouble(line.split(" ")[0]);
                } else if (asked > 0 && line.contains("Reply " + ip + " is-at ")) {
                    ms.add((Double.parseDouble(line.split(" ")[0]) - asked) * 1000);
                    asked = -1;
                }
            }
            reportMs((ip.equals(vip) ? "speaker for " : "kernel floor for ") + ip, ms);
            result.add(sorted(ms));
        }
        return result;
    }

    private static List<Double> rtts(Layer2Lab l2, String ip, int count) {
        String out = Layer2Lab.sh(Lab.CLIENT_NS, "arping", "-c", String.valueOf(count), "-i", "eth0", "-W", "0.2",
                ip);
        List<Double> ms = new ArrayList<>();
        Matcher m = RTT.matcher(out);
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            ms.add(m.group(2).equals("usec") ? v / 1000 : v);
        }
        return ms;
    }

    private static void report(String what, List<Double> seconds) {
        List<Double> s = new ArrayList<>(seconds.stream().filter(d -> !d.isNaN()).toList());
        Collections.sort(s);
        long missed = seconds.stream().filter(d -> d.isNaN()).count();
        if (s.isEmpty()) {
            System.out.printf("%-58s no samples%n", what);
            return;
        }
        System.out.printf("%-58s n=%d p50=%.3f s max=%.3f s min=%.3f s%s%n", what, s.size(), median(s),
                s.get(s.size() - 1), s.get(0), missed > 0 ? " (" + missed + " never moved within 10 s)" : "");
    }

    private static void reportMs(String what, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        if (s.isEmpty()) {
            System.out.printf("%-58s no replies%n", what);
            return;
        }
        System.out.printf("%-58s n=%d p50=%.3f ms p90=%.3f ms min=%.3f ms%n", what, s.size(), median(s), p90(s),
                s.get(0));
    }

    private static List<Double> sorted(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }

    private static double median(List<Double> sorted) {
        return sorted.get(sorted.size() / 2);
    }

    private static double p90(List<Double> sorted) {
        return sorted.get((int) (sorted.size() * 0.9));
    }
}
