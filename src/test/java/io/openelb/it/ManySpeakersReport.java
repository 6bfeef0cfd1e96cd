package io.openelb.it;

import io.openelb.it.ManySpeakersBenchmark.Phase;
import io.openelb.it.ManySpeakersBenchmark.Round;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The table of {@link ManySpeakersBenchmark}: the largest round against the smallest (N/10 stand-ins) as
 * baseline, and a note that projects the per-change costs to 1,000 and 5,000 nodes from the two sizes.
 */
final class ManySpeakersReport {
    private static final int[] PROJECTED_NODES = {1_000, 5_000};
    /** Seconds between a kubelet's Node status reports when nothing changes (nodeStatusReportFrequency). */
    private static final double NODE_REPORT_SECONDS = 300;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private ManySpeakersReport() {}

    /** A figure as {@code a + b * n}, through the two measured sizes (or through zero with one size). */
    record Fit(double fixed, double perWatcher) {
        static Fit of(Round small, Round big, ToDoubleFunction<Round> figure) {
            if (small == big) {
                return new Fit(0, figure.applyAsDouble(big) / big.standIns());
            }
            double slope = (figure.applyAsDouble(big) - figure.applyAsDouble(small)) / (big.standIns() - small.standIns());
            return new Fit(figure.applyAsDouble(small) - slope * small.standIns(), slope);
        }

        /** The figure at this many nodes; never below zero, which noise in a small run could give. */
        double at(int nodes) {
            return Math.max(0, fixed + perWatcher * nodes);
        }
    }

    static void emit(List<Round> rounds, int sequence, int burst) throws java.io.IOException {
        Round small = rounds.get(0);
        Round big = rounds.get(rounds.size() - 1);
        BenchReport report = new BenchReport(BenchReport.format("%d speaker stand-ins (each with its own client and "
                + "the informers a speaker has, the speaker ServiceAccount's token, in one JVM) watch a real API "
                + "server while the controller runs as its own process. Baseline: the same with %d stand-ins, so "
                + "the ratio (baseline / ours) shows the growth: %.2f for a figure that grows in proportion to the "
                + "stand-ins, 1.00 for one that does not grow.", big.standIns(), small.standIns(),
                (double) small.standIns() / big.standIns()));
        report.times(BenchReport.format("sequence of %d: Service created -> every stand-in saw its address, p50",
                        sequence), big.sequence().percentile(50), small.sequence().percentile(50), BenchReport.NONE)
                .times("the same, p99", big.sequence().percentile(99), small.sequence().percentile(99), BenchReport.NONE)
                .times(BenchReport.format("burst of %d: first create -> every stand-in saw every address", burst),
                        big.burst().percentile(100), small.burst().percentile(100), BenchReport.NONE);
        cost(report, "API server CPU per Service created (sequence; its idle rate subtracted)", small, big,
                r -> r.sequence().apiCpuPerChange(), BenchReport::millis);
        cost(report, "API server CPU per Service created (burst)", small, big, r -> r.burst().apiCpuPerChange(),
                BenchReport::millis);
        cost(report, "API server bytes written per Service created (sequence; TLS included, idle subtracted)", small,
                big, r -> r.sequence().bytesPerChange(), ManySpeakersBenchmark::bytes);
        cost(report, "watch events one stand-in received per Service created", small, big,
                r -> r.sequence().eventsPerChange(r.standIns()), v -> BenchReport.format("%.1f", v));
        cost(report, "API server CPU per Node status update", small, big, r -> r.nodes().apiCpuPerChange(),
                BenchReport::millis);
        cost(report, "API server bytes written per Node status update", small, big, r -> r.nodes().bytesPerChange(),
                ManySpeakersBenchmark::bytes);
        cost(report, "controller CPU per Service created (burst)", small, big,
                r -> r.burst().controllerCpuMillis() / burst, BenchReport::millis);
        cost(report, BenchReport.format("this JVM's CPU during the burst, in cores (of %d)", CORES), small, big,
                r -> jvmCores(r.burst()), v -> BenchReport.format("%.2f", v));
        report.row("this JVM: heap per stand-in (after a GC) / threads", ManySpeakersBenchmark.bytes(big.heapPerStandIn())
                        + " / " + big.threads(), ManySpeakersBenchmark.bytes(small.heapPerStandIn()) + " / "
                        + small.threads(), BenchReport.NONE, BenchReport.NONE);
        report.note(breakdown(big)).note(projection(small, big, burst)).note(bottleneck(big)).emit();
    }

    /** A row of a cost (lower is better): the ratio is the baseline's over ours. */
    private static void cost(BenchReport report, String figure, Round small, Round big, ToDoubleFunction<Round> value,
            java.util.function.DoubleFunction<String> format) {
        double ours = value.applyAsDouble(big);
        double baseline = value.applyAsDouble(small);
        report.row(figure, format.apply(ours), small == big ? BenchReport.NONE : format.apply(baseline),
                small == big || ours == 0 ? BenchReport.NONE : BenchReport.ratio(baseline / ours), BenchReport.NONE);
    }

    /** Cores this JVM used on average while the phase's changes were made and seen. */
    private static double jvmCores(Phase phase) {
        return phase.jvmCpuMillis() / phase.workMillis();
    }

    private static String breakdown(Round big) {
        return BenchReport.format("Watch events one stand-in received, by kind, per Service created: %s; per Node "
                + "status update: %s. A Service created is its create, the controller's status write and claim and "
                + "its share of the Eip's status writes. The API server's watch metrics (apiserver_watch_events_total, "
                + "apiserver_watch_events_sizes) count only watches served over plain HTTP, not over WebSocket as "
                + "fabric8's informers watch, so the bytes are all the API server process wrote (/proc/<pid>/io "
                + "wchar: its clients' sockets with TLS, and etcd); the part that grows with the stand-ins is the "
                + "watch traffic.", byKind(big.sequence(), big.standIns()), byKind(big.nodes(), big.standIns()));
    }

    private static String byKind(Phase phase, int standIns) {
        StringBuilder text = new StringBuilder();
        phase.standInEvents().forEach((kind, count) -> text.append(text.isEmpty() ? "" : ", ")
                .append(BenchReport.format("%s %.2f", kind.plural(), (double) count / phase.changes() / standIns)));
        return text.isEmpty() ? "none" : text.toString();
    }

    private static String projection(Round small, Round big, int burst) {
        Fit cpu = Fit.of(small, big, r -> r.sequence().apiCpuPerChange());
        Fit bytes = Fit.of(small, big, r -> r.sequence().bytesPerChange());
        Fit latency = Fit.of(small, big, r -> r.sequence().percentile(50));
        Fit nodeCpu = Fit.of(small, big, r -> r.nodes().apiCpuPerChange());
        Fit nodeBytes = Fit.of(small, big, r -> r.nodes().bytesPerChange());
        StringBuilder text = new StringBuilder();
        if (small != big) {
            text.append(BenchReport.format("From %d to %d stand-ins (x%.0f) the API server's CPU per Service created "
                    + "grew x%.1f, the bytes it wrote x%.1f, the p50 until every stand-in saw the address x%.1f. ",
                    small.standIns(), big.standIns(), (double) big.standIns() / small.standIns(),
                    big.sequence().apiCpuPerChange() / small.sequence().apiCpuPerChange(),
                    big.sequence().bytesPerChange() / small.sequence().bytesPerChange(),
                    big.sequence().percentile(50) / small.sequence().percentile(50)));
        }
        text.append(BenchReport.format("Projection, linear in the number of speakers (%s): API server CPU per "
                + "Service created = %.3f ms + %.1f µs per speaker; bytes it writes per Service created = %s + %s per "
                + "speaker.", small == big ? "one size measured, so through zero" : "through the two sizes measured",
                cpu.fixed(), cpu.perWatcher() * 1000, ManySpeakersBenchmark.bytes(bytes.fixed()),
                ManySpeakersBenchmark.bytes(bytes.perWatcher())));
        if (Stream.of(cpu, bytes, nodeCpu, nodeBytes).anyMatch(fit -> fit.perWatcher() <= 0)) {
            text.append(" A part per speaker came out at zero or below (noise larger than it at these sizes), so "
                    + "projections below that rest on it say nothing; measure with more stand-ins.");
        }
        for (int nodes : PROJECTED_NODES) {
            double cpuMillis = cpu.at(nodes);
            double perSecond = cpuMillis > 0 ? 1000 / cpuMillis : Double.POSITIVE_INFINITY;
            double nodeChanges = nodes / NODE_REPORT_SECONDS;
            text.append(BenchReport.format(" At %,d nodes: %.1f ms of API server CPU and %s written per Service "
                    + "created, so one API server core is used up by %s Services created per second (%s/s written "
                    + "then), a burst of %d as above needs %.1f s of API server CPU, and the p50 until every speaker "
                    + "saw a Service would be %s on this machine; the Node status reports alone (each kubelet's "
                    + "every %.0f s, %.1f per second in all) take %.2f cores and %s/s, as every speaker watches every "
                    + "Node.", nodes, cpuMillis, ManySpeakersBenchmark.bytes(bytes.at(nodes)), rate(perSecond),
                    ManySpeakersBenchmark.bytes(bytes.at(nodes) * perSecond), burst, burst * cpuMillis / 1000,
                    BenchReport.millis(latency.at(nodes)), NODE_REPORT_SECONDS, nodeChanges,
                    nodeChanges * nodeCpu.at(nodes) / 1000, ManySpeakersBenchmark.bytes(nodeChanges * nodeBytes.at(nodes))));
        }
        text.append(" Why linear: the API server encodes each change once and shares that encoding among its "
                + "watchers, but filters, frames and writes (TLS) it once per watcher, so the cost per change is a "
                + "fixed part (the write to etcd, admission, the encoding) plus a part per watching speaker. Where "
                + "it stops: a change costs CPU in proportion to the nodes and the Node reports grow with the square "
                + "of the nodes (each node's report goes to every node), so past the figures above the API "
                + "server falls behind; a watcher that falls behind has its watch closed and relists all objects of "
                + "the kind, which costs more still. These are stand-in Nodes without images; a real Node object "
                + "is several times larger, and its reports cost more per watcher.");
        return text.toString();
    }

    private static String rate(double perSecond) {
        return BenchReport.format(perSecond >= 10 ? "%.0f" : "%.2f", perSecond);
    }

    private static String bottleneck(Round big) {
        double cores = jvmCores(big.burst());
        return BenchReport.format("The stand-ins' JVM used %.2f of the machine's %d cores during the burst with %d "
                + "stand-ins (the API server, etcd, the controller and the stand-ins share them)%s", cores, CORES,
                big.standIns(), cores > CORES / 2.0
                        ? ": the stand-ins took a large share, so the times until all saw an address are partly "
                        + "theirs; the API server's CPU and bytes per change are its own and hold."
                        : ": the stand-ins were not the bottleneck.");
    }
}
