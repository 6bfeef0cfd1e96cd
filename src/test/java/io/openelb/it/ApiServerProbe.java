package io.openelb.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the local control plane's kube-apiserver spent: its CPU time from {@code /proc/<pid>/stat} (the pid
 * from hack/cluster.sh's pid file, checked by name as the script checks it) and the watch events it sent, by
 * kind, from its own {@code /metrics} ({@code apiserver_watch_events_total} and
 * {@code apiserver_watch_events_sizes_sum}, both counted per watcher: one change sent to 100 watchers counts
 * 100 events).
 */
final class ApiServerProbe {
    /** Clock ticks per second of utime and stime: USER_HZ, 100 on every Linux architecture that ships. */
    private static final long TICKS_PER_SECOND = 100;
    private static final Pattern SERIES = Pattern.compile(
            "^(apiserver_watch_events_total|apiserver_watch_events_sizes_sum)\\{([^}]*)\\} (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern KIND_LABEL = Pattern.compile("(?:^|,)(?:kind|resource)=\"([^\"]*)\"");

    private final KubernetesClient admin;
    private final long pid;

    ApiServerProbe(KubernetesClient admin, Path clusterDir) {
        this.admin = admin;
        this.pid = Long.parseLong(LocalCluster.read(clusterDir.resolve("kube-apiserver.pid")).trim());
        String comm = LocalCluster.read(Path.of("/proc", String.valueOf(pid), "comm")).trim();
        if (!comm.equals("kube-apiserver")) {
            throw new IllegalStateException("pid " + pid + " of " + clusterDir + " is " + comm + ", not kube-apiserver");
        }
    }

    /** User plus system CPU time the API server has used so far. */
    Duration cpuTime() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the command name in parentheses: state is field 3, utime 14, stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The watch events sent so far, by kind. */
    WatchTraffic traffic() {
        String metrics = admin.raw("/metrics");
        Map<String, double[]> byKind = new TreeMap<>();
        Matcher m = SERIES.matcher(metrics);
        while (m.find()) {
            Matcher kind = KIND_LABEL.matcher(m.group(2));
            double[] counts = byKind.computeIfAbsent(kind.find() ? kind.group(1) : "?", k -> new double[2]);
            counts[m.group(1).endsWith("_total") ? 0 : 1] += Double.parseDouble(m.group(3));
        }
        return new WatchTraffic(byKind);
    }

    /** Watch events and bytes sent, by kind ({@code [events, bytes]}). */
    record WatchTraffic(Map<String, double[]> byKind) {
        WatchTraffic minus(WatchTraffic before) {
            Map<String, double[]> delta = new TreeMap<>();
            byKind.forEach((kind, now) -> {
                double[] then = before.byKind.getOrDefault(kind, new double[2]);
                if (now[0] > then[0]) {
                    delta.put(kind, new double[] {now[0] - then[0], now[1] - then[1]});
                }
            });
            return new WatchTraffic(delta);
        }

        double events() {
            return byKind.values().stream().mapToDouble(c -> c[0]).sum();
        }

        double bytes() {
            return byKind.values().stream().mapToDouble(c -> c[1]).sum();
        }

        /** "Service 300 events / 1.2 MiB, Eip ..." divided by {@code per}. */
        String describe(double per) {
            StringBuilder text = new StringBuilder();
            byKind.forEach((kind, c) -> text.append(text.isEmpty() ? "" : ", ").append(kind).append(' ')
                    .append(BenchReport.format("%.1f events / %s", c[0] / per, ManySpeakersBenchmark.bytes(c[1] / per))));
            return text.isEmpty() ? "none" : text.toString();
        }
    }
}
