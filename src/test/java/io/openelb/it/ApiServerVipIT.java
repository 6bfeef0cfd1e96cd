package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The load balancer for kube-apiserver, with no Kubernetes objects at all: one etcd in the lab's router
 * namespace, a kube-apiserver in each of the three node namespaces, and {@code --role apiserver-vip} beside
 * each (priorities 150, 100, 50; default health checks and timers). A client on the bridge asks the API through
 * the VIP every 50 ms the whole time; killing the holder's API server moves the VIP within the stated gap, and
 * the VIP comes back once that API server is healthy again (preemption).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiServerVipIT {
    private static final int NODES = 3;
    private static final String VIP = "10.77.0.200";
    private static final String ETCD = "http://10.77.0.1:2379";
    private static final int[] PRIORITIES = {150, 100, 50};

    private LocalCluster cluster;
    private Path dir;
    private Path pki;
    private Process etcd;
    private final Process[] apiservers = new Process[NODES + 1];
    private final List<OpenElbProcess> vips = new ArrayList<>();
    private Process client;
    private Path clientLog;

    @BeforeAll
    void start() throws Exception {
        cluster = LocalCluster.get();
        Lab.up(cluster, "bird", NODES);
        dir = Files.createTempDirectory("apiserver-vip-it");
        pki = cluster.adminKubeconfig().getParent().resolve("pki");
        Path etcdBin = Files.list(cluster.kubectlBinary().getParent().getParent()).filter(p -> p.getFileName().toString()
                .startsWith("etcd-")).findFirst().orElseThrow().resolve("etcd");
        etcd = new ProcessBuilder("ip", "netns", "exec", Lab.ROUTER_NS, etcdBin.toString(), "--data-dir",
                dir.resolve("etcd").toString(), "--listen-client-urls", ETCD, "--advertise-client-urls", ETCD,
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "default=http://127.0.0.1:2380").redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile()).start();
        // one after the other, as kubeadm joins control-plane nodes: API servers initialising an empty etcd
        // at once race for its first objects, and the loser exits
        for (int i = 1; i <= NODES; i++) {
            apiservers[i] = startApiServer(i);
            awaitApiServer(i);
        }
        for (int i = 1; i <= NODES; i++) {
            vips.add(OpenElbProcess.startIn(Lab.nodeNamespace(i), cluster.adminKubeconfig(), dir, "vip-node" + i,
                    "--role=apiserver-vip", "--vip=" + VIP, "--vrid=200", "--vip-interface=eth0",
                    "--vrrp-priority=" + PRIORITIES[i - 1]));
        }
        for (OpenElbProcess p : vips) {
            p.awaitReady(Duration.ofSeconds(60));
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) {
            client.destroy();
        }
        for (OpenElbProcess p : vips) {
            p.close();
        }
        for (Process p : apiservers) {
            if (p != null) {
                p.destroy();
                p.waitFor();
            }
        }
        if (etcd != null) {
            etcd.destroy();
            etcd.waitFor();
        }
    }

    private Process startApiServer(int i) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("apiserver" + i));
        return new ProcessBuilder("ip", "netns", "exec", Lab.nodeNamespace(i),
                cluster.kubectlBinary().resolveSibling("kube-apiserver").toString(),
                "--etcd-servers=" + ETCD, "--bind-address=0.0.0.0", "--secure-port=6443",
                "--advertise-address=" + Lab.nodeAddress(i), "--cert-dir=" + certs,
                "--tls-cert-file=" + pki.resolve("apiserver.crt"), "--tls-private-key-file=" + pki.resolve("apiserver.key"),
                "--client-ca-file=" + pki.resolve("ca.crt"), "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.resolve("sa.pub"),
                "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                "--service-cluster-ip-range=10.96.0.0/16", "--disable-admission-plugins=ServiceAccount",
                "--profiling=false").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("apiserver" + i + ".log").toFile()))
                .start();
    }

    private void awaitApiServer(int i) throws InterruptedException {
        IpamFixture.await(() -> Layer2Lab.sh(Lab.nodeNamespace(i), "curl", "-sk", "--max-time", "2",
                "https://127.0.0.1:6443/readyz"), "ok"::equals, "kube-apiserver in node" + i + " ready");
    }

    /** kubectl from the client namespace through the VIP, with the admin's client certificate. */
    private LocalCluster.Result kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", Lab.CLIENT_NS,
                cluster.kubectlBinary().toString(), "--server=https://" + VIP + ":6443",
                "--insecure-skip-tls-verify=true", "--client-certificate=" + pki.resolve("admin.crt"),
                "--client-key=" + pki.resolve("admin.key"), "--request-timeout=2s"));
        command.addAll(List.of(args));
        return LocalCluster.run(command, Map.of(), 30);
    }

    /** Starts asking the API through the VIP every 50 ms from the client: one line "epoch-seconds http-code". */
    private void startClient() throws Exception {
        clientLog = dir.resolve("client.log");
        String loop = "while :; do t=$(date +%s.%N); c=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 0.5 "
                + "--cert " + pki.resolve("admin.crt") + " --key " + pki.resolve("admin.key") + " https://" + VIP
                + ":6443/api/v1/namespaces/default); echo \"$t $c\"; sleep 0.05; done";
        client = new ProcessBuilder("ip", "netns", "exec", Lab.CLIENT_NS, "bash", "-c", loop).redirectErrorStream(true)
                .redirectOutput(clientLog.toFile()).start();
    }

    /** The longest run of failed requests in the client's log after {@code since} (seconds), from first failure to next success. */
    private double longestGapAfter(double since) throws Exception {
        double longest = 0;
        double failingSince = -1;
        for (String line : Files.readAllLines(clientLog)) {
            String[] f = line.trim().split(" ");
            if (f.length != 2) {
                continue;
            }
            double t = Double.parseDouble(f[0]);
            if (t < since) {
                continue;
            }
            boolean ok = f[1].equals("200");
            if (!ok && failingSince < 0) {
                failingSince = t;
            } else if (ok && failingSince >= 0) {
                longest = Math.max(longest, t - failingSince);
                failingSince = -1;
            }
        }
        assertThat(failingSince).as("the client answers again at the end").isNegative();
        return longest;
    }

    /** The one VRRP instance of node {@code index + 1}'s apiserver-vip, from its /api/v1/vip. */
    private JsonObject instance(int index) throws InterruptedException {
        String response = vips.get(index).get("/api/v1/vip");
        assertThat(response).startsWith("200 ");
        return new JsonObject(response.substring(4)).getJsonArray("instances").getJsonObject(0);
    }

    private void awaitHolder(int node) throws InterruptedException {
        IpamFixture.await(() -> VipHolders.holdersNow(NODES, VIP), Set.of(node)::equals, VIP + " on node" + node + " only");
    }

    @Test
    @Order(1)
    void theHighestPriorityHealthyNodeHoldsTheVipAndKubectlReachesTheApiThroughIt() throws Exception {
        awaitHolder(1);
        LocalCluster.Result r = kubectl("get", "namespace", "default", "-o", "name");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().trim()).isEqualTo("namespace/default");
        JsonObject holder = instance(0);
        assertThat(holder.getString("state")).isEqualTo("master");
        assertThat(holder.getString("health")).isEqualTo("healthy");
        assertThat(holder.getInteger("vrid")).isEqualTo(200);
        JsonObject backup = instance(1);
        assertThat(backup.getString("state")).isEqualTo("backup");
        assertThat(backup.getString("master")).isEqualTo(Lab.nodeAddress(1));
    }

    @Test
    @Order(2)
    void killingTheHoldersApiServerMovesTheVipAndTheApiKeepsAnswering() throws Exception {
        startClient();
        Thread.sleep(1000);
        double killed = System.currentTimeMillis() / 1000.0;
        Layer2Lab.sh(Lab.nodeNamespace(1), "pkill", "-9", "-f", "kube-apiserver.*advertise-address=" + Lab.nodeAddress(1));
        apiservers[1].waitFor();
        awaitHolder(2);
        IpamFixture.await(() -> kubectl("get", "namespace", "default", "-o", "name").stdout().trim(),
                "namespace/default"::equals, "kubectl through the VIP answered by node2");
        Thread.sleep(1000);
        double gap = longestGapAfter(killed);
        System.out.printf("apiserver VIP: holder's kube-apiserver SIGKILLed, API through the VIP unanswered for %.2f s%n",
                gap);
        assertThat(gap).as("seconds without an answer through the VIP").isLessThan(2.0);
        assertThat(instance(0).getString("health")).isEqualTo("unhealthy");
        assertThat(instance(0).getString("state")).isEqualTo("initialize");
    }

    @Test
    @Order(3)
    void theVipReturnsOnceTheApiServerIsHealthyAgain() throws Exception {
        double restarted = System.currentTimeMillis() / 1000.0;
        apiservers[1] = startApiServer(1);
        awaitApiServer(1);
        awaitHolder(1);
        Thread.sleep(1000);
        double gap = longestGapAfter(restarted);
        System.out.printf("apiserver VIP: moved back to node1 by preemption, API through the VIP unanswered for %.2f s%n",
                gap);
        assertThat(gap).as("seconds without an answer while the VIP moved back").isLessThan(2.0);
    }

    /** A bond or VLAN rebuilt: the holder's interface deleted and created again under its name. */
    @Test
    @Order(4)
    void theVipReturnsToAnInterfaceDeletedAndCreatedAgain() throws Exception {
        String ns = Lab.nodeNamespace(1);
        String bridge = Lab.PREFIX + "br";
        ip("-n", bridge, "link", "del", "node1"); // both ends of the pair: node1's eth0 is gone
        awaitHolder(2);
        ip("-n", bridge, "link", "add", "node1", "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("-n", bridge, "link", "set", "node1", "master", "br0", "up");
        ip("-n", ns, "addr", "add", Lab.nodeAddress(1) + "/24", "dev", "eth0");
        ip("-n", ns, "addr", "add", "fd77::11/64", "dev", "eth0", "nodad");
        ip("-n", ns, "link", "set", "eth0", "up");
        long t0 = System.nanoTime();
        awaitHolder(1);
        System.out.printf("apiserver VIP: back on node1's recreated interface after %.2f s%n",
                (System.nanoTime() - t0) / 1e9);
        assertThat(instance(0).getString("state")).isEqualTo("master");
        assertThat(instance(0).getString("problem")).isEmpty();
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        LocalCluster.run(command, Map.of(), 10);
    }
}
