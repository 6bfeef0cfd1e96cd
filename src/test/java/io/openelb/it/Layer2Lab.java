package io.openelb.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Layer 2 lab: three node namespaces each running a speaker, a controller, and the client namespace
 * on the same bridge, with the tools a person would use there (arping, ndisc6, ping, ip neigh, tcpdump).
 * Shared by {@code Layer2IT} and the failover benchmark.
 */
final class Layer2Lab implements AutoCloseable {
    static final int NODES = 3;
    private static final Pattern ARPING_REPLY = Pattern.compile("bytes from ([0-9a-f:]{17}) ");
    private static final Pattern NDISC_REPLY = Pattern.compile("(?i)Target link-layer address: ([0-9a-f:]{17})");
    private static final Pattern NEIGH = Pattern.compile("lladdr ([0-9a-f:]{17})");

    final LocalCluster cluster;
    final Lab lab;
    final Path dir;
    final Path kubeconfig;
    final List<OpenElbProcess> speakers = new ArrayList<>();
    OpenElbProcess controller;
    /** eth0 MAC of node i at index i-1. */
    final List<String> macs = new ArrayList<>();
    private Process capture;
    private Path captureFile;

    private Layer2Lab(LocalCluster cluster, Lab lab, Path dir) {
        this.cluster = cluster;
        this.lab = lab;
        this.dir = dir;
        this.kubeconfig = cluster.kubeconfigFor("openelb-system", "openelb-speaker", dir);
        for (int i = 1; i <= NODES; i++) {
            macs.add(mac(Lab.nodeNamespace(i), "eth0"));
        }
    }

    /** Lab with three nodes and the client; nothing of OpenELB runs yet. */
    static Layer2Lab up() throws Exception {
        LocalCluster cluster = LocalCluster.get();
        IpamFixture.removeLeftovers(cluster.admin());
        cluster.kubectl("delete", "--ignore-not-found", "-n", "openelb-system", "secret/openelb-membership");
        Lab lab = Lab.up(cluster, "bird", NODES);
        return new Layer2Lab(cluster, lab, Files.createTempDirectory("layer2-it"));
    }

    void createSecret() {
        cluster.kubectl("create", "secret", "generic", "-n", "openelb-system", "openelb-membership",
                "--from-literal=secret=" + java.util.UUID.randomUUID());
    }

    void startSpeakers() {
        for (int i = 1; i <= NODES; i++) {
            speakers.add(startSpeaker(i));
        }
    }

    OpenElbProcess startSpeaker(int i) {
        return OpenElbProcess.startIn(Lab.nodeNamespace(i), kubeconfig, dir, Lab.nodeName(i), "--role=speaker",
                "--node-name=" + Lab.nodeName(i));
    }

    void startController() throws InterruptedException {
        controller = OpenElbProcess.start(cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir,
                "controller", "--role=controller");
        controller.awaitReady(Duration.ofSeconds(60));
    }

    void awaitSpeakersReady() throws InterruptedException {
        for (OpenElbProcess p : speakers) {
            p.awaitReady(Duration.ofSeconds(60));
        }
    }

    /** SIGKILL the speaker of node i, then start a new one there (not waiting for it). */
    void kill(int i) throws InterruptedException {
        speakers.get(i - 1).kill();
    }

    void restart(int i) throws InterruptedException {
        speakers.set(i - 1, startSpeaker(i));
        speakers.get(i - 1).awaitReady(Duration.ofSeconds(60));
    }

    /** The node (1..3) whose eth0 has this MAC, or 0. */
    int nodeOf(String mac) {
        return macs.indexOf(mac) + 1;
    }

    static String mac(String netns, String dev) {
        String out = sh(netns, "cat", "/sys/class/net/" + dev + "/address").trim();
        if (!out.matches("[0-9a-f:]{17}")) {
            throw new AssertionError("no MAC for " + dev + " in " + netns + ": " + out);
        }
        return out;
    }

    /** MACs of every ARP reply to {@code count} requests from the client (one per reply). */
    List<String> arping(String ip, int count) {
        return all(ARPING_REPLY, sh(Lab.CLIENT_NS, "arping", "-c", String.valueOf(count), "-w", "3", "-i", "eth0", ip));
    }

    /** MACs of every Neighbor Advertisement answering the client's solicitations (waits for all). */
    List<String> ndisc(String ip) {
        return all(NDISC_REPLY, sh(Lab.CLIENT_NS, "ndisc6", "-m", "-n", "-r", "1", "-w", "1500", ip, "eth0"))
                .stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** One ping from the client, so its kernel resolves the address (nothing answers the ping itself). */
    void ping(String ip) {
        sh(Lab.CLIENT_NS, "ping", ip.contains(":") ? "-6" : "-4", "-c", "1", "-W", "1", ip);
    }

    /** The MAC in the client's neighbour entry for ip, or "" when it has none. */
    String neighbour(String ip) {
        Matcher m = NEIGH.matcher(sh(Lab.CLIENT_NS, "ip", "neigh", "show", ip, "dev", "eth0"));
        return m.find() ? m.group(1) : "";
    }

    /**
     * Polls the client's neighbour entry (a process per read, a few milliseconds each) until it holds a
     * node MAC other than {@code before}; returns it, or "" after the timeout.
     */
    String awaitNeighbourChange(String ip, String before, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("ip", "-n", Lab.CLIENT_NS, "neigh", "show", ip, "dev", "eth0")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = NEIGH.matcher(out);
            if (m.find() && !m.group(1).equals(before) && nodeOf(m.group(1)) > 0) {
                return m.group(1);
            }
            Thread.sleep(5);
        }
        return "";
    }

    /** Pings until the client's entry holds a node's MAC; returns it. */
    String resolve(String ip) throws InterruptedException {
        return IpamFixture.await(() -> {
            ping(ip);
            return neighbour(ip);
        }, m -> nodeOf(m) > 0, "a neighbour entry for " + ip + " holding a node's MAC");
    }

    /** Starts capturing ARP and ICMPv6 on the bridge (every node's and the client's frames pass it). */
    void startCapture() throws Exception {
        captureFile = dir.resolve("bridge.pcap");
        capture = new ProcessBuilder("ip", "netns", "exec", Lab.PREFIX + "br", "tcpdump", "-i", "br0", "-n", "-U",
                "-w", captureFile.toString(), "arp or icmp6").redirectErrorStream(true)
                .redirectOutput(dir.resolve("tcpdump.log").toFile()).start();
        IpamFixture.await(() -> LocalCluster.read(dir.resolve("tcpdump.log")), s -> s.contains("listening"),
                "tcpdump listening");
    }

    /** Stops the capture; per address, every answer seen on the bridge (time in seconds, MAC), in order. */
    Map<String, List<Answer>> stopCapture(List<String> addresses) throws Exception {
        capture.destroy();
        capture.waitFor();
        String text = LocalCluster.run(List.of("tcpdump", "-r", captureFile.toString(), "-n", "-e", "-tt"), Map.of(),
                60).stdout();
        Map<String, List<Answer>> out = new LinkedHashMap<>();
        addresses.forEach(a -> out.put(a, new ArrayList<>()));
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            double t = Double.parseDouble(f[0]);
            String src = f[1];
            for (String a : addresses) {
                if (line.contains("Reply " + a + " is-at ") || line.contains("who-has " + a + " tell " + a + ",")
                        || line.contains("neighbor advertisement, tgt is " + a + ",")) {
                    out.get(a).add(new Answer(t, src));
                }
            }
        }
        return out;
    }

    /** The whole capture as text (after {@link #stopCapture}): tcpdump -n -e -tt. */
    String captureText() {
        return LocalCluster.run(List.of("tcpdump", "-r", captureFile.toString(), "-n", "-e", "-tt"), Map.of(), 60)
                .stdout();
    }

    /** One ARP reply, gratuitous ARP or Neighbor Advertisement for an address, seen on the bridge. */
    record Answer(double time, String mac) {}

    /** Seconds since the epoch, as tcpdump -tt prints them, to compare with capture times. */
    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    static String sh(String netns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        c.addAll(List.of(command));
        LocalCluster.Result r = LocalCluster.run(c, Map.of(), 30);
        return r.stdout() + r.stderr();
    }

    private static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    String logs() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < speakers.size(); i++) {
            String log = speakers.get(i).log();
            out.append("--- speaker node").append(i + 1).append('\n')
                    .append(log.length() > 6000 ? log.substring(log.length() - 6000) : log);
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        if (capture != null && capture.isAlive()) {
            capture.destroy();
        }
        for (OpenElbProcess p : speakers) {
            p.close();
        }
        if (controller != null) {
            controller.close();
        }
        cluster.kubectl("delete", "--ignore-not-found", "-n", "openelb-system", "secret/openelb-membership");
        IpamFixture.removeLeftovers(cluster.admin());
        Lab.down();
    }
}
