package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.openelb.InstallFiles;
import io.openelb.api.v1alpha2.Eip;
import io.openelb.api.v1alpha2.EipStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's migration from OpenELB v0.6 (hack/migrate-from-openelb.sh), from a cluster exactly as OpenELB
 * leaves it: its install and run-time objects (src/test/resources/openelb-v0.6/install.yaml), its finalizers on
 * Eips, BgpConfs, BgpPeers and NodeProxy Services, Eip statuses as it writes them, Services holding the network
 * and broadcast address of a /24. After the switch nothing of OpenELB's is left, every object can be deleted
 * (none hangs on a finalizer nobody removes), nothing moved, and the Eip's usage, its {@code status.used},
 * the metric {@code openelb_pool_addresses_in_use} and the pools API agree at every step.
 */
class MigrationIT {
    private static final String NS = "openelb-system";
    private static final Path OPENELB_V06 = Path.of("src", "test", "resources", "openelb-v0.6", "install.yaml");
    private static final String IPAM_FINALIZER = "finalizer.ipam.kubesphere.io/v1alpha1";
    /** OpenELB's on Services, BgpConfs and BgpPeers; this controller drops it from the Services it serves. */
    private static final String LB_FINALIZER = "finalizer.lb.kubesphere.io/v1alpha1";
    private static final String NODE_PROXY_FINALIZER = "node-proxy.openelb.kubesphere.io/finalizer";
    /** What only OpenELB used, by kubectl name: none may be left. */
    private static final List<String> OPENELB_ONLY = List.of("validatingwebhookconfiguration/openelb-admission",
            "clusterrole/openelb-admission", "clusterrolebinding/openelb-admission",
            "clusterrole/openelb-manager-role");
    private static final List<String> OPENELB_ONLY_IN_NS = List.of("service/openelb-controller",
            "service/openelb-admission", "secret/memberlist", "secret/openelb-admission",
            "job/openelb-admission-create", "job/openelb-admission-patch",
            "serviceaccount/openelb-admission", "role/openelb-admission", "rolebinding/openelb-admission",
            "configmap/openelb-images", "secret/sh.helm.release.v1.openelb.v1");
    private static final String POOL = "it-migration";
    private static final String UNUSED_POOL = "it-migration-unused";
    private LocalCluster cluster;
    private KubernetesClient admin;
    private IpamFixture f;
    private IpamFixture proxied;
    private OpenElbProcess controller;

    @BeforeEach
    void openElbAsItRuns() {
        cluster = LocalCluster.get();
        admin = cluster.admin();
        IpamFixture.removeLeftovers(admin);
        // ours has the same names with other selectors: OpenELB's could not be created over it
        cluster.kubectl("-n", NS, "delete", "--ignore-not-found", "deployment/openelb-controller",
                "daemonset/openelb-speaker");
        cluster.kubectl("apply", "-f", OPENELB_V06.toString());
    }

    @AfterEach
    void restoreOurInstall() throws Exception {
        if (controller != null && controller.alive()) {
            for (IpamFixture fixture : new IpamFixture[] {f, proxied}) {
                if (fixture != null) {
                    fixture.deleteServices();
                }
            }
        }
        if (controller != null) {
            controller.close();
        }
        // whatever step failed: no finalizer of this test outlives it, and the cluster is left with our install
        for (String object : List.of("eip/" + POOL, "eip/" + UNUSED_POOL, "bgppeer/" + POOL, "bgpconf/" + POOL)) {
            cluster.kubectlResult("patch", object, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        }
        cluster.kubectl("delete", "--ignore-not-found", "bgppeer/" + POOL, "bgpconf/" + POOL);
        IpamFixture.removeLeftovers(admin);
        cluster.kubectl("delete", "--ignore-not-found", "validatingwebhookconfiguration/openelb-admission");
        cluster.kubectl("-n", NS, "delete", "--ignore-not-found", "deployment/openelb-controller",
                "daemonset/openelb-speaker", "lease/openelb-controller");
        run("install");
        cluster.kubectl("apply", "-f", InstallFiles.INSTALL.toString());
    }

    @Test
    void migrationFromOpenElbV06LeavesNothingOfItsDeletesNothingOfTheUsersAndEveryCountAgrees()
            throws Exception {
        leftByOpenElb();
        String before = migrate("addresses");
        assertThat(before).contains(f.namespace + "/web 198.51.100.3", f.namespace + "/db 198.51.100.7",
                f.namespace + "/net 198.51.100.0", f.namespace + "/bcast 198.51.100.255");
        LocalCluster.Result overOpenElb = cluster.kubectlResult("apply", "--dry-run=server", "-f",
                InstallFiles.INSTALL.toString());
        assertThat(overOpenElb.exitCode()).as("applied over OpenELB's Deployment").isNotZero();
        assertThat(overOpenElb.stderr()).contains("field is immutable");

        migrate("stop");
        String installed = migrate("install");

        assertThat(installed).contains(
                "eips.network.kubesphere.io/" + POOL + ": finalizer " + IPAM_FINALIZER + " removed",
                "eips.network.kubesphere.io/" + UNUSED_POOL + ": finalizer " + IPAM_FINALIZER + " removed",
                "bgpconfs.network.kubesphere.io/" + POOL + ": finalizer " + LB_FINALIZER + " removed",
                "bgppeers.network.kubesphere.io/" + POOL + ": finalizer " + LB_FINALIZER + " removed",
                "services/proxied in " + proxied.namespace + ": finalizer " + NODE_PROXY_FINALIZER + " removed",
                "\"openelb-controller\" deleted", "\"memberlist\" deleted", "\"openelb-admission\" deleted",
                "\"openelb-images\" deleted");
        assertThat(migrate("install")).as("install again").doesNotContain("removed", "deleted");
        nothingOfOpenElbLeftAndEverythingOfTheUsersKept();

        controller = startControllerAsItsPodWould();
        f.service("after");
        assertThat(f.awaitIngress("after")).singleElement()
                .isNotIn("198.51.100.0", "198.51.100.3", "198.51.100.7", "198.51.100.255");
        assertThat(migrate("addresses").lines().filter(l -> !l.contains("/after "))).as("no address moved")
                .containsExactlyElementsOf(before.lines().toList());
        awaitUsage(5, "OpenELB's four holders and the new Service");
        for (String name : List.of("net", "web", "db", "bcast")) {
            IpamFixture.await(() -> f.get(name).map(s -> finalizers(s.getMetadata())).orElseThrow(), List::isEmpty,
                    "OpenELB's finalizer dropped from Service " + name + " by the running controller");
        }
        EipStatus taken = f.eipNow(POOL).getStatus();
        assertThat(Arrays.<Object>asList(taken.poolSize, taken.firstIP, taken.lastIP))
                .as("OpenELB's size and bounds replaced by what the pool hands out")
                .containsExactly(254L, "198.51.100.1", "198.51.100.254");

        for (String object : List.of("eip/" + UNUSED_POOL, "bgppeer/" + POOL, "bgpconf/" + POOL)) {
            cluster.kubectl("delete", "--wait=false", object);
            IpamFixture.await(() -> cluster.kubectl("get", "--ignore-not-found", "-o", "name", object),
                    String::isBlank, object + " gone: no finalizer left that nobody removes");
        }
        proxied.delete("proxied");
        IpamFixture.await(() -> proxied.get("proxied"), Optional::isEmpty, "the NodeProxy Service gone");
        awaitUsage(5, "unchanged by the deletions");

        f.delete("net");
        IpamFixture.await(() -> f.get("net"), Optional::isEmpty, "the holder of .0 released and gone");
        awaitUsage(4, "without .0");
        f.delete("bcast");
        IpamFixture.await(() -> f.get("bcast"), Optional::isEmpty, "the holder of .255 released and gone");
        awaitUsage(3, "without .0 and .255");
    }

    /**
     * Objects as OpenELB v0.6 leaves them: Eips with its IPAM finalizer and the status it writes (size, first
     * and last address of the whole CIDR; used: address to "ns/name"), Services it served (its finalizer, the
     * Eip label, the address), a NodeProxy Service with its finalizer, a BgpConf and a BgpPeer with its speaker's.
     */
    private void leftByOpenElb() {
        f = new IpamFixture(admin, "migration");
        Map<String, String> holders = new LinkedHashMap<>();
        for (String[] held : new String[][] {{"net", "0"}, {"web", "3"}, {"db", "7"}, {"bcast", "255"}}) {
            String address = "198.51.100." + held[1];
            f.openElbService(held[0], POOL, address, Map.of(), "TCP", 80);
            holders.put(address, f.namespace + "/" + held[0]);
        }
        openElbEip(POOL, "198.51.100.0/24", List.of(f.namespace), 256, "198.51.100.0", "198.51.100.255", holders);
        // admits no namespace of this test: it stays unused
        openElbEip(UNUSED_POOL, "203.0.113.16/28", List.of("openelb-it-nobody"), 16, "203.0.113.16", "203.0.113.31",
                Map.of());
        // NodeProxy forwards through workloads of its own and writes no address; in a namespace no Eip admits
        proxied = new IpamFixture(admin, "migration-np");
        admin.services().inNamespace(proxied.namespace).resource(new ServiceBuilder().withNewMetadata()
                .withName("proxied").withNamespace(proxied.namespace)
                .withAnnotations(Map.of("lb.kubesphere.io/v1alpha1", "openelb",
                        "node-proxy.openelb.kubesphere.io/type", "deployment"))
                .withFinalizers(NODE_PROXY_FINALIZER).endMetadata()
                .withNewSpec().withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .addNewPort().withName("p").withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
        LocalCluster.Result bgp = cluster.kubectlWithInput("""
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpConf
                metadata: {name: %1$s, finalizers: [%2$s]}
                spec: {as: 64513}
                ---
                apiVersion: network.kubesphere.io/v1alpha2
                kind: BgpPeer
                metadata: {name: %1$s, finalizers: [%2$s]}
                spec: {conf: {peerAs: 64512, neighborAddress: 192.0.2.254}}
                """.formatted(POOL, LB_FINALIZER), "create", "-f", "-");
        assertThat(bgp.exitCode()).as(bgp.stderr()).isZero();
    }

    private void openElbEip(String name, String cidr, List<String> namespaces, long size, String first, String last,
            Map<String, String> used) {
        f.eip(name, cidr, Map.of(), spec -> spec.namespaces = namespaces);
        cluster.kubectl("patch", "eip", name, "--type=merge", "-p",
                "{\"metadata\":{\"finalizers\":[\"" + IPAM_FINALIZER + "\"]}}");
        admin.resources(Eip.class).withName(name).editStatus(eip -> {
            EipStatus status = new EipStatus();
            status.poolSize = size;
            status.firstIP = first;
            status.lastIP = last;
            status.v4 = true;
            status.ready = true;
            status.used = used.isEmpty() ? null : used;
            status.usage = used.isEmpty() ? null : (long) used.size();
            eip.setStatus(status);
            return eip;
        });
    }

    private void nothingOfOpenElbLeftAndEverythingOfTheUsersKept() {
        List<String> openElbOnly = new ArrayList<>(List.of("get", "--ignore-not-found", "-o", "name"));
        openElbOnly.addAll(OPENELB_ONLY);
        assertThat(cluster.kubectl(openElbOnly.toArray(String[]::new))).as("OpenELB's cluster objects").isEmpty();
        List<String> inNamespace = new ArrayList<>(List.of("-n", NS, "get", "--ignore-not-found", "-o", "name"));
        inNamespace.addAll(OPENELB_ONLY_IN_NS);
        assertThat(cluster.kubectl(inNamespace.toArray(String[]::new))).as("OpenELB's objects in " + NS).isEmpty();
        assertThat(cluster.kubectl("get", "mutatingwebhookconfigurations", "-o", "name"))
                .doesNotContain("openelb-admission");
        assertThat(cluster.kubectl("-n", NS, "get", "deployment", "openelb-controller", "-o",
                "jsonpath={.spec.selector.matchLabels}")).contains("\"app.kubernetes.io/component\":\"controller\"");
        assertThat(cluster.kubectl("-n", NS, "get", "secret", "openelb-membership", "-o",
                "jsonpath={.data.secret}")).hasSizeGreaterThan(32);
        assertThat(cluster.kubectlResult("auth", "can-i", "delete", "services", "--all-namespaces",
                "--as=system:serviceaccount:openelb-system:openelb-controller").stdout().strip())
                .as("OpenELB's broad controller role narrowed").isEqualTo("no");

        assertThat(cluster.kubectl("get", "crd", "-o", "name")).contains("eips.network.kubesphere.io",
                "bgpconfs.network.kubesphere.io", "bgppeers.network.kubesphere.io");
        for (String eip : List.of(POOL, UNUSED_POOL)) {
            assertThat(Optional.ofNullable(f.eipNow(eip))).as("Eip %s kept, without OpenELB's finalizer", eip)
                    .hasValueSatisfying(e -> assertThat(finalizers(e.getMetadata())).doesNotContain(IPAM_FINALIZER));
        }
        assertThat(f.eipNow(POOL).getStatus().used).as("OpenELB's status, until the controller runs").hasSize(4);
        for (String object : List.of("bgpconf/" + POOL, "bgppeer/" + POOL)) {
            assertThat(cluster.kubectl("get", object, "-o", "jsonpath={.metadata.finalizers}"))
                    .as("%s kept, without OpenELB's finalizer", object).doesNotContain(LB_FINALIZER);
        }
        for (String name : List.of("net", "web", "db", "bcast")) {
            assertThat(f.get(name).map(s -> s.getMetadata().getFinalizers())).as("Service %s kept, until the "
                    + "controller runs with OpenELB's finalizer", name).hasValue(List.of(LB_FINALIZER));
        }
        assertThat(proxied.get("proxied")).as("NodeProxy Service kept, without its finalizer")
                .hasValueSatisfying(s -> assertThat(finalizers(s.getMetadata())).isEmpty());
    }

    private static List<String> finalizers(ObjectMeta meta) {
        return meta.getFinalizers() == null ? List.of() : meta.getFinalizers();
    }

    /** Waits until status.usage, the entries of status.used, the metric and the pools API all say {@code used}. */
    private void awaitUsage(long used, String what) throws InterruptedException {
        IpamFixture.await(this::usageFigures, figures -> figures.stream().allMatch(n -> n == used),
                POOL + " [status.usage, status.used entries, metric, pools API] all " + used + ": " + what);
    }

    private List<Long> usageFigures() {
        Optional<EipStatus> status = Optional.ofNullable(f.eipNow(POOL)).map(Eip::getStatus);
        long usage = status.map(s -> s.usage).orElse(-1L);
        long listed = status.map(s -> s.used).map(m -> (long) m.size()).orElse(0L);
        return List.of(usage, listed, metricInUse(), poolsApiUsed());
    }

    private long metricInUse() {
        String prefix = "openelb_pool_addresses_in_use{";
        return get("/metrics").lines().filter(l -> l.startsWith(prefix) && l.contains("pool=\"" + POOL + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElse(-1);
    }

    private long poolsApiUsed() {
        String body = get("/api/v1/pools");
        return body.isEmpty() ? -1 : new JsonObject(body).getJsonArray("pools").stream().map(JsonObject.class::cast)
                .filter(p -> POOL.equals(p.getString("name"))).mapToLong(p -> p.getLong("used")).findFirst()
                .orElse(-1);
    }

    /** The body of a 200 answer of the controller's HTTP endpoint, else "". */
    private String get(String path) {
        try {
            String response = controller.get(path);
            return response.startsWith("200 ") ? response.substring(4) : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The controller with the image's JVM flags and environment, its memory limit, its ServiceAccount. */
    private OpenElbProcess startControllerAsItsPodWould() throws Exception {
        Path dir = Files.createTempDirectory("migration-it");
        return OpenElbProcess.startWithJvmFlags(
                InstallFiles.jvmFlagsInContainer(InstallFiles.controllerContainer()), InstallFiles.environment(),
                cluster.kubeconfigFor(NS, "openelb-controller", dir), dir, "migrated",
                "--role=controller", "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=1s")
                .awaitReady(Duration.ofSeconds(60));
    }

    private String migrate(String step) {
        LocalCluster.Result result = run(step);
        assertThat(result.exitCode()).as("migrate %s: %s", step, result.stderr()).isZero();
        return result.stdout();
    }

    private LocalCluster.Result run(String step) {
        return LocalCluster.run(List.of("hack/migrate-from-openelb.sh", step), Map.of("KUBECTL",
                cluster.kubectlBinary().toString(), "KUBECONFIG", cluster.adminKubeconfig().toString()), 120);
    }
}
