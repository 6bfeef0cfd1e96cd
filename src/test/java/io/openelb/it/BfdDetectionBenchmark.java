package io.openelb.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How fast a router drops a node that hangs, with BFD and without: in the router lab (BIRD or FRR, BFD on
 * every router session at 300 ms x 3, hack/lab.sh --bfd), a Service routed through both nodes, then K
 * times: node2's speaker frozen (SIGSTOP, a hung node keeps its link up), time until the router's kernel
 * route no longer has node2 as next hop (the kernel's event, from ip monitor), resumed, back to both next
 * hops. Baseline:
 * the same freeze with BFD off in the BgpPeer, where only the BGP hold timer (9 s in the lab) notices.
 *
 * <p>Arguments: trials K (default 20), router (bird or frr, default bird), baseline trials (default 3).
 */
public final class BfdDetectionBenchmark {
    private BfdDetectionBenchmark() {}

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String router = args.length > 1 ? args[1] : "bird";
        int baselineTrials = args.length > 2 ? Integer.parseInt(args[2]) : Math.min(3, trials);
        List<Double> bfd;
        List<Double> hold;
        try (LabRun run = LabRun.start("bfdbench", router, 2, 2, BgpBfdLab.OBJECTS, "--bfd")) {
            run.f.eip("bench-bfd", "192.0.2.244/30");
            run.f.service("svc");
            String address = run.f.awaitIngress("svc").get(0);
            IpamFixture.await(() -> BgpBfdLab.bfdSessions(router), s -> BgpBfdLab.up(s, "10.77.0.12"), "BFD Up");
            bfd = freezes(run, address, trials, 5000, router, true);
            run.cluster.kubectl("patch", "bgppeer", "lab-router-v4", "--type=merge", "-p",
                    "{\"spec\":{\"bfd\":{\"enabled\":false}}}");
            hold = freezes(run, address, baselineTrials, 20_000, router, false);
        }
        BenchReport table = new BenchReport(BenchReport.format("BFD in the router lab (%s): node2's speaker "
                + "frozen (SIGSTOP) %d times with BFD at 300 ms x 3, %d times with BFD off (BGP hold time 9 s); time "
                + "until the router's kernel route drops node2 as next hop (the kernel's event, from ip monitor).",
                router, trials, baselineTrials));
        table.times("freeze -> next hop dropped, p50", median(bfd), median(hold), "< 1,000 ms (900 + 100)")
                .times("freeze -> next hop dropped, max", max(bfd), max(hold),
                        BenchReport.under(max(bfd), BgpBfdLab.DETECTION_MILLIS + 100));
        table.emit();
    }

    /** K freezes of node2's speaker; each time until the route lost node2, in milliseconds. */
    private static List<Double> freezes(LabRun run, String address, int count, long timeoutMillis, String router,
            boolean bfd) throws InterruptedException, java.io.IOException {
        List<Double> millis = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            IpamFixture.await(() -> BgpBfdLab.kernelRoute(address),
                    r -> r.contains("10.77.0.11") && r.contains("10.77.0.12"), "both next hops");
            if (bfd) {
                IpamFixture.await(() -> BgpBfdLab.bfdSessions(router), s -> BgpBfdLab.up(s, "10.77.0.12"), "BFD Up");
            }
            Thread.sleep(1000); // a settled session, as in production: not the first seconds after it came up
            long took = BgpBfdLab.freezeUntilNextHopGone(run.speakers.get(1), address, "10.77.0.12", timeoutMillis);
            System.out.printf("%s freeze %2d: %s%n", bfd ? "BFD" : "hold timer", k + 1,
                    took < 0 ? "not dropped within " + timeoutMillis + " ms" : took + " ms");
            millis.add(took < 0 ? Double.POSITIVE_INFINITY : (double) took);
        }
        return millis;
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
