package io.openelb.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.openelb.InstallFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The install as a user does it, against the real API server: manifests/openelb.yaml is what its sources
 * render, applies with no error (server-side dry run, then for real), the kustomize base takes an
 * overlay, and the controller runs with the image's JVM flags inside the memory limit the manifest gives
 * it, serving the sample Services as their comments say. RBAC of the applied ServiceAccounts: RbacIT; the
 * migration from OpenELB: MigrationIT.
 */
class InstallIT {
    private static final List<String> SERVICE_SAMPLES = List.of("service-etp-cluster.yaml", "service-etp-local.yaml",
            "service-requested-ip.yaml", "service-shared-ip.yaml");
    private static LocalCluster cluster;
    private OpenElbProcess controller;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.get();
    }

    @AfterEach
    void removeSamples() throws Exception {
        if (controller != null) {
            for (String sample : SERVICE_SAMPLES) {
                cluster.kubectl("delete", "--ignore-not-found", "--wait=false", "-f", sample(sample));
            }
            // the controller, still running, releases the addresses
            IpamFixture.await(() -> cluster.admin().services().inNamespace("default").list().getItems().stream()
                    .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList(), List::isEmpty,
                    "sample Services gone");
            controller.close();
        }
        // the sample Eip is a default pool: it must not outlive this test
        cluster.kubectl("delete", "--ignore-not-found", "-f", sample("eip-bgp.yaml"), "-f",
                sample("bgppeer-md5.yaml"));
    }

    @Test
    void installManifestIsWhatItsSourcesRender() {
        LocalCluster.Result check = LocalCluster.run(List.of("hack/manifests.sh", "--check"),
                Map.of("KUBECTL", cluster.kubectlBinary().toString()), 60);

        assertThat(check.exitCode()).as("hack/manifests.sh --check:\n%s", check.stderr()).isZero();
    }

    @Test
    void installAppliesServerSideDryRunThenForRealWithoutErrorOrWarning() {
        String file = InstallFiles.INSTALL.toString();
        LocalCluster.Result dryRun = cluster.kubectlResult("apply", "--dry-run=server", "--validate=strict", "-f",
                file);
        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stderr()).doesNotContainIgnoringCase("warning");

        LocalCluster.Result apply = cluster.kubectlResult("apply", "--validate=strict", "-f", file);
        assertThat(apply.exitCode()).as(apply.stderr()).isZero();
        assertThat(apply.stderr()).doesNotContainIgnoringCase("warning");

        long objects = InstallFiles.objects().size();
        assertThat(cluster.kubectl("get", "-f", file, "-o", "name").lines()).hasSize((int) objects);
        assertThat(cluster.kubectl("get", "deployment,daemonset,poddisruptionbudget,service,serviceaccount",
                "-n", "openelb-system", "-o", "name"))
                .contains("deployment.apps/openelb-controller", "daemonset.apps/openelb-speaker",
                        "poddisruptionbudget.policy/openelb-controller", "service/openelb-metrics",
                        "serviceaccount/openelb-controller", "serviceaccount/openelb-speaker");
    }

    @Test
    void kustomizeBaseTakesTheOverlayForVipMode() {
        String rendered = cluster.kubectl("kustomize", "docs/install/vip-mode");
        LocalCluster.Result dryRun = cluster.kubectlResult("apply", "--dry-run=server", "-k", "docs/install/vip-mode");

        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(rendered).contains("- NET_RAW\n            - NET_ADMIN");
        assertThat(cluster.kubectl("kustomize", "manifests")).doesNotContain("NET_ADMIN");
    }

    @Test
    void kustomizeBaseTakesTheOverlayForBgpPort179() {
        String rendered = cluster.kubectl("kustomize", "docs/install/bgp-port-179");
        LocalCluster.Result dryRun = cluster.kubectlResult("apply", "--dry-run=server", "-k",
                "docs/install/bgp-port-179");

        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(rendered).contains("- NET_RAW\n            - NET_BIND_SERVICE");
        assertThat(cluster.kubectl("kustomize", "manifests")).doesNotContain("NET_BIND_SERVICE");
    }

    /**
     * The controller as its Pod runs it: the image's JVM flags, the container's memory limit, the
     * ServiceAccount's token. OpenELB-style sample Services get the addresses their comments promise.
     */
    @Test
    void controllerWithTheImagesFlagsServesTheSampleServicesWithinItsMemoryLimit() throws Exception {
        IpamFixture.removeLeftovers(cluster.admin());
        cluster.kubectl("apply", "-f", sample("eip-bgp.yaml"));
        controller = startControllerAsItsPodWould("controller");
        for (String sample : SERVICE_SAMPLES) {
            cluster.kubectl("apply", "-f", sample(sample));
        }

        assertThat(awaitIngress("web-fixed-ip")).containsExactly("192.0.2.120");
        assertThat(awaitIngress("dns-udp")).containsExactly("192.0.2.130");
        assertThat(awaitIngress("dns-tcp")).containsExactly("192.0.2.130");
        for (String name : List.of("web-cluster", "web-local")) {
            assertThat(awaitIngress(name)).singleElement().satisfies(ip -> assertThat(
                    Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1))).as(ip).isBetween(100, 150));
        }
        assertThat(awaitIngress("web-cluster")).isNotEqualTo(awaitIngress("web-local"));

        long limitKiB = InstallFiles.memoryLimitMiB(InstallFiles.controllerContainer()) * 1024;
        assertThat(controller.peakRssKiB()).as("peak RSS (KiB) within the container's memory limit")
                .isPositive().isLessThan(limitKiB);
    }

    /** The controller with the image's JVM flags and environment, its memory limit, its ServiceAccount. */
    private static OpenElbProcess startControllerAsItsPodWould(String name) throws Exception {
        Path dir = Files.createTempDirectory("install-it");
        return OpenElbProcess.startWithJvmFlags(
                InstallFiles.jvmFlagsInContainer(InstallFiles.controllerContainer()), InstallFiles.environment(),
                cluster.kubeconfigFor("openelb-system", "openelb-controller", dir), dir, name,
                "--role=controller", "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=1s")
                .awaitReady(Duration.ofSeconds(60));
    }

    @Test
    void dockerfilePassesHadolint() {
        LocalCluster.Result lint = LocalCluster.run(List.of("hack/lint-dockerfile.sh"), Map.of(), 300);

        assertThat(lint.exitCode()).as("hadolint:\n%s%s", lint.stdout(), lint.stderr()).isZero();
    }

    /** The MD5 sample's Secret is where the speaker, and only the speaker, may read it. */
    @Test
    void md5SampleSecretIsReadableByTheSpeakerOnly() {
        cluster.kubectl("apply", "-f", sample("bgppeer-md5.yaml"));
        String ref = cluster.kubectl("get", "bgppeer", "bgppeer-md5-sample", "-o",
                "jsonpath={.spec.conf.authPasswordSecretRef.name}");

        assertThat(cluster.kubectl("get", "secret", ref, "-n", "openelb-system", "-o",
                "jsonpath={.data.password}")).isNotEmpty();
        assertThat(canGet("openelb-speaker", "secret/" + ref)).isEqualTo("yes");
        assertThat(canGet("openelb-controller", "secret/" + ref)).isEqualTo("no");
    }

    private String canGet(String account, String resource) {
        return cluster.kubectlResult("auth", "can-i", "get", resource, "-n", "openelb-system",
                "--as=system:serviceaccount:openelb-system:" + account).stdout().strip();
    }

    private List<String> awaitIngress(String name) throws InterruptedException {
        return IpamFixture.await(() -> {
            Service s = cluster.admin().services().inNamespace("default").withName(name).get();
            return s == null ? List.<String>of() : IpamFixture.ingress(s);
        }, l -> !l.isEmpty(), "an address for default/" + name);
    }

    private static String sample(String file) {
        return Path.of("manifests", "samples", file).toString();
    }
}
