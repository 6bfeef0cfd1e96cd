package io.openelb.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds which VIP in the lab, from the kernel's own address and link events on each node's eth0
 * ({@code ip -ts monitor address link}, one per node namespace, from {@link #start} to {@link #close}): an
 * address counts as held by a node while it is configured on that node's eth0 and eth0 is up. Exact to the
 * event, unlike sampling every node one after the other; {@link #overlaps} lists every stretch of time in
 * which an address had two holders.
 */
final class VipHolders implements AutoCloseable {
    private static final Pattern EVENT = Pattern.compile(
            "^\\[([0-9T:.-]+)\\] (Deleted )?\\d+: (eth0)(@\\S+)?:? +(?:inet6? (\\S+?)/\\d+|.*state (\\S+))");

    /** One change on a node: an address added or deleted, or eth0 going up or down. */
    record Change(long epochMillis, int node, String address, boolean present) {}

    /** Two nodes held the address from {@code from} to {@code to} (epoch millis). */
    record Overlap(String address, Set<Integer> nodes, long from, long to) {
        long millis() {
            return to - from;
        }
    }

    private final int nodes;
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final List<Process> monitors = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private VipHolders(int nodes) {
        this.nodes = nodes;
    }

    static VipHolders start(int nodes) throws Exception {
        VipHolders h = new VipHolders(nodes);
        for (int i = 1; i <= nodes; i++) {
            int node = i;
            Process p = new ProcessBuilder("ip", "-n", Lab.nodeNamespace(i), "-ts", "monitor", "address", "link")
                    .redirectErrorStream(true).start();
            Thread reader = new Thread(() -> h.read(node, p), "vip-holders-node" + i);
            reader.setDaemon(true);
            reader.start();
            h.monitors.add(p);
            h.readers.add(reader);
        }
        Thread.sleep(300); // the monitors subscribe before anything happens
        return h;
    }

    /** The nodes holding the address now (asked at once, not from the events). */
    static Set<Integer> holdersNow(int nodes, String address) {
        Set<Integer> out = new TreeSet<>();
        for (int i = 1; i <= nodes; i++) {
            String line = Layer2Lab.sh(Lab.nodeNamespace(i), "ip", "-br", "addr", "show", "dev", "eth0");
            String[] f = line.trim().split("\\s+");
            if (f.length > 2 && f[1].equals("UP")) {
                for (int k = 2; k < f.length; k++) {
                    if (f[k].replaceAll("/\\d+$", "").equals(address)) {
                        out.add(i);
                    }
                }
            }
        }
        return out;
    }

    private void read(int node, Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher m = EVENT.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long at = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                if (m.group(5) != null) {
                    changes.add(new Change(at, node, m.group(5), m.group(2) == null));
                } else if (m.group(2) == null) {
                    changes.add(new Change(at, node, "", m.group(6).equals("UP")));
                }
            }
        } catch (java.io.IOException e) {
            // the monitor was stopped
        }
    }

    /** Every stretch of time in which the address was held by more than one node. */
    List<Overlap> overlaps(String address) {
        List<Change> ordered = new ArrayList<>(changes);
        ordered.sort(java.util.Comparator.comparingLong(Change::epochMillis));
        boolean[] configured = new boolean[nodes + 1];
        boolean[] up = new boolean[nodes + 1];
        java.util.Arrays.fill(up, true);
        List<Overlap> out = new ArrayList<>();
        long since = -1;
        Set<Integer> holders = Set.of();
        for (Change c : ordered) {
            if (c.address().isEmpty()) {
                up[c.node()] = c.present();
            } else if (c.address().equals(address)) {
                configured[c.node()] = c.present();
            } else {
                continue;
            }
            Set<Integer> now = new TreeSet<>();
            for (int i = 1; i <= nodes; i++) {
                if (configured[i] && up[i]) {
                    now.add(i);
                }
            }
            if (now.size() > 1 && since < 0) {
                since = c.epochMillis();
                holders = now;
            } else if (now.size() <= 1 && since >= 0) {
                out.add(new Overlap(address, holders, since, c.epochMillis()));
                since = -1;
            }
        }
        return out;
    }

    /** How many address and link events were seen: the monitors' health check. */
    int changeCount() {
        return changes.size();
    }

    @Override
    public void close() throws InterruptedException {
        monitors.forEach(Process::destroy);
        for (Thread t : readers) {
            t.join(2000);
        }
    }
}
