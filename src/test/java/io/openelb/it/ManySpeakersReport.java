package io.openelb.it;

import io.openelb.it.ManySpeakersBenchmark.Phase;
import io.openelb.it.ManySpeakersBenchmark.Round;
import java.util.List;
import java.util.function.ToDoubleFunction;

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

        double at(int nodes) {
            return fixed + perWatcher * nodes;
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
        cost(report, "API server CPU per Service created (sequence; idle rate subtracted)", small, big,
                r -> r.sequence().apiCpuPerChange(), BenchReport::millis);
        cost(report, "API server CPU per Service created (burst)", small, big, r -> r.burst().apiCpuPerChange(),
                BenchReport::millis);
        cost(report, "watch events sent per Service created", small, big,
                r -> r.sequence().traffic().events() / sequence, v -> BenchReport.format("%.0f", v));
        cost(report, "watch bytes sent per Service created", small, big, r -> r.sequence().bytesPerChange(),
                ManySpeakersBenchmark::bytes);
        cost(report, "watch events one stand-in received per Service created", small, big,
                r -> (double) r.sequence().standInEvents() / sequence / r.standIns(), v -> BenchReport.format("%.1f", v));
        cost(report, "API server CPU per Node status update", small, big, r -> r.nodes().apiCpuPerChange(),
                BenchReport::millis);
        cost(report, "watch bytes sent per Node status update", small, big, r -> r.nodes().bytesPerChange(),
                ManySpeakersBenchmark::bytes);
        cost(report, "controller CPU per Service created (burst)", small, big,
                r -> r.burst().controllerCpuMillis() / burst, BenchReport::millis);
        cost(report, BenchReport.format("this JVM's CPU during the burst, share of the machine's %d cores", CORES),
                small, big, r -> jvmShare(r.burst()), v -> BenchReport.format("%.0f %%", 100 * v));
        report.row("this JVM: heap per stand-in (after a GC) / threads", ManySpeakersBenchmark.bytes(big.heapPerStandIn())
                        + " / " + big.threads(), ManySpeakersBenchmark.bytes(small.heapPerStandIn()) + " / "
                        + small.threads(), BenchReport.NONE, BenchReport.NONE);
        report.note(breakdown(big, sequence)).note(projection(small, big)).note(bottleneck(big)).emit();
    }

    /** A row of a cost (lower is better): the ratio is the baseline's over ours. */
    private static void cost(BenchReport report, String figure, Round small, Round big, ToDoubleFunction<Round> value,
            java.util.function.DoubleFunction<String> format) {
        double ours = value.applyAsDouble(big);
        double baseline = value.applyAsDouble(small);
        report.row(figure, format.apply(ours), small == big ? BenchReport.NONE : format.apply(baseline),
                small == big || ours == 0 ? BenchReport.NONE : BenchReport.ratio(baseline / ours), BenchReport.NONE);
    }

    private static double jvmShare(Phase phase) {
        return phase.jvmCpuMillis() / (phase.wallMillis() * CORES);
    }

    private static String breakdown(Round big, int sequence) {
        return BenchReport.format("Watch traffic by kind with %d stand-ins, per Service created: %s. Per Node status "
                + "update: %s. A Service created is its create, the controller's status write and claim, and the "
                + "Eip's status; the controller's own watches are in these figures too (the fixed part of the fit "
                + "below).", big.standIns(), big.sequence().traffic().describe(sequence),
                big.nodes().traffic().describe(sequence));
    }

    private static String projection(Round small, Round big) {
        Fit cpu = Fit.of(small, big, r -> r.sequence().apiCpuPerChange());
        Fit bytes = Fit.of(small, big, r -> r.sequence().bytesPerChange());
        Fit nodeCpu = Fit.of(small, big, r -> r.nodes().apiCpuPerChange());
        Fit nodeBytes = Fit.of(small, big, r -> r.nodes().bytesPerChange());
        StringBuilder text = new StringBuilder(BenchReport.format("Projection, linear in the number of speakers "
                + "(%s): API server CPU per Service created = %.3f ms + %.1f µs per speaker; watch bytes per Service "
                + "created = %s + %s per speaker.", small == big ? "one size measured, so through zero"
                        : "through the two sizes measured", cpu.fixed(), cpu.perWatcher() * 1000,
                ManySpeakersBenchmark.bytes(bytes.fixed()), ManySpeakersBenchmark.bytes(bytes.perWatcher())));
        for (int nodes : PROJECTED_NODES) {
            double cpuMillis = cpu.at(nodes);
            double perSecond = cpuMillis > 0 ? 1000 / cpuMillis : Double.POSITIVE_INFINITY;
            double nodeChanges = nodes / NODE_REPORT_SECONDS;
            text.append(BenchReport.format(" At %,d nodes: %.1f ms of API server CPU and %s of watch traffic per "
                    + "Service created, so one API server core is used up by %.0f Service changes per second (%s/s "
                    + "of watch traffic then); and the Node status reports alone (each kubelet's every %.0f s, "
                    + "%.1f per second in all) take %.2f cores and %s/s, as every speaker watches every Node.",
                    nodes, cpuMillis, ManySpeakersBenchmark.bytes(bytes.at(nodes)), perSecond,
                    ManySpeakersBenchmark.bytes(bytes.at(nodes) * perSecond), NODE_REPORT_SECONDS, nodeChanges,
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

    private static String bottleneck(Round big) {
        double share = jvmShare(big.burst());
        return BenchReport.format("The stand-ins' JVM used %.0f %% of the machine's %d cores during the burst (API "
                + "server, etcd, controller and stand-ins share them)%s.", 100 * share, CORES, share > 0.5
                        ? ": the stand-ins took a large share, so the times above are partly theirs; the CPU and "
                        + "traffic per change are the API server's own and stand"
                        : ": the stand-ins were not the bottleneck");
    }
}
