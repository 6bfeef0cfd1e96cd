package io.openelb.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the local control plane's kube-apiserver spent, from {@code /proc/<pid>} (the pid from hack/cluster.sh's
 * pid file, checked by name as the script checks it): CPU time, and bytes written (all its writes: to its
 * clients' sockets, TLS included, and to etcd). The API server's own watch metrics
 * ({@code apiserver_watch_events_total}, {@code apiserver_watch_events_sizes}) count only watches served over
 * plain HTTP, not those over WebSocket, which fabric8's informers use; so the bytes come from here.
 */
final class ApiServerProbe {
    /** Clock ticks per second of utime and stime: USER_HZ, 100 on every Linux architecture that ships. */
    private static final long TICKS_PER_SECOND = 100;

    private final long pid;

    ApiServerProbe(Path clusterDir) {
        this.pid = Long.parseLong(LocalCluster.read(clusterDir.resolve("kube-apiserver.pid")).trim());
        String comm = LocalCluster.read(Path.of("/proc", String.valueOf(pid), "comm")).trim();
        if (!comm.equals("kube-apiserver")) {
            throw new IllegalStateException("pid " + pid + " of " + clusterDir + " is " + comm + ", not kube-apiserver");
        }
    }

    /** User plus system CPU time the API server has used so far. */
    Duration cpuTime() {
        String stat = proc("stat");
        // the fields after the command name in parentheses, from field 3 (state): utime is field 14, stime 15
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }

    /** Bytes the API server has written so far ({@code wchar}: every write(2), sockets included). */
    long bytesWritten() {
        return proc("io").lines().filter(l -> l.startsWith("wchar:"))
                .mapToLong(l -> Long.parseLong(l.substring("wchar:".length()).trim())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no wchar in /proc/" + pid + "/io"));
    }

    private String proc(String file) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
