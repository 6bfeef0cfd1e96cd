package io.openelb.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who holds which VIP in the lab, sampled every 50 ms from each node namespace's eth0 ({@code ip -br addr}):
 * an address counts as held by a node while it is configured on that node's eth0 and eth0 is up. Runs on
 * its own thread from {@link #start} to {@link #close}; {@link #overlaps} lists the samples in which an
 * address had two holders.
 */
final class VipHolders implements AutoCloseable {
    static final long PERIOD_MILLIS = 50;

    /** One sample: when, and per address the nodes (1..n) holding it. */
    record Sample(long epochMillis, Map<String, Set<Integer>> holders) {}

    private final int nodes;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private final Thread thread;

    private VipHolders(int nodes) {
        this.nodes = nodes;
        this.thread = new Thread(this::run, "vip-holders");
        thread.setDaemon(true);
    }

    static VipHolders start(int nodes) {
        VipHolders h = new VipHolders(nodes);
        h.thread.start();
        return h;
    }

    /** The nodes holding the address now (read at once, not from the samples). */
    static Set<Integer> holdersNow(int nodes, String address) {
        Set<Integer> out = new TreeSet<>();
        for (int i = 1; i <= nodes; i++) {
            if (held(i).contains(address)) {
                out.add(i);
            }
        }
        return out;
    }

    /** Addresses on node i's eth0, empty while eth0 is down. */
    static Set<String> held(int i) {
        String out = read(List.of("ip", "-n", Lab.nodeNamespace(i), "-br", "addr", "show", "dev", "eth0"));
        String[] f = out.trim().split("\\s+");
        Set<String> addresses = new TreeSet<>();
        if (f.length < 2 || !f[1].equals("UP")) {
            return addresses;
        }
        for (int k = 2; k < f.length; k++) {
            addresses.add(f[k].replaceAll("/\\d+$", ""));
        }
        return addresses;
    }

    private void run() {
        while (running) {
            long t = System.currentTimeMillis();
            Map<String, Set<Integer>> holders = new TreeMap<>();
            for (int i = 1; i <= nodes; i++) {
                for (String a : held(i)) {
                    holders.computeIfAbsent(a, x -> new TreeSet<>()).add(i);
                }
            }
            samples.add(new Sample(t, holders));
            long left = PERIOD_MILLIS - (System.currentTimeMillis() - t);
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Samples (time, holders) in which the address had more than one holder. */
    List<Sample> overlaps(String address) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.holders().getOrDefault(address, Set.of()).size() > 1) {
                out.add(s);
            }
        }
        return out;
    }

    /** How many samples were taken; the sampler's health check. */
    int sampleCount() {
        return samples.size();
    }

    private static String read(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2000);
    }
}
